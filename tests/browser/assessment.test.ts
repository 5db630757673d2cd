import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPeople, visible } from '../helpers/browser';
import { ARRIVES_MS, assessmentResult, rate, ratingGroup, TICK_MS } from '../helpers/cycle';
import { wcagViolations } from '../helpers/axe';
import { createBoard } from '../helpers/server';
import { DEFAULT_ASSESSMENT_TOPICS } from '../../shared/schema/assessment';

/*
 * The traffic-light self-assessment run live in real
 * Chromium: a facilitator and two participants, one on a phone, rate in
 * private; nobody sees another's rating before the reveal; the facilitator
 * reveals, everyone sees the spread, the facilitator agrees a rating with a
 * note and everyone sees it; the projector (the viewer link) follows.
 */

const [FIRST, SECOND] = [DEFAULT_ASSESSMENT_TOPICS[0]!, DEFAULT_ASSESSMENT_TOPICS[1]!];

async function writeEvidence(page: Page, topic: string, text: string) {
  await page.getByRole('textbox', { name: `Evidence (optional) for “${topic}”` }).fill(text);
}

const result = assessmentResult;

describe('the self-assessment, rated in private and revealed, in real Chromium', () => {
  const { join, person, startServer } = chromiumPeople();

  it('keeps ratings private until the reveal, then shows the spread, the agreed rating and the projector', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Self-assessment day');
    const fay = await join(board.links.facilitator, 'Fay');
    const priya = await join(board.links.participant, 'Priya');
    const sam = await join(board.links.participant, 'Sam', { mobile: true });
    const projector = await person();
    await projector.goto(board.links.viewer);
    await visible(projector.getByRole('status').filter({ hasText: 'Live – view only' }));

    for (const page of [fay, priya, sam]) {
      await page.getByRole('button', { name: 'Self-assessment' }).click();
      await visible(page.getByRole('heading', { level: 2, name: 'Self-assessment' }));
    }
    // The projector follows the facilitator to the self-assessment, and shows no rating.
    await visible(projector.getByRole('heading', { name: 'Now: Self-assessment' }), ARRIVES_MS);
    await visible(projector.getByText('0 people have rated'));

    await expect.poll(() => priya.getByRole('radiogroup').count()).toBe(DEFAULT_ASSESSMENT_TOPICS.length);
    await visible(priya.getByText(`You have rated 0 of ${DEFAULT_ASSESSMENT_TOPICS.length} topics.`));
    await rate(priya, FIRST, 'Red');
    await writeEvidence(priya, FIRST, 'No written policy on the wards');
    await rate(priya, SECOND, 'Amber');
    await rate(sam, FIRST, 'Green');
    await writeEvidence(sam, FIRST, 'Self-rostering app in use');
    await rate(sam, SECOND, 'Amber');
    await visible(sam.getByText(`You have rated 2 of ${DEFAULT_ASSESSMENT_TOPICS.length} topics.`));

    // One tap each, and a rating target is a touch target on the phone (WCAG 2.5.8, --target-size).
    const box = (await ratingGroup(sam, FIRST).locator('.rating-option__box').first().boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);

    // Only counts reach anyone before the reveal: the facilitator sees how many have rated, nobody sees a rating.
    await visible(fay.getByText('2 people have rated so far.'), TICK_MS);
    await visible(projector.getByText('2 people have rated'), ARRIVES_MS);
    expect(await ratingGroup(priya, FIRST).getByRole('radio', { name: /^Red/ }).isChecked()).toBe(true);
    for (const page of [fay, priya, projector]) expect(await page.locator('body').textContent()).not.toContain('Self-rostering app in use');
    for (const page of [fay, sam, projector]) expect(await page.locator('body').textContent()).not.toContain('No written policy on the wards');

    expect(await wcagViolations(priya), 'rating, laptop').toEqual([]);
    expect(await wcagViolations(sam), 'rating, phone').toEqual([]);
    expect(await wcagViolations(fay), 'rating, facilitator').toEqual([]);

    // The reveal: focus goes to the results, and everyone sees each topic's spread, the split one first.
    await fay.getByRole('button', { name: 'Reveal the ratings' }).click();
    const heading = fay.getByRole('heading', { name: 'Everyone’s ratings' });
    await visible(heading, TICK_MS);
    await expect.poll(() => heading.evaluate((element) => element === document.activeElement)).toBe(true);
    for (const page of [fay, priya, sam]) {
      await visible(result(page, FIRST).getByText('1 red, 0 amber, 1 green'), TICK_MS);
      await visible(result(page, SECOND).getByText('0 red, 2 amber, 0 green'));
      expect(await page.locator('.assessment-result__title').first().textContent()).toBe(FIRST);
      await visible(result(page, FIRST).getByText('No written policy on the wards – Priya'));
      await visible(result(page, FIRST).getByText('Self-rostering app in use – Sam'));
    }
    expect(await wcagViolations(priya), 'results, laptop').toEqual([]);
    expect(await wcagViolations(sam), 'results, phone').toEqual([]);

    // The facilitator agrees a rating with a note; everyone sees it.
    await result(fay, FIRST).getByText('Agree a rating').click();
    const agree = result(fay, FIRST).locator('form');
    await agree.getByRole('radio', { name: /^Amber/ }).click();
    await agree.getByRole('textbox', { name: /Note/ }).fill('Policy exists but not every ward uses it');
    await agree.getByRole('button', { name: 'Save the agreed rating' }).click();
    for (const page of [fay, priya, sam]) {
      const agreed = result(page, FIRST).locator('.assessment-agreed');
      await visible(agreed, ARRIVES_MS);
      expect(await agreed.textContent()).toMatch(/^Agreed: Amber.*Policy exists but not every ward uses it$/);
    }
    expect(await wcagViolations(fay), 'results with the agreement form, facilitator').toEqual([]);

    // The projector shows the spread, most disagreement first, with the agreed rating.
    const rows = projector.locator('.presenter-assessment__topic');
    await visible(rows.first(), ARRIVES_MS);
    await expect.poll(() => rows.first().textContent(), { timeout: ARRIVES_MS }).toBe(`${FIRST}1 red, 0 amber, 1 greenAgreed: Amber`);
    expect(await projector.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await wcagViolations(projector), 'presenter').toEqual([]);

    // Hidden again: back to rating, with each person's own ratings where they left them.
    await fay.getByRole('button', { name: 'Hide them again' }).click();
    await visible(priya.getByText(`You have rated 2 of ${DEFAULT_ASSESSMENT_TOPICS.length} topics.`), TICK_MS);
    expect(await ratingGroup(sam, FIRST).getByRole('radio', { name: /^Green/ }).isChecked()).toBe(true);
  });
});
