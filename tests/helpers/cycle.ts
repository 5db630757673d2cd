import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { visible } from './browser';

/**
 * What the browser tests of the self-assessment and the retention cycle do
 * again and again, as a person does it on screen (docs/exercise.md,
 * "Self-assessment"; docs/client.md).
 */

export type Colour = 'Red' | 'Amber' | 'Green';

/** A live change arrives in well under a second; generous but finite. */
export const ARRIVES_MS = 5000;
/** The spread and the raters count wait for the server's reveal and progress jobs. */
export const TICK_MS = 15_000;

/** A topic's three colours, by the topic's title. */
export const ratingGroup = (page: Page, topic: string) => page.getByRole('radiogroup', { name: topic, exact: true });

/** Rates a topic in one tap, and waits for the tap to hold. */
export async function rate(page: Page, topic: string, colour: Colour): Promise<void> {
  const radio = ratingGroup(page, topic).getByRole('radio', { name: new RegExp(`^${colour}`) });
  await radio.click();
  await expect.poll(() => radio.isChecked()).toBe(true);
}

/** The revealed result of one topic, as its list item. */
export const assessmentResult = (page: Page, topic: string) =>
  page.locator('.assessment-result').filter({ has: page.getByRole('heading', { level: 4, name: topic, exact: true }) });

/** Opens the self-assessment and waits for its chunk, which loads on first use. */
export async function openAssessment(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Self-assessment', exact: true }).click();
  await visible(page.getByRole('heading', { level: 2, name: 'Self-assessment' }));
}

/** The facilitator reveals the ratings, unless they are already revealed, and waits for a topic's result. */
export async function revealRatings(page: Page, topic: string): Promise<void> {
  await visible(page.getByRole('button', { name: /^(Reveal the ratings|Hide them again)$/ }));
  const reveal = page.getByRole('button', { name: 'Reveal the ratings' });
  if (await reveal.isVisible()) await reveal.click();
  await visible(assessmentResult(page, topic), TICK_MS);
}

/** The facilitator records the colour the group agreed for a topic, with a note, and waits for it to show. */
export async function agreeRating(page: Page, topic: string, colour: Colour, note = ''): Promise<void> {
  const result = assessmentResult(page, topic);
  await result.getByText(/Agree a rating|Change the agreed rating/).click();
  const form = result.locator('form');
  await form.getByRole('radio', { name: new RegExp(`^${colour}`) }).click();
  if (note) await form.getByRole('textbox', { name: /Note/ }).fill(note);
  await form.getByRole('button', { name: 'Save the agreed rating' }).click();
  await expect.poll(() => result.locator('.assessment-agreed').textContent(), { timeout: ARRIVES_MS }).toMatch(new RegExp(`^Agreed: ${colour}`));
}

/** A table's rows as the text of their cells. */
export async function rowsOf(table: Locator): Promise<string[][]> {
  return table.locator('tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())));
}

/** How far the page scrolls sideways (0 or less: it does not). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
