import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPeople, joinBoard } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;
/** Longer than the pause that ends a burst of typing (TEXT_UNDO_CAPTURE_MS in client/sync/undoHistory.ts). */
const PAUSE_BETWEEN_BURSTS_MS = 800;

describe('live shared text, in real Chromium', () => {
  const { person, startServer } = chromiumPeople();

  async function join(link: string, name: string): Promise<Page> {
    const page = await person();
    await joinBoard(page, link, name, ARRIVES_MS);
    await page.getByRole('button', { name: 'Action plan' }).click();
    return page;
  }

  it('keeps what two people type into the same field at once, each caret where its owner left it, and undo takes back only one’s own last burst', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: action plan');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await join(board.links.participant, 'Pat');

    await fay.getByRole('button', { name: 'Add an action', exact: true }).click();
    const fayField = fay.getByRole('textbox', { name: /^Action of “/ });
    await fayField.fill('rotas');
    const patField = pat.getByRole('textbox', { name: /^Action of “/ });
    await expect.poll(() => patField.inputValue(), { timeout: ARRIVES_MS }).toBe('rotas');

    // Fay types on at the end while Pat types at the start, at the same time.
    await fayField.click();
    await fayField.press('Control+End');
    await patField.click();
    await patField.press('Control+Home');
    await Promise.all([fayField.pressSequentially(' six weeks ahead', { delay: 40 }), patField.pressSequentially('Publish ', { delay: 60 })]);
    const both = 'Publish rotas six weeks ahead';
    await expect.poll(() => fayField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);
    await expect.poll(() => patField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);

    // Pat types a second burst, then undoes once: only that burst goes, for everyone.
    await pat.waitForTimeout(PAUSE_BETWEEN_BURSTS_MS);
    await patField.press('Control+End');
    await patField.pressSequentially(', every ward', { delay: 30 });
    await expect.poll(() => fayField.inputValue(), { timeout: ARRIVES_MS }).toBe(`${both}, every ward`);
    await pat.waitForTimeout(PAUSE_BETWEEN_BURSTS_MS);
    await patField.press('Control+z');
    await expect.poll(() => patField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);
    await expect.poll(() => fayField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);

    // Once more takes back Pat's first burst, and still none of Fay's typing.
    await patField.press('Control+z');
    await expect.poll(() => fayField.inputValue(), { timeout: ARRIVES_MS }).toBe('rotas six weeks ahead');
  });

  it('undoes a burst of typing with Ctrl+Z on the exercise’s plan too, not the browser’s own undo', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: workshop', 'four-perspectives');
    const fay = await join(board.links.facilitator, 'Fay');
    await fay.getByRole('button', { name: 'Add an action', exact: true }).click();
    const field = fay.getByRole('textbox', { name: /^Action of “/ });
    await field.click();
    await field.pressSequentially('Exit interviews', { delay: 30 });
    await fay.waitForTimeout(PAUSE_BETWEEN_BURSTS_MS);
    await field.pressSequentially(' for every leaver', { delay: 30 });
    await fay.waitForTimeout(PAUSE_BETWEEN_BURSTS_MS);
    await field.press('Control+z');
    await expect.poll(() => field.inputValue(), { timeout: ARRIVES_MS }).toBe('Exit interviews');
    await field.press('Control+Shift+z');
    await expect.poll(() => field.inputValue(), { timeout: ARRIVES_MS }).toBe('Exit interviews for every leaver');
  });

  it('deletes a step someone empties and leaves, for everyone', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: steps');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await join(board.links.participant, 'Pat');
    await fay.getByRole('button', { name: 'Add an action', exact: true }).click();
    await fay.getByRole('textbox', { name: /^Action of “/ }).fill('Exit interviews');
    for (const step of ['Call every leaver', 'Share what they say']) {
      await fay.getByRole('textbox', { name: 'New step for “Exit interviews”' }).fill(step);
      await fay.getByRole('textbox', { name: 'New step for “Exit interviews”' }).press('Enter');
    }
    const firstStep = (page: Page) => page.getByRole('textbox', { name: 'Step 1 of “Exit interviews”' });
    await expect.poll(() => firstStep(pat).inputValue(), { timeout: ARRIVES_MS }).toBe('Call every leaver');

    // Pat empties the first step and leaves it: it is deleted, not kept blank.
    await firstStep(pat).fill('');
    await firstStep(pat).press('Enter');
    await expect.poll(() => firstStep(fay).inputValue(), { timeout: ARRIVES_MS }).toBe('Share what they say');
    await expect.poll(() => fay.getByRole('textbox', { name: /^Step \d of “Exit interviews”$/ }).count(), { timeout: ARRIVES_MS }).toBe(1);
    await expect.poll(() => pat.getByRole('textbox', { name: /^Step \d of “Exit interviews”$/ }).count(), { timeout: ARRIVES_MS }).toBe(1);
  });

  it('keeps what two people type into the same driver at once', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: driver diagram');
    const fay = await person();
    const pat = await person();
    for (const [page, link, name] of [[fay, board.links.facilitator, 'Fay'], [pat, board.links.participant, 'Pat']] as const) {
      await joinBoard(page, link, name, ARRIVES_MS);
      await page.getByRole('button', { name: 'Driver diagrams' }).click();
    }
    await fay.getByRole('textbox', { name: 'New driver diagram' }).fill('Keeping newly qualified nurses');
    await fay.getByRole('button', { name: 'Start a diagram' }).click();
    for (const page of [fay, pat]) await page.getByRole('button', { name: 'Outline' }).click();
    await fay.getByRole('button', { name: 'Add a primary driver' }).last().click();

    // Held by their elements: the driver's name in the outline changes as they type.
    const fieldOf = async (page: Page) => (await page.locator('.outline > ul > li > .outline__row input.outline__text').first().elementHandle())!;
    const fayField = await fieldOf(fay);
    await fayField.fill('rotas');
    await expect.poll(async () => (await fieldOf(pat)).inputValue(), { timeout: ARRIVES_MS }).toBe('rotas');
    const patField = await fieldOf(pat);

    await fayField.press('End');
    await patField.press('Home');
    await Promise.all([fayField.type(' six weeks ahead', { delay: 40 }), patField.type('Predictable ', { delay: 60 })]);
    const both = 'Predictable rotas six weeks ahead';
    await expect.poll(() => fayField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);
    await expect.poll(() => patField.inputValue(), { timeout: ARRIVES_MS }).toBe(both);
  });
});
