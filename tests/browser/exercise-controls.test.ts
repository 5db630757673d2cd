import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addNote } from '../../shared/document/notes';
import { writePhase } from '../../shared/document/session';
import type { PerspectiveId } from '../../shared/schema/ids';
import type { CreateBoardResponse } from '../../shared/schema/api';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard, type TestServer } from '../helpers/server';

const ARRIVES_MS = 5000;
const MINUTE_MS = 60_000;

describe('the facilitator’s controls and private drafts, in real Chromium', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  const { join, startServer, scriptedFacilitator } = chromiumPeople();

  async function start() {
    server = await startServer();
    board = await createBoard(server, 'Controls', 'four-perspectives');
  }

  const facilitatorDoc = () => scriptedFacilitator(server, board);

  const secondsLeft = async (page: Page) => {
    const [minutes, seconds] = (await page.getByRole('timer').innerText()).split(':').map(Number);
    return minutes! * 60 + seconds!;
  };

  it('shows the same time left on every screen, even where the machine’s clock is seven minutes out', async () => {
    await start();
    const fran = await join(board.links.facilitator, 'Fran');
    const skewed = await join(board.links.participant, 'Sam', { clockSkewMs: 7 * MINUTE_MS });
    await fran.getByRole('button', { name: 'Timer' }).click();
    await fran.getByRole('spinbutton', { name: 'Minutes' }).fill('10');
    await fran.getByRole('button', { name: 'Set timer' }).click();
    await fran.getByRole('button', { name: 'Start' }).click();
    await visible(skewed.getByRole('timer'), ARRIVES_MS);
    await expect.poll(() => skewed.getByRole('timer').innerText()).toMatch(/^9:5\d$|^10:00$/);
    const [a, b] = [await secondsLeft(fran), await secondsLeft(skewed)];
    expect(Math.abs(a - b)).toBeLessThanOrEqual(2);

    await fran.getByRole('button', { name: 'Pause' }).click();
    await visible(skewed.getByText('(paused)'), ARRIVES_MS);
    await fran.getByRole('button', { name: 'Add a minute' }).click();
    await expect.poll(() => secondsLeft(skewed), { timeout: ARRIVES_MS }).toBeGreaterThan(10 * 60);
    // A timer belongs to its phase: the next phase starts without one.
    await fran.getByRole('button', { name: 'Next: Write, in private' }).click();
    await visible(skewed.getByRole('heading', { name: 'Now: Write, in private' }), ARRIVES_MS);
    expect(await skewed.getByRole('timer').count()).toBe(0);
  });

  it('brings every participant to the facilitator’s phase and place on the page', async () => {
    await start();
    const doc = await facilitatorDoc();
    for (let i = 0; i < 14; i++) {
      addNote(doc, { text: `Idea number ${i + 1} about keeping staff`, x: 0, y: 0, authorId: null, authorName: 'Script', perspectiveId: 'staff' as PerspectiveId });
    }
    doc.getMap('session').set('revealed', true);
    writePhase(doc, 'compare');
    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat', { mobile: true });
    await visible(fran.getByRole('heading', { name: 'Now: Compare' }));
    await fran.locator('.lane-note--groupable').last().scrollIntoViewIfNeeded();
    // On a laptop the content scrolls below the header and the facilitator's bar (client/screens/shell/shell.css).
    const franPlace = await fran.evaluate(() => {
      const content = document.querySelector('.board-shell__content')!;
      return content.scrollTop / (content.scrollHeight - content.clientHeight);
    });
    expect(franPlace).toBeGreaterThan(0.5);
    expect(await pat.evaluate(() => window.scrollY)).toBe(0);
    await fran.getByRole('button', { name: 'Bring everyone to me' }).click();
    // The same place, in proportion: the phone's page is longer than the laptop's.
    const patPlace = () => pat.evaluate(() => window.scrollY / (document.documentElement.scrollHeight - window.innerHeight));
    await expect.poll(patPlace, { timeout: ARRIVES_MS }).toBeGreaterThan(franPlace - 0.05);
    expect(await patPlace()).toBeLessThan(franPlace + 0.05);
    await visible(pat.locator('#exercise-main:focus'));
  });

  it('locks the board for participants until the facilitator unlocks it', async () => {
    await start();
    const doc = await facilitatorDoc();
    writePhase(doc, 'write');
    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat');
    await pat.getByRole('radio', { name: 'Staff' }).click();
    const field = pat.getByRole('textbox', { name: 'Your note for “Staff”' });
    await fran.getByRole('button', { name: 'Lock the board' }).click();
    await visible(pat.getByText('The facilitator has locked the board for now.'), ARRIVES_MS);
    await expect.poll(() => field.isDisabled()).toBe(true);
    await fran.getByRole('button', { name: 'Unlock the board' }).click();
    await expect.poll(() => field.isDisabled(), { timeout: ARRIVES_MS }).toBe(false);
    await field.fill('Written once unlocked');
    await field.press('Enter');
    await expect.poll(() => fran.locator('.lane').filter({ hasText: 'Staff: 1 note' }).count(), { timeout: ARRIVES_MS }).toBe(1);
  });

  it('keeps drafts through a reload and while offline, and counts them once back online', async () => {
    await start();
    const doc = await facilitatorDoc();
    writePhase(doc, 'write');
    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat');
    await pat.getByRole('radio', { name: 'Line managers' }).click();
    const write = async (page: Page, text: string) => {
      const field = page.getByRole('textbox', { name: 'Your note for “Line managers”' });
      await field.fill(text);
      await field.press('Enter');
      await visible(page.locator('.lane-note--mine').filter({ hasText: text }));
    };
    await write(pat, 'Written before the reload');
    await pat.reload();
    await visible(pat.locator('.lane-note--mine').filter({ hasText: 'Written before the reload' }), ARRIVES_MS);

    await pat.context().setOffline(true);
    await visible(pat.getByText('You are offline. Your notes are kept on this device'), ARRIVES_MS);
    await write(pat, 'Written on the train');
    await pat.reload().catch(() => undefined);
    await expect.poll(() => fran.locator('.lane').filter({ hasText: 'Line managers: 1 note' }).count()).toBe(1);
    await pat.context().setOffline(false);
    await pat.goto(board.links.participant);
    await visible(pat.locator('.lane-note--mine').filter({ hasText: 'Written on the train' }), ARRIVES_MS);
    await expect.poll(() => fran.locator('.lane').filter({ hasText: 'Line managers: 2 notes' }).count(), { timeout: ARRIVES_MS }).toBe(1);
    expect(await fran.content()).not.toContain('Written on the train');
  });

  it('spreads people over the groups as they arrive when the facilitator chose automatic balance', async () => {
    await start();
    const fran = await join(board.links.facilitator, 'Fran');
    await fran.getByRole('radio', { name: /Balance the groups automatically/ }).check();
    const groupOf = (page: Page) => page.locator('.group-picker__note').innerText();
    const seen: string[] = [];
    for (const name of ['Ann', 'Ben', 'Cat']) {
      const page = await join(board.links.participant, name);
      await expect.poll(() => groupOf(page), { timeout: ARRIVES_MS }).toMatch(/^Your group: /);
      seen.push(await groupOf(page));
    }
    // Each arrival went to a group nobody was in yet.
    expect(new Set(seen).size).toBe(3);
    await expect.poll(() => fran.locator('.participants__select').evaluateAll((els) => els.filter((el) => (el as HTMLSelectElement).value !== '').length)).toBe(3);
  });

  it('lets the facilitator assign each person a group when they chose to', async () => {
    await start();
    const fran = await join(board.links.facilitator, 'Fran');
    await fran.getByRole('radio', { name: /I assign the groups/ }).check();
    const pat = await join(board.links.participant, 'Pat');
    await visible(pat.getByText('The facilitator will put you in a group.'), ARRIVES_MS);
    expect(await pat.getByRole('radio').count()).toBe(0);
    await fran.getByRole('combobox', { name: 'Group of Pat' }).selectOption({ label: 'Staff' });
    await visible(pat.getByText('Your group: Staff.'), ARRIVES_MS);
  });

  it('plays a gentle chime and says so when the time is up, where the facilitator asked for one', async () => {
    await start();
    const doc = await facilitatorDoc();
    const pat = await join(board.links.participant, 'Pat');
    // Count the tones the page starts, instead of listening for them.
    await pat.evaluate(() => {
      const counter = window as unknown as { tones: number };
      counter.tones = 0;
      const Original = window.AudioContext;
      window.AudioContext = class extends Original {
        override createOscillator(): OscillatorNode {
          const oscillator = super.createOscillator();
          const start = oscillator.start.bind(oscillator);
          oscillator.start = (when?: number) => {
            counter.tones++;
            start(when);
          };
          return oscillator;
        }
      };
    });
    // A two-second timer, on the server's clock, with the chime on.
    const now = Date.now();
    doc.getMap('session').set('timer', { durationMs: 2000, endsAt: now + 2000, remainingMs: 2000, sound: true, phase: 'setup' });
    await visible(pat.getByRole('timer'), ARRIVES_MS);
    await visible(pat.getByText('– time is up'), ARRIVES_MS);
    await expect.poll(() => pat.evaluate(() => (window as unknown as { tones: number }).tones)).toBe(1);
    await expect.poll(() => pat.locator('[aria-live="polite"]').allInnerTexts()).toContain('Time is up.');
  });
});
