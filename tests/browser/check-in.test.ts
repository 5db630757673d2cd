import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { agreeRating, ARRIVES_MS, type Colour, openAssessment, revealRatings, rowsOf, sidewaysScroll } from '../helpers/cycle';
import { wcagViolations } from '../helpers/axe';
import { createBoard } from '../helpers/server';
import { DEFAULT_ASSESSMENT_TOPICS } from '../../shared/schema/assessment';

/*
 * A check-in of the retention cycle in real Chromium:
 * a facilitator agrees a rating and writes one action on a workshop board,
 * starts the 30-day check-in from the "More" menu and opens it; there the
 * action and the agreed rating (as the baseline) are in "What changed"; the
 * facilitator updates the action's progress and agrees a different rating,
 * and the history shows the change. axe checks the view on a laptop and on a
 * phone (a participant who joined with the check-in's own link).
 */

const TOPIC = DEFAULT_ASSESSMENT_TOPICS[0]!;
const ACTION = 'Self-rostering pilot on Ward 7';

/** Reveals the self-assessment (nobody has rated: the facilitator records what the room agreed) and agrees a colour for the topic. */
async function agree(page: Page, colour: Colour) {
  await openAssessment(page);
  await revealRatings(page, TOPIC);
  await agreeRating(page, TOPIC, colour);
}

describe('a 30-day check-in, started from the workshop, in real Chromium', () => {
  const { person, startServer } = chromiumPeople();

  it('carries the plan and the agreed rating over, and shows what changed', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7 retention');
    const fay = await joinBoard(await person(), board.links.facilitator, 'Fay', ARRIVES_MS);

    // The workshop: one agreed rating and one action.
    await agree(fay, 'Red');
    await fay.getByRole('button', { name: 'Action plan', exact: true }).click();
    await fay.getByRole('button', { name: 'Add an action', exact: true }).click();
    await fay.getByRole('textbox', { name: 'Action of “Action 1”' }).fill(ACTION);
    await visible(fay.getByRole('status').filter({ hasText: 'Live – all changes saved' }), ARRIVES_MS);
    // No check-in yet, so no "What changed".
    expect(await fay.getByRole('button', { name: 'What changed' }).count()).toBe(0);

    // The 30-day check-in, from the More menu: asked first, then its links.
    await fay.getByRole('button', { name: /^More/ }).click();
    await fay.getByRole('button', { name: 'Start the 30-day check-in…' }).click();
    const asking = fay.getByRole('dialog', { name: 'Start the 30-day check-in?' });
    await visible(asking);
    expect(await wcagViolations(fay), 'the question, laptop').toEqual([]);
    await asking.getByRole('button', { name: 'Start the 30-day check-in' }).click();
    const started = fay.getByRole('dialog', { name: 'The 30-day check-in has started' });
    await visible(started, ARRIVES_MS);
    const participantLink = await started.getByRole('textbox', { name: 'Participant link' }).inputValue();
    expect(participantLink).toMatch(/\/b\/[A-Za-z0-9_-]+#token=/);
    expect(participantLink).not.toBe(board.links.participant);
    expect(await started.locator('.start-check-in__code-value').textContent()).toMatch(/^\S{4,}$/);
    expect(await wcagViolations(fay), 'the new links, laptop').toEqual([]);
    // The workshop now knows it is part of a cycle.
    await visible(fay.getByRole('button', { name: 'What changed' }), ARRIVES_MS);

    // Open it with the same facilitator token: the board page asks this new board's name once.
    await started.getByRole('button', { name: 'Open the check-in' }).click();
    await fay.getByRole('textbox', { name: /Your name/ }).fill('Fay');
    await fay.getByRole('button', { name: 'Join the board' }).click();
    await visible(fay.getByRole('heading', { level: 1, name: 'Ward 7 retention – 30-day check-in' }), ARRIVES_MS);
    await visible(fay.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
    expect(await fay.evaluate(() => window.location.hash)).toBe('');

    // What changed: the agenda, both boards of the cycle, the baseline and the action carried over.
    await fay.getByRole('button', { name: 'What changed' }).click();
    await visible(fay.getByRole('heading', { level: 2, name: 'What changed' }));
    await visible(fay.getByRole('region', { name: 'The check-in’s agenda' }));
    const boards = fay.getByRole('region', { name: 'The boards of this cycle' });
    await visible(boards.getByRole('link', { name: 'Ward 7 retention', exact: true }), ARRIVES_MS);
    await visible(boards.getByText('(this board)'));
    const ratings = fay.getByRole('table', { name: 'The agreed rating of each topic' });
    const actions = fay.getByRole('table', { name: 'Where each action was up to at each stage' });
    expect((await rowsOf(ratings))[0]).toEqual(['Topic', 'Workshop', '30-day check-in (now)']);
    expect((await rowsOf(ratings)).find((row) => row[0] === TOPIC)).toEqual([TOPIC, 'Red', '–Not agreed']);
    expect((await rowsOf(actions))[1]).toEqual([ACTION, 'Not started', 'Not started']);
    expect(await wcagViolations(fay), 'what changed, laptop').toEqual([]);

    // A participant on a phone joins with the check-in's own link and finds the same history.
    const pat = await joinBoard(await person({ mobile: true }), participantLink, 'Pat', ARRIVES_MS);
    await pat.getByRole('button', { name: 'What changed' }).click();
    await visible(pat.getByRole('table', { name: 'The agreed rating of each topic' }));
    expect(await pat.getByRole('region', { name: 'The boards of this cycle' }).count()).toBe(0);
    expect(await wcagViolations(pat), 'what changed, phone').toEqual([]);
    expect(await sidewaysScroll(pat)).toBeLessThanOrEqual(0);

    // The check-in's agenda: the action's progress, in place, then the self-assessment again.
    await fay.getByRole('region', { name: 'The check-in’s agenda' }).getByRole('combobox', { name: `Progress of “${ACTION}”` }).selectOption('under-way');
    await agree(fay, 'Amber');

    // The history shows the change, here and on the phone.
    await fay.getByRole('button', { name: 'What changed' }).click();
    await expect.poll(async () => (await rowsOf(ratings)).find((row) => row[0] === TOPIC), { timeout: ARRIVES_MS }).toEqual([TOPIC, 'Red', 'Amber']);
    expect((await rowsOf(actions))[1]).toEqual([ACTION, 'Not started', 'Under way']);
    const counts = fay.getByRole('table', { name: 'How many topics were agreed each colour' });
    expect(await rowsOf(counts)).toEqual([
      ['Colour', 'Workshop', '30-day check-in (now)'],
      ['Red', '1', '0'],
      ['Amber', '0', '1'],
      ['Green', '0', '0'],
    ]);
    const patRatings = pat.getByRole('table', { name: 'The agreed rating of each topic' });
    await expect.poll(async () => (await rowsOf(patRatings)).find((row) => row[0] === TOPIC), { timeout: ARRIVES_MS }).toEqual([TOPIC, 'Red', 'Amber']);
    expect(await wcagViolations(fay), 'what changed after the check-in, laptop').toEqual([]);
    expect(await wcagViolations(pat), 'what changed after the check-in, phone').toEqual([]);

    // The projector, on the check-in's own viewer link, follows the facilitator to the history and shows it large, the page never scrolling.
    const checkInId = /\/b\/([A-Za-z0-9_-]+)#/.exec(participantLink)![1]!;
    const info = (await (await fetch(`${server.url}/api/boards/${checkInId}`, { headers: { Authorization: `Bearer ${board.tokens.facilitator}` } })).json()) as { viewerLink: string };
    const projector = await person();
    await projector.goto(info.viewerLink);
    await visible(projector.getByRole('heading', { name: 'Now: What changed' }), ARRIVES_MS);
    await visible(projector.getByRole('figure'));
    expect(await projector.getByRole('figure').textContent()).toContain(`${TOPIC}: red (Workshop) and amber (30-day check-in (now))`);
    await visible(projector.getByRole('list', { name: 'Each action’s progress' }).getByText('30-day check-in (now): Under way'));
    expect(await projector.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await wcagViolations(projector), 'what changed, presenter').toEqual([]);

    // The workshop is one link away, with the same token.
    await boards.getByRole('link', { name: 'Ward 7 retention', exact: true }).click();
    await visible(fay.getByRole('heading', { level: 1, name: 'Ward 7 retention' }), ARRIVES_MS);
  });
});
