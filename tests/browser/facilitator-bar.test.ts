import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { writePhase } from '../../shared/document/session';
import type { CreateBoardResponse } from '../../shared/schema/api';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard, type TestServer } from '../helpers/server';

const ARRIVES_MS = 5000;

/** The sizes a session uses: a laptop, a projector's full HD, a phone. */
const SIZES = [
  { name: 'laptop', width: 1366, height: 768 },
  { name: 'full HD', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const ACTIVITIES = ['The exercise', 'Driver diagrams', 'Action plan'] as const;

interface Overlap {
  element: string;
  bar: string;
}

/**
 * Every interactive element and heading in the main area whose visible part
 * (what its scroller does not clip) meets the header's bar or the
 * facilitator's bar. A bar pinned over the content (the old sticky one)
 * meets whatever scrolls under it; one the content is laid out below meets nothing.
 */
function overlapsWithTheBars(page: Page): Promise<Overlap[]> {
  return page.evaluate(() => {
    type Box = { left: number; top: number; right: number; bottom: number };
    const meet = (a: Box, b: Box): Box | null => {
      const box = { left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) };
      return box.right - box.left > 0.5 && box.bottom - box.top > 0.5 ? box : null;
    };
    const viewport = { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
    const content = document.querySelector('.board-shell__content');
    const scrolls = content && ['auto', 'scroll'].includes(getComputedStyle(content).overflowY);
    const clip = scrolls ? meet(content.getBoundingClientRect(), viewport) : viewport;
    const bars = [...document.querySelectorAll<HTMLElement>('.board-bar, .facilitator-controls')];
    const found: { element: string; bar: string }[] = [];
    const selector = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), h1, h2, h3, h4';
    for (const element of document.querySelectorAll<HTMLElement>(`main :is(${selector})`)) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || !clip) continue;
      const shown = meet(rect, clip);
      if (!shown) continue;
      for (const bar of bars) {
        if (meet(shown, bar.getBoundingClientRect())) found.push({ element: `${element.tagName} “${element.textContent?.trim().slice(0, 40)}”`, bar: bar.className });
      }
    }
    return found;
  });
}

/** Scrolls whatever scrolls the content (the content area on a laptop, the page on a phone) to its end. */
function scrollContentToEnd(page: Page): Promise<void> {
  return page.evaluate(() => {
    const content = document.querySelector('.board-shell__content');
    const scroller = content && ['auto', 'scroll'].includes(getComputedStyle(content).overflowY) ? content : document.scrollingElement!;
    scroller.scrollTop = scroller.scrollHeight;
  });
}

/** Nothing wider than the window: neither the page nor the content area scrolls sideways. */
function sidewaysScroll(page: Page): Promise<{ page: number; content: number }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const content = document.querySelector('.board-shell__content')!;
    return { page: root.scrollWidth - root.clientWidth, content: content.scrollWidth - content.clientWidth };
  });
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

describe('the facilitator’s bar, the people panel and the board menu, in real Chromium', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  const { join, startServer, scriptedFacilitator } = chromiumPeople();

  async function start(phase?: 'write') {
    server = await startServer();
    board = await createBoard(server, 'Bar and panel', 'four-perspectives');
    if (phase) writePhase(await scriptedFacilitator(server, board), phase);
  }

  async function facilitatorAt(size: (typeof SIZES)[number]): Promise<Page> {
    const page = await join(board.links.facilitator, 'Fran', { mobile: size.name === 'phone' });
    await page.setViewportSize({ width: size.width, height: size.height });
    await visible(page.getByRole('region', { name: 'Facilitator controls' }));
    return page;
  }

  const showing = (page: Page, activity: string) => page.getByRole('group', { name: 'Show' }).getByRole('button', { name: activity });
  const people = (page: Page) => page.getByRole('button', { name: /^People \(\d+\)$/ });

  for (const size of SIZES) {
    it(`lays the content out below the bar on the exercise, the diagrams and the plan, with no sideways scrolling (${size.width}×${size.height})`, async () => {
      await start();
      const fran = await facilitatorAt(size);
      const bar = fran.locator('.facilitator-controls');
      expect(await bar.evaluate((el) => getComputedStyle(el).position)).toBe('static');
      // One compact row on a laptop and a projector; a phone's may wrap.
      if (size.name !== 'phone') expect((await bar.boundingBox())!.height).toBeLessThan(64);
      for (const activity of ACTIVITIES) {
        await showing(fran, activity).click();
        await expect.poll(() => showing(fran, activity).getAttribute('aria-pressed')).toBe('true');
        expect(await overlapsWithTheBars(fran), `${activity}, at the top`).toEqual([]);
        await scrollContentToEnd(fran);
        expect(await overlapsWithTheBars(fran), `${activity}, scrolled to the end`).toEqual([]);
        expect(await sidewaysScroll(fran), activity).toEqual({ page: 0, content: 0 });
        // The bar's buttons stay within reach wherever the content is scrolled, on a laptop.
        if (size.name !== 'phone') expect(await fran.getByRole('button', { name: 'Bring everyone to me' }).isVisible()).toBe(true);
      }
    });
  }

  it('folds the people panel away, closed by default on the plan and the diagrams, and full width on a phone', async () => {
    await start();
    const fran = await facilitatorAt(SIZES[0]);
    await expect.poll(() => people(fran).getAttribute('aria-expanded')).toBe('true');
    await visible(fran.locator('.participants__list'));
    await people(fran).click();
    expect(await people(fran).getAttribute('aria-expanded')).toBe('false');
    expect(await fran.locator('.participants__list').isVisible()).toBe(false);
    for (const activity of ['Action plan', 'Driver diagrams']) {
      await showing(fran, activity).click();
      await expect.poll(() => people(fran).getAttribute('aria-expanded')).toBe('false');
    }
    // The mark beside a name is a square swatch, not a circle that looks like a radio button.
    await people(fran).click();
    expect(await fran.locator('.presence__swatch').first().evaluate((el) => getComputedStyle(el).borderRadius)).toBe('2px');

    const phone = await join(board.links.participant, 'Pat', { mobile: true });
    const panel = phone.locator('.participants');
    await people(phone).click();
    await expect.poll(() => people(phone).getAttribute('aria-expanded')).toBe('true');
    const width = (await panel.boundingBox())!.width;
    expect(width).toBeGreaterThan(390 - 40);
  });

  it('opens the “More” menu from the keyboard; Escape closes it and the menu’s button has focus again, after its dialog too', async () => {
    await start();
    const fran = await facilitatorAt(SIZES[0]);
    const more = fran.getByRole('button', { name: 'More for this board' });
    await more.focus();
    await fran.keyboard.press('Enter');
    await expect.poll(() => more.getAttribute('aria-expanded')).toBe('true');
    // Dangerous, and looking it: the NHS red, not the blue of "Copy invite link" beside it.
    const item = fran.getByRole('button', { name: 'Delete board…' });
    const nhsRed = await fran.evaluate(() => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.color = 'var(--nhs-red)';
      const colour = getComputedStyle(probe).color;
      probe.remove();
      return colour;
    });
    expect(await item.evaluate((el) => getComputedStyle(el).color)).toBe(nhsRed);
    expect(await fran.getByRole('button', { name: 'Copy invite link' }).evaluate((el) => getComputedStyle(el).color)).not.toBe(nhsRed);
    // The first item starts the next check-in of the cycle; the dangerous one comes last.
    await fran.keyboard.press('ArrowDown');
    await expect.poll(() => focusedText(fran)).toBe('Start the 30-day check-in…');
    await fran.keyboard.press('ArrowDown');
    await expect.poll(() => focusedText(fran)).toBe('Delete board…');
    await fran.keyboard.press('Escape');
    await expect.poll(() => more.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => focusedText(fran)).toBe('More for this board▾');
    expect(await item.isVisible()).toBe(false);

    // Tab moves into it as well; the dialog it opens gives focus back to the menu's button.
    await fran.keyboard.press('Enter');
    await fran.keyboard.press('Tab');
    await fran.keyboard.press('Tab');
    await expect.poll(() => focusedText(fran)).toBe('Delete board…');
    await fran.keyboard.press('Enter');
    const dialog = fran.getByRole('dialog', { name: 'Delete “Bar and panel”?' });
    await visible(dialog);
    await expect.poll(() => focusedText(fran)).toBe('Keep the board');
    await fran.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => focusedText(fran)).toBe('More for this board▾');
    // Tab out of the open menu closes it behind the person.
    await fran.keyboard.press('Enter');
    await fran.keyboard.press('Tab');
    await fran.keyboard.press('Tab');
    await fran.keyboard.press('Tab');
    await expect.poll(() => more.getAttribute('aria-expanded')).toBe('false');
  });

  it('brings a participant on the action plan to the facilitator’s activity and phase', async () => {
    await start('write');
    const fran = await facilitatorAt(SIZES[0]);
    const pat = await join(board.links.participant, 'Pat', { mobile: true });
    await showing(pat, 'Action plan').click();
    await visible(pat.getByRole('heading', { name: 'Action plan', level: 2 }));

    await fran.getByRole('button', { name: 'Bring everyone to me' }).click();
    await expect.poll(() => showing(pat, 'The exercise').getAttribute('aria-pressed'), { timeout: ARRIVES_MS }).toBe('true');
    await visible(pat.getByRole('heading', { name: 'Now: Write, in private' }));
    await visible(pat.getByRole('textbox', { name: /Your note for/ }).or(pat.getByRole('radio', { name: 'Staff' })));
    await visible(pat.locator('#exercise-main:focus'));

    // And to the diagrams, when that is where the facilitator is.
    await showing(fran, 'Driver diagrams').click();
    await fran.getByRole('button', { name: 'Bring everyone to me' }).click();
    await expect.poll(() => showing(pat, 'Driver diagrams').getAttribute('aria-pressed'), { timeout: ARRIVES_MS }).toBe('true');
  });

  it('asks before switching the set-up to a blank board, and the switch can be undone', async () => {
    await start();
    const fran = await facilitatorAt(SIZES[0]);
    const pat = await join(board.links.participant, 'Pat');
    const blank = fran.getByRole('radio', { name: /A blank board/ });

    await blank.click();
    const dialog = fran.getByRole('dialog', { name: 'Switch to a blank board?' });
    await visible(dialog);
    await visible(dialog.getByText('The perspectives and settings you have chosen are kept'));
    await dialog.getByRole('button', { name: 'Keep the exercise' }).click();
    expect(await dialog.count()).toBe(0);
    // Nothing changed, and the keyboard is back on the choice.
    expect(await blank.isChecked()).toBe(false);
    await expect.poll(() => blank.evaluate((el) => el === document.activeElement)).toBe(true);

    await blank.click();
    await dialog.getByRole('button', { name: 'Switch to a blank board' }).click();
    for (const page of [fran, pat]) await visible(page.getByRole('region', { name: 'Board' }), ARRIVES_MS);
    const message = fran.locator('.template-switched');
    await visible(message.getByText('This is now a blank board for everyone.'));
    await expect.poll(() => message.evaluate((el) => el === document.activeElement)).toBe(true);

    await fran.getByRole('button', { name: /^Undo\b.*back to the exercise/ }).click();
    for (const page of [fran, pat]) await visible(page.getByRole('heading', { name: 'Now: Set up' }), ARRIVES_MS);
    const exercise = fran.getByRole('radio', { name: /What does good look like/ });
    expect(await exercise.isChecked()).toBe(true);
    await expect.poll(() => exercise.evaluate((el) => el === document.activeElement)).toBe(true);
    // The lanes came back with it.
    await visible(fran.getByRole('textbox', { name: 'Perspective 4' }));
  });
});
