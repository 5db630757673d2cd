import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;

/** The home page's list of boards this browser opened, as their links' names ("title, as role"), top first. */
async function listedBoards(page: Page): Promise<string[]> {
  const list = page.getByRole('region', { name: 'Your boards' }).getByRole('list');
  return list.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('aria-label') ?? ''));
}

describe('the home page’s list of boards this browser opened, in real Chromium', () => {
  const { personBrowser, startServer } = chromiumPeople();

  it('lists a board opened as facilitator and one as participant, newest first; a link reopens its board in a new tab; a deleted one says so', async () => {
    const server = await startServer();
    const workshop = await createBoard(server, 'Ward 7 retention workshop', 'four-perspectives');
    const checkIn = await createBoard(server, 'Board session: 30-day check-in');
    const browser = await personBrowser();

    // Fay opens her own workshop as facilitator, then a colleague's check-in as a participant.
    const first = await browser.newPage();
    await joinBoard(first, workshop.links.facilitator, 'Fay', ARRIVES_MS);
    await joinBoard(first, checkIn.links.participant, 'Fay', ARRIVES_MS);

    // The next day, in a new tab without either link: the home page has both, the latest first, with their roles.
    const home = await browser.newPage();
    await home.goto(`${server.url}/`);
    await visible(home.getByRole('heading', { name: 'Your boards' }));
    const items = home.getByRole('region', { name: 'Your boards' }).getByRole('listitem');
    await expect.poll(() => items.count()).toBe(2);
    expect(await listedBoards(home)).toEqual(['Board session: 30-day check-in, as participant', 'Ward 7 retention workshop, as facilitator']);
    expect((await items.nth(0).innerText()).replace(/\s+/g, ' ')).toMatch(/Participant Last opened \d/);
    expect((await items.nth(1).innerText()).replace(/\s+/g, ' ')).toMatch(/Facilitator Last opened \d/);
    // "Retain" is the header's alone.
    expect((await home.locator('body').innerText()).match(/Retain/g)).toHaveLength(1);

    // The workshop's link reopens it as facilitator, with the name she gave, without asking again.
    await home.getByRole('link', { name: 'Ward 7 retention workshop, as facilitator' }).click();
    await visible(home.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
    await visible(home.getByRole('button', { name: 'Copy invite link' }));
    expect(await home.getByRole('textbox', { name: /Your name/ }).count()).toBe(0);
    // …and it comes to the top of the list.
    await home.goto(`${server.url}/`);
    await expect.poll(() => listedBoards(home)).toEqual(['Ward 7 retention workshop, as facilitator', 'Board session: 30-day check-in, as participant']);

    // The check-in's facilitator deletes it; opening it from the list says so, and it leaves the list.
    const deleted = await fetch(`${server.url}/api/boards/${checkIn.boardId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${checkIn.tokens.facilitator}` },
    });
    expect(deleted.status).toBe(204);
    await home.getByRole('link', { name: 'Board session: 30-day check-in, as participant' }).click();
    await visible(home.getByText('“Board session: 30-day check-in” has been deleted'), ARRIVES_MS);
    await home.getByRole('link', { name: /home page/ }).click();
    await expect.poll(() => listedBoards(home)).toEqual(['Ward 7 retention workshop, as facilitator']);

    // Forget takes it off this browser's list; the board itself is still there for its link.
    await home.getByRole('button', { name: /^Forget/ }).click();
    await visible(home.getByRole('status').filter({ hasText: 'is no longer in your list' }));
    expect(await home.getByRole('region', { name: 'Your boards' }).getByRole('listitem').count()).toBe(0);
    await home.reload();
    expect(await home.getByRole('heading', { name: 'Your boards' }).count()).toBe(0);
  });
});
