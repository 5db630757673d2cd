import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addNote } from '../../shared/document/notes';
import { setSessionFlag, writePhase } from '../../shared/document/session';
import { addTheme } from '../../shared/document/themes';
import type { PerspectiveId } from '../../shared/schema/ids';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;
/** More presses than any screen of the exercise has stops, so a missing control fails instead of looping. */
const MAX_TABS = 120;

/** What has focus: its tag, its accessible name as the page states it (aria-label, else its text less what is aria-hidden), and its role. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const text = (from: HTMLElement) => {
      const copy = from.cloneNode(true) as HTMLElement;
      for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
      return copy.textContent ?? '';
    };
    return {
      tag: element?.tagName.toLowerCase() ?? '',
      name: (element ? (element.getAttribute('aria-label') ?? text(element)) : '').replace(/\s+/g, ' ').trim(),
      role: element?.getAttribute('role') ?? '',
      expanded: element?.getAttribute('aria-expanded') ?? null,
      /** The theme column it is in, if any. */
      theme: element?.closest('section[aria-label^="Theme: "]')?.getAttribute('aria-label') ?? null,
    };
  });
}

/** Presses Tab, as a keyboard user would, until the control named `name` has focus. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < MAX_TABS; presses++) {
    if ((await focused(page)).name === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached “${name}”; focus is on ${JSON.stringify(await focused(page))}`);
}

/**
 * A keyboard user keeps their place. The facilitator walks
 * the exercise with the keyboard alone (Tab, Enter, Space, arrows, Escape; no
 * clicks), and after each of these focus is where they can carry on: a phase
 * change (the new phase's heading, for them and for everyone moved with
 * them), a move to a theme (the moved note's menu button, in its new
 * column), a menu closed with Escape (its button), a dialog closed (what
 * opened it).
 */
describe('walking the exercise by keyboard alone, in real Chromium', () => {
  const { join, startServer, scriptedFacilitator } = chromiumPeople();

  it('keeps focus where the facilitator can carry on, after every phase change, move, menu and dialog', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Keyboard walk', 'four-perspectives');
    // Set-up, by script: two revealed notes and a theme to move one into, at the reveal.
    const doc = await scriptedFacilitator(server, board);
    addNote(doc, { text: 'Self-rostering', x: 0, y: 0, authorId: null, authorName: 'Script', perspectiveId: 'staff' as PerspectiveId });
    addNote(doc, { text: 'Exit interview data', x: 0, y: 0, authorId: null, authorName: 'Script', perspectiveId: 'board' as PerspectiveId });
    addTheme(doc, { title: 'Flexible working' });
    setSessionFlag(doc, 'revealed', true);
    writePhase(doc, 'reveal');

    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat');
    await visible(fran.getByRole('heading', { name: 'Now: Reveal' }), ARRIVES_MS);
    await visible(pat.getByRole('heading', { name: 'Now: Reveal' }), ARRIVES_MS);
    // On first load nobody's focus is moved: the page starts where pages start.
    expect((await focused(pat)).tag).toBe('body');

    // A phase change: focus goes to the new phase's heading, for the facilitator and for Pat, whose screen changed too.
    await tabTo(fran, 'Next: Compare');
    await fran.keyboard.press('Enter');
    await visible(fran.getByRole('heading', { name: 'Now: Compare' }), ARRIVES_MS);
    await expect.poll(() => focused(fran)).toMatchObject({ tag: 'h2', name: 'Now: Compare' });
    await expect.poll(() => focused(pat), { timeout: ARRIVES_MS }).toMatchObject({ tag: 'h2', name: 'Now: Compare' });

    // A menu: Enter opens it on its first item; Escape closes it and puts focus back on its button.
    const menuButton = 'Actions for note: Self-rostering';
    await tabTo(fran, menuButton);
    await fran.keyboard.press('Enter');
    await expect.poll(() => focused(fran)).toMatchObject({ role: 'menuitemradio', name: 'Flexible working' });
    await fran.keyboard.press('ArrowDown');
    await expect.poll(() => focused(fran)).toMatchObject({ name: 'No theme' });
    await fran.keyboard.press('Escape');
    await expect.poll(() => focused(fran)).toMatchObject({ tag: 'button', name: menuButton, expanded: 'false' });

    // A move to a theme: the note is drawn anew in the theme's column, and focus follows it there.
    await fran.keyboard.press('Space');
    await expect.poll(() => focused(fran)).toMatchObject({ role: 'menuitemradio', name: 'Flexible working' });
    await fran.keyboard.press('Enter');
    await expect.poll(() => focused(fran)).toMatchObject({ tag: 'button', name: menuButton, theme: 'Theme: Flexible working' });
    // Sighted people see what happened, too.
    await visible(fran.getByRole('status').getByText('Moved “Self-rostering” to the theme “Flexible working”.'));

    // A dialog: the join code shown large; Escape closes it and focus goes back to what opened it.
    await tabTo(fran, 'Show large');
    await fran.keyboard.press('Enter');
    await visible(fran.getByRole('dialog', { name: 'Join this workshop' }));
    await fran.keyboard.press('Escape');
    await expect.poll(() => fran.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => focused(fran)).toMatchObject({ tag: 'button', name: 'Show large' });

    // The next phase change, again by keyboard: the heading again, for both.
    await tabTo(fran, 'Next: Vote');
    await fran.keyboard.press('Enter');
    await visible(fran.getByRole('heading', { name: 'Now: Vote' }), ARRIVES_MS);
    await expect.poll(() => focused(fran)).toMatchObject({ tag: 'h2', name: 'Now: Vote' });
    await expect.poll(() => focused(pat), { timeout: ARRIVES_MS }).toMatchObject({ tag: 'h2', name: 'Now: Vote' });
  });
});
