import { describe, expect, it } from 'vitest';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;

describe('the join code, in real Chromium', () => {
  const { person, join, startServer } = chromiumPeople();

  it('lets the facilitator issue a new code and stop it; someone typing the old or the stopped code is told why it fails', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Board away day');
    const fay = await join(board.links.facilitator, 'Fay');
    await visible(fay.locator('.join-code-badge__code').filter({ hasText: board.joinCode }));

    await fay.getByRole('button', { name: 'New join code' }).click();
    const badge = fay.locator('.join-code-badge__code');
    await expect.poll(() => badge.innerText(), { timeout: ARRIVES_MS }).not.toBe(board.joinCode);
    const newCode = await badge.innerText();
    // The projector's large view shows the new code too.
    await fay.getByRole('button', { name: 'Show large' }).click();
    await visible(fay.locator('.big-join-code__code').filter({ hasText: newCode }));
    await fay.getByRole('button', { name: 'Close' }).click();

    const pat = await person();
    await pat.goto(server.url);
    await pat.getByLabel('Join code').fill(board.joinCode);
    await pat.getByRole('button', { name: 'Join workshop' }).click();
    await visible(pat.getByText(/No workshop has that code.*a new code replaces the old one/), ARRIVES_MS);

    await fay.getByRole('button', { name: 'Stop the join code' }).click();
    await visible(fay.getByText('No join code: people join with the participant link'), ARRIVES_MS);
    await pat.getByLabel('Join code').fill(newCode);
    await pat.getByRole('button', { name: 'Join workshop' }).click();
    await visible(pat.getByText('This join code has expired or the facilitator has stopped it. Ask the facilitator for the current code.'), ARRIVES_MS);
  });

  it('keeps someone who joined with the code live on the board through reloads after the facilitator issues a new code and stops it', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Board away day');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await person();
    await pat.goto(server.url);
    await pat.getByLabel('Join code').fill(board.joinCode);
    await pat.getByRole('button', { name: 'Join workshop' }).click();
    await pat.getByRole('textbox', { name: /Your name/ }).fill('Pat');
    await pat.getByRole('button', { name: 'Join the board' }).click();
    await visible(pat.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);

    await fay.getByRole('button', { name: 'New join code' }).click();
    await expect.poll(() => fay.locator('.join-code-badge__code').innerText(), { timeout: ARRIVES_MS }).not.toBe(board.joinCode);
    await pat.reload();
    await visible(pat.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);

    await fay.getByRole('button', { name: 'Stop the join code' }).click();
    await visible(fay.getByText('No join code: people join with the participant link'), ARRIVES_MS);
    await pat.reload();
    await visible(pat.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
    await pat.getByRole('button', { name: 'Add note' }).click();
    const editor = pat.getByRole('textbox', { name: 'Note text' });
    await editor.fill('Still here after the code stopped');
    await editor.press('Enter');
    await visible(fay.locator('[data-note-id]').filter({ hasText: 'Still here after the code stopped' }), ARRIVES_MS);
  });

  it('tells someone who has tried too many wrong codes to wait, and for how long', async () => {
    const server = await startServer({ joinFailuresPerAddress: 2 });
    const pat = await person();
    await pat.goto(server.url);
    for (const code of ['ZZZZ-ZZZ2', 'ZZZZ-ZZZ3', 'ZZZZ-ZZZ4']) {
      await pat.getByLabel('Join code').fill(code);
      await pat.getByRole('button', { name: 'Join workshop' }).click();
      await expect.poll(() => pat.getByRole('button', { name: 'Join workshop' }).isEnabled()).toBe(true);
    }
    await visible(pat.getByText(/Too many wrong codes or links have been tried from here\. Try again in \d+ minutes\./), ARRIVES_MS);
  });
});
