import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { wcagViolations } from '../helpers/axe';
import { createBoard } from '../helpers/server';
import {
  agreeRating,
  ARRIVES_MS,
  assessmentResult,
  type Colour,
  openAssessment,
  rate,
  ratingGroup,
  revealRatings,
  rowsOf,
  sidewaysScroll,
  TICK_MS,
} from '../helpers/cycle';
import { DEFAULT_ASSESSMENT_TOPICS } from '../../shared/schema/assessment';

/*
 * A whole retention cycle in real Chromium (docs/exercise.md, "The retention
 * cycle"): a workshop where four people rate the self-assessment in private,
 * the facilitator reveals the spread and records the agreed ratings, the red
 * and amber topics become the exercise's themes and three actions are
 * agreed; then the 30-, 60- and 90-day check-ins, each started from the one
 * before, where the agenda updates each action's progress with a note and
 * the group agrees new ratings; the 90-day board ends with the team's
 * retention plan, its history chart shows the change, and the Word and
 * Excel exports, downloaded and read back, hold it. axe checks every new
 * screen on a laptop and on a phone.
 */

const [STAFFING, FLEXIBLE, CAREERS] = [DEFAULT_ASSESSMENT_TOPICS[0]!, DEFAULT_ASSESSMENT_TOPICS[1]!, DEFAULT_ASSESSMENT_TOPICS[2]!];
const TOPICS = [STAFFING, FLEXIBLE, CAREERS];

/** Each person's ratings of the three topics: staffing mostly red, flexible working split, careers green. */
const RATINGS: Record<string, [Colour, Colour, Colour]> = {
  Fay: ['Red', 'Amber', 'Green'],
  Priya: ['Red', 'Green', 'Green'],
  Sam: ['Amber', 'Red', 'Green'],
  Kim: ['Red', 'Amber', 'Green'],
};

const ACTIONS = [
  { from: STAFFING, action: 'Fill the band 5 gaps on the night rota', owner: 'Matron' },
  { from: FLEXIBLE, action: 'Offer self-rostering on two wards', owner: 'Ward managers' },
  { from: STAFFING, action: 'Stay interviews for every leaver risk', owner: 'HR business partner' },
];

/** The cycle's agreed ratings of the two topics that needed work, at each stage, and what the agenda records for the first action. */
const STAGES = [
  { stage: 30, staffing: 'Amber', flexible: 'Amber', progress: 'under-way', note: 'Two posts filled, three to go' },
  { stage: 60, staffing: 'Amber', flexible: 'Green', progress: 'under-way', note: 'Four posts filled' },
  { stage: 90, staffing: 'Green', flexible: 'Green', progress: 'done', note: 'All five posts filled' },
] as const;

/** From the More menu: starts the next check-in, opens it with the same facilitator token, and returns its id and participant link. */
async function startCheckIn(fay: Page, stage: number, title: string): Promise<{ boardId: string; participantLink: string }> {
  await fay.getByRole('button', { name: /^More/ }).click();
  await fay.getByRole('button', { name: `Start the ${stage}-day check-in…` }).click();
  await fay.getByRole('dialog', { name: `Start the ${stage}-day check-in?` }).getByRole('button', { name: `Start the ${stage}-day check-in` }).click();
  const started = fay.getByRole('dialog', { name: `The ${stage}-day check-in has started` });
  await visible(started, ARRIVES_MS);
  const participantLink = await started.getByRole('textbox', { name: 'Participant link' }).inputValue();
  await started.getByRole('button', { name: 'Open the check-in' }).click();
  await fay.getByRole('textbox', { name: /Your name/ }).fill('Fay');
  await fay.getByRole('button', { name: 'Join the board' }).click();
  await visible(fay.getByRole('heading', { level: 1, name: `${title} – ${stage}-day check-in` }), ARRIVES_MS);
  await visible(fay.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
  return { boardId: /\/b\/([A-Za-z0-9_-]+)#/.exec(participantLink)![1]!, participantLink };
}

/** The check-in's agenda, on the "What changed" activity. */
async function openAgenda(page: Page) {
  await page.getByRole('button', { name: 'What changed' }).click();
  const agenda = page.getByRole('region', { name: 'The check-in’s agenda' });
  await visible(agenda);
  return agenda;
}

describe('a whole retention cycle in real Chromium', () => {
  const { join, person, startServer } = chromiumPeople();

  it('rates in private, agrees actions, runs the 30-, 60- and 90-day check-ins, and exports what changed', async () => {
    const server = await startServer();
    const title = 'Ward 7 retention';
    const board = await createBoard(server, title, 'four-perspectives');
    const fay = await join(board.links.facilitator, 'Fay');
    const priya = await join(board.links.participant, 'Priya');
    const sam = await join(board.links.participant, 'Sam', { mobile: true });
    const kim = await join(board.links.participant, 'Kim');
    const people: [string, Page][] = [
      ['Fay', fay],
      ['Priya', priya],
      ['Sam', sam],
      ['Kim', kim],
    ];

    // The workshop's self-assessment: four people rate in private, one tap a colour.
    for (const [name, page] of people) {
      await openAssessment(page);
      for (const [index, topic] of TOPICS.entries()) await rate(page, topic, RATINGS[name]![index]!);
    }
    await priya.getByRole('textbox', { name: `Evidence (optional) for “${STAFFING}”` }).fill('Three band 5 gaps on nights');
    // Nobody sees another's rating before the reveal: only the count of raters.
    await visible(fay.getByText('4 people have rated so far.'), TICK_MS);
    for (const [, page] of people.filter(([name]) => name !== 'Priya')) {
      expect(await page.locator('body').textContent()).not.toContain('Three band 5 gaps on nights');
    }
    expect(await ratingGroup(sam, FLEXIBLE).getByRole('radio', { name: /^Red/ }).isChecked()).toBe(true);

    // Revealed: each topic's spread, the most split first; the facilitator records what the room agrees.
    await revealRatings(fay, STAFFING);
    for (const [, page] of people) {
      await visible(assessmentResult(page, STAFFING).getByText('3 red, 1 amber, 0 green'), TICK_MS);
      await visible(assessmentResult(page, FLEXIBLE).getByText('1 red, 2 amber, 1 green'));
      expect(await page.locator('.assessment-result__title').first().textContent()).toBe(FLEXIBLE);
    }
    await agreeRating(fay, STAFFING, 'Red', 'Gaps on nights every week');
    await agreeRating(fay, FLEXIBLE, 'Amber');
    await agreeRating(fay, CAREERS, 'Green');
    expect(await wcagViolations(sam), 'the spread and the agreed ratings, phone').toEqual([]);

    // The exercise starts from the topics that need work: they become its themes, then its actions.
    await fay.getByRole('button', { name: 'The exercise' }).click();
    for (const phase of ['Write, in private', 'Reveal', 'Compare']) await fay.getByRole('button', { name: `Next: ${phase}` }).click();
    await fay.getByRole('button', { name: `Add “${STAFFING}” as a theme` }).click();
    await fay.getByRole('button', { name: `Add “${FLEXIBLE}” as a theme` }).click();
    expect(await fay.getByRole('button', { name: `Add “${CAREERS}” as a theme` }).count()).toBe(0);
    for (const phase of ['Vote', 'Agree actions']) await fay.getByRole('button', { name: `Next: ${phase}` }).click();
    for (const [index, { from, action, owner }] of ACTIONS.entries()) {
      await fay.getByRole('button', { name: new RegExp(`^Draft (an|another) action from “${from}”$`) }).click();
      const card = fay.getByRole('group', { name: new RegExp(`^Action ${index + 1}`) });
      await card.getByLabel('Action', { exact: true }).fill(action);
      await card.getByLabel('Owner', { exact: true }).fill(owner);
      await card.getByRole('combobox', { name: 'Kind of timescale' }).selectOption('duration');
      await card.getByRole('spinbutton', { name: 'How many' }).fill('3');
    }
    await fay.getByRole('button', { name: 'Mark the actions agreed' }).click();
    await visible(fay.getByRole('status').filter({ hasText: 'The actions are agreed.' }), ARRIVES_MS);
    // Kim, still on the self-assessment, finds them agreed on the exercise.
    await kim.getByRole('button', { name: 'The exercise' }).click();
    await visible(kim.getByRole('status').filter({ hasText: 'The actions are agreed.' }), ARRIVES_MS);

    // The plan grouped by the topic each action serves.
    await fay.getByRole('button', { name: 'Action plan', exact: true }).click();
    const grouping = fay.getByRole('button', { name: 'Group by topic' });
    await grouping.click();
    await expect.poll(() => grouping.getAttribute('aria-pressed')).toBe('true');
    const staffingGroup = fay.getByRole('region', { name: `${STAFFING} — agreed Red` });
    await visible(staffingGroup);
    expect(await staffingGroup.getByRole('heading', { level: 4 }).allTextContents()).toEqual([`1. ${ACTIONS[0]!.action}`, `3. ${ACTIONS[2]!.action}`]);
    expect(await fay.getByRole('region', { name: `${FLEXIBLE} — agreed Amber` }).getByRole('heading', { level: 4 }).allTextContents()).toEqual([`2. ${ACTIONS[1]!.action}`]);
    expect(await wcagViolations(fay), 'the plan grouped by topic, laptop').toEqual([]);
    // Grouping is each person's own view: Sam, on a phone, still sees the plan in order until grouping it too.
    await sam.getByRole('button', { name: 'Action plan', exact: true }).click();
    await expect.poll(() => sam.getByRole('button', { name: 'Group by topic' }).getAttribute('aria-pressed')).toBe('false');
    await sam.getByRole('button', { name: 'Group by topic' }).click();
    await visible(sam.getByRole('region', { name: `${STAFFING} — agreed Red` }));
    expect(await wcagViolations(sam), 'the plan grouped by topic, phone').toEqual([]);
    expect(await sidewaysScroll(sam)).toBeLessThanOrEqual(0);

    // The check-ins, each started from the one before.
    let checkIn = { boardId: board.boardId, participantLink: board.links.participant };
    let phone: Page | null = null;
    for (const { stage, staffing, flexible, progress, note } of STAGES) {
      checkIn = await startCheckIn(fay, stage, title);
      const agenda = await openAgenda(fay);
      // The first action: where it was up to at the stage before, then its progress and a note now, recorded on the agenda.
      const [first, second] = [ACTIONS[0]!.action, ACTIONS[1]!.action];
      if (stage > 30) await visible(agenda.getByText(/^Check-in note: “Two posts filled, three to go”$/).first());
      await agenda.getByRole('combobox', { name: `Progress of “${first}”` }).selectOption(progress);
      await agenda.getByRole('textbox', { name: `Check-in note of “${first}”` }).fill(note);
      if (stage === 60) {
        // The second action gets stuck: a note, a new step to unblock it, and a new owner.
        await agenda.getByRole('combobox', { name: `Progress of “${second}”` }).selectOption('stuck');
        await agenda.getByRole('textbox', { name: `Check-in note of “${second}”` }).fill('Waiting for the rostering software');
        await agenda.getByRole('textbox', { name: `New step for “${second}”` }).fill('Ask IT for the software licence');
        await agenda.getByRole('button', { name: `Add step to “${second}”` }).click();
        await visible(agenda.getByRole('checkbox', { name: 'Done: Ask IT for the software licence' }));
        await agenda.getByRole('textbox', { name: `Owner of “${second}”` }).fill('Deputy director of nursing');
      }
      await visible(fay.getByRole('status').filter({ hasText: 'Live – all changes saved' }), ARRIVES_MS);
      if (stage === 30) expect(await wcagViolations(fay), 'the check-in agenda, laptop').toEqual([]);

      // Then the self-assessment again: the facilitator records what the room agrees now.
      await agenda.getByRole('button', { name: 'Open the self-assessment' }).click();
      await visible(fay.getByRole('heading', { level: 2, name: 'Self-assessment' }));
      await revealRatings(fay, STAFFING);
      await agreeRating(fay, STAFFING, staffing);
      await agreeRating(fay, FLEXIBLE, flexible);
      await agreeRating(fay, CAREERS, 'Green');

      if (stage === 90) {
        phone = await joinBoard(await person({ mobile: true }), checkIn.participantLink, 'Sam', ARRIVES_MS);
      }
    }

    // The 90-day board: the history shows each stage, the agenda ends with the team's retention plan.
    const agenda = await openAgenda(fay);
    await visible(agenda.getByRole('heading', { name: 'The team’s retention plan' }));
    await visible(agenda.getByRole('link', { name: 'Word document' }));
    await visible(agenda.getByRole('link', { name: 'Excel workbook' }));
    const ratings = fay.getByRole('table', { name: 'The agreed rating of each topic' });
    await expect
      .poll(async () => (await rowsOf(ratings)).filter((row) => TOPICS.includes(row[0]!)), { timeout: ARRIVES_MS })
      .toEqual([
        [STAFFING, 'Red', 'Amber', 'Amber', 'Green'],
        [FLEXIBLE, 'Amber', 'Amber', 'Green', 'Green'],
        [CAREERS, 'Green', 'Green', 'Green', 'Green'],
      ]);
    const actions = fay.getByRole('table', { name: 'Where each action was up to at each stage' });
    expect((await rowsOf(actions))[1]!.slice(0, 5)).toEqual([
      ACTIONS[0]!.action,
      'Not started',
      expect.stringContaining('Under way'),
      expect.stringContaining('Under way'),
      expect.stringContaining('Done'),
    ]);
    const counts = fay.getByRole('table', { name: 'How many topics were agreed each colour' });
    expect(await rowsOf(counts)).toEqual([
      ['Colour', 'Workshop', '30-day check-in', '60-day check-in', '90-day check-in (now)'],
      ['Red', '1', '0', '0', '0'],
      ['Amber', '1', '2', '1', '0'],
      ['Green', '1', '1', '2', '3'],
    ]);
    // The chart beside the tables draws the same: the staffing topic's mark at each stage, and the colours per stage.
    const chart = fay.locator('.cycle-view img').first();
    await visible(chart);
    const svg = decodeURIComponent((await chart.getAttribute('src'))!.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
    const marks = [...svg.matchAll(/class="mark" data-topic="0" data-stage="(\d)" data-rating="(\w+)"/g)].map((match) => [Number(match[1]), match[2]]);
    expect(marks).toEqual([
      [0, 'red'],
      [1, 'amber'],
      [2, 'amber'],
      [3, 'green'],
    ]);
    expect([...svg.matchAll(/class="count" data-stage="3" data-rating="(\w+)" data-count="(\d+)"/g)].map((match) => [match[1], Number(match[2])])).toEqual([['green', 3]]);
    expect(await wcagViolations(fay), 'the 90-day board, laptop').toEqual([]);

    // A participant on a phone finds the same, with no sideways scrolling.
    await openAgenda(phone!);
    expect(await wcagViolations(phone!), 'the 90-day agenda and what changed, phone').toEqual([]);
    expect(await sidewaysScroll(phone!)).toBeLessThanOrEqual(0);

    // The exports hold the self-assessment and the history, read back.
    const download = async (format: 'docx' | 'xlsx') => {
      const response = await fetch(`${server.url}/api/boards/${checkIn.boardId}/plan.${format}?token=${encodeURIComponent(board.tokens.facilitator)}`);
      expect(response.status).toBe(200);
      return new Uint8Array(await response.arrayBuffer());
    };
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('xlsx')).buffer as ArrayBuffer);
    const sheetRows = (name: string) => {
      const sheet = workbook.getWorksheet(name);
      expect(sheet, `the sheet “${name}”`).toBeDefined();
      const rows: string[][] = [];
      sheet!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((value) => String(value ?? ''))));
      return rows;
    };
    expect(sheetRows('What changed').find((row) => row[0] === STAFFING)).toEqual([STAFFING, 'Red', 'Amber', 'Amber', 'Green']);
    expect(sheetRows('Action progress').some((row) => row.some((cell) => cell.includes('All five posts filled')))).toBe(true);
    expect(sheetRows('Self-assessment').find((row) => row[0] === STAFFING)?.[1]).toBe('Green – working well');

    const word = await JSZip.loadAsync(await download('docx'));
    const documentXml = await word.file('word/document.xml')!.async('string');
    const wordText = documentXml.replace(/<[^>]+>/g, '');
    expect(wordText).toContain('What changed');
    expect(wordText).toContain(`${STAFFING}: red (Workshop), amber (30-day check-in), amber (60-day check-in) and green (90-day check-in (now))`);
    expect(wordText).toContain('All five posts filled');
    // The history chart is a picture in the document, beside the plan's own charts.
    expect(Object.keys(word.files).filter((name) => name.startsWith('word/media/')).length).toBeGreaterThanOrEqual(2);
    expect(documentXml).toMatch(/descr="The self-assessment at each stage of the cycle/);
  });
});
