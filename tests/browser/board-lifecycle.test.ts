import { describe, expect, it } from 'vitest';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;

describe('a board’s end, in real Chromium', () => {
  const { person, join, startServer } = chromiumPeople();

  it('lets the facilitator delete the board for everyone, after asking; everyone is told it is gone', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Board away day');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await join(board.links.participant, 'Pat');
    expect(await pat.getByRole('button', { name: /Delete board/ }).count()).toBe(0);
    expect(await pat.getByRole('button', { name: 'More for this board' }).count()).toBe(0);

    // In the "More" menu, and asked first; keeping it puts the keyboard back on the menu's button.
    const more = fay.getByRole('button', { name: 'More for this board' });
    await more.click();
    await fay.getByRole('button', { name: 'Delete board…' }).click();
    await visible(fay.getByText('Delete “Board away day” and everything on it, for everyone? This cannot be undone: download the action plan first.'));
    await fay.getByRole('button', { name: 'Keep the board' }).click();
    await expect.poll(() => more.evaluate((el) => el === document.activeElement)).toBe(true);

    await more.press('Enter');
    await fay.getByRole('button', { name: 'Delete board…' }).press('Enter');
    await fay.getByRole('button', { name: 'Delete for everyone' }).click();
    for (const page of [fay, pat]) await visible(page.getByRole('status').filter({ hasText: 'This board is no longer available' }), ARRIVES_MS);
    // Its link leads nowhere now.
    const later = await person();
    await later.goto(board.links.participant);
    await visible(later.getByText('This board does not exist'), ARRIVES_MS);
  });
});
