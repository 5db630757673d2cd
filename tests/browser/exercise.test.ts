import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { chromiumPeople, visible } from '../helpers/browser';

/** Generous but finite: a live change should arrive in well under a second. */
const ARRIVES_MS = 5000;

describe('“What does good look like?” run live by a facilitator and three participants, in real Chromium', () => {
  const { person, startServer } = chromiumPeople();

  async function enterName(page: Page, name: string) {
    await page.getByRole('textbox', { name: /Your name/ }).fill(name);
    await page.getByRole('button', { name: 'Join the board' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
  }

  const phaseHeading = (page: Page, title: string) => page.getByRole('heading', { level: 2, name: `Now: ${title}` });
  const lane = (page: Page, name: string) => page.locator('.lane').filter({ has: page.getByRole('heading', { name: new RegExp(`^${name}`) }) });
  const groupableNote = (page: Page, text: string) => page.locator('.lane-note--groupable').filter({ hasText: text });
  const theme = (page: Page, title: string) => page.getByRole('region', { name: `Theme: ${title}` });

  async function writeNote(page: Page, laneName: string, text: string) {
    const field = page.getByRole('textbox', { name: `Your note for “${laneName}”` });
    await field.fill(text);
    await field.press('Enter');
    await visible(page.locator('.lane-note--mine').filter({ hasText: text }));
  }

  /** Chooses an item of a note's Actions menu (a theme to move to, "New theme from this note"…). */
  async function fromNoteMenu(page: Page, text: string, item: string) {
    await groupableNote(page, text).getByRole('button', { name: /^Actions for note:/ }).click();
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitem', { name: item, exact: true }).or(menu.getByRole('menuitemradio', { name: item, exact: true })).click();
  }

  /** Drags a note by the note itself with the mouse, in small steps as a hand would, onto the target. */
  async function dragNoteOnto(page: Page, text: string, target: ReturnType<Page['locator']>) {
    // The note's words, not its menu button: a press on the button opens the menu instead.
    const handle = groupableNote(page, text).locator('.lane-note__words');
    // The reveal puts notes in a random order, so the note and its target may
    // be far apart: a window tall enough to show both, scrolled to the top,
    // keeps the whole drag on screen, as a person would arrange it.
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width, height: 2400 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(
        from.x + from.width / 2 + ((to.x + to.width / 2 - from.x - from.width / 2) * i) / steps,
        from.y + from.height / 2 + ((to.y + 20 - from.y - from.height / 2) * i) / steps,
      );
    }
    await page.mouse.up();
    await page.setViewportSize(size);
  }

  it('runs the whole exercise, from set-up to agreed actions, with drafts private until the reveal', async () => {
    const server = await startServer();

    // Set up: the facilitator creates the workshop, which opens on the four-perspective exercise.
    const fran = await person();
    await fran.goto(server.url);
    await fran.getByLabel('Workshop title').fill('What does good look like?');
    await fran.getByRole('button', { name: 'Create workshop board' }).click();
    const participantLink = await fran.getByLabel('Participant link', { exact: true }).inputValue();
    await fran.getByRole('button', { name: 'Open the board as facilitator' }).click();
    await enterName(fran, 'Fran');
    await visible(phaseHeading(fran, 'Set up'));
    await fran.getByRole('textbox', { name: 'Perspective 1' }).fill('Trust board');
    await fran.getByRole('textbox', { name: 'Perspective 1' }).press('Tab');

    // Three participants join, one on a phone, and each picks a group.
    const alex = await person();
    const bea = await person();
    const cal = await person({ mobile: true });
    const groups: [Page, string, string][] = [
      [alex, 'Alex', 'Line managers'],
      [bea, 'Bea', 'Staff'],
      [cal, 'Cal', 'Trust board'],
    ];
    for (const [page, name, group] of groups) {
      await page.goto(participantLink);
      await enterName(page, name);
      await visible(phaseHeading(page, 'Set up'));
      await page.getByRole('radio', { name: group }).check();
    }
    const list = fran.locator('.participants__list');
    await expect.poll(() => list.locator('select').evaluateAll((els) => els.map((el) => (el as HTMLSelectElement).selectedOptions[0]?.text))).toEqual(
      expect.arrayContaining(['Line managers', 'Staff', 'Trust board']),
    );

    // Write, in private.
    await fran.getByRole('button', { name: 'Next: Write, in private' }).click();
    for (const [page] of groups) await visible(phaseHeading(page, 'Write, in private'), ARRIVES_MS);
    await writeNote(alex, 'Line managers', 'Protected time for one-to-ones');
    await writeNote(alex, 'Line managers', 'Rotas six weeks ahead');
    await writeNote(bea, 'Staff', 'Flexible working that is real');
    await writeNote(bea, 'Staff', 'Career paths we can see');
    await writeNote(cal, 'Trust board', 'Exit interview data reaches the board');

    // Others see counts per lane, never the words.
    // The count under a lane's heading shows only the count; the lane's name in it is for screen readers (WritePhase.tsx).
    await expect.poll(() => lane(bea, 'Line managers').locator('.lane__count').textContent(), { timeout: ARRIVES_MS }).toBe('Line managers: 2 notes');
    await expect.poll(() => lane(fran, 'Staff').locator('.lane__count').textContent(), { timeout: ARRIVES_MS }).toBe('Staff: 2 notes');
    for (const page of [bea, cal, fran]) expect(await page.content()).not.toContain('Protected time');
    expect(await alex.content()).not.toContain('Flexible working that is real');

    // The ready check.
    for (const [page] of groups) await page.getByRole('button', { name: 'I’m done writing' }).click();
    await visible(fran.getByText('3 of 3 done writing'), ARRIVES_MS);

    // Reveal: every draft appears in its lane on every screen.
    await fran.getByRole('button', { name: 'Next: Reveal' }).click();
    for (const page of [fran, alex, bea, cal]) {
      await visible(phaseHeading(page, 'Reveal'), ARRIVES_MS);
      await expect.poll(() => lane(page, 'Line managers').innerText(), { timeout: ARRIVES_MS }).toContain('Protected time for one-to-ones');
      await expect.poll(() => lane(page, 'Trust board').innerText(), { timeout: ARRIVES_MS }).toContain('Exit interview data reaches the board');
    }

    // Compare: themes by menu (keyboard-friendly) and by dragging.
    await fran.getByRole('button', { name: 'Next: Compare' }).click();
    await visible(phaseHeading(alex, 'Compare'), ARRIVES_MS);
    await fromNoteMenu(alex, 'Protected time', 'New theme from this note');
    await visible(theme(fran, 'Protected time for one-to-ones'), ARRIVES_MS);
    const title = theme(fran, 'Protected time for one-to-ones').getByRole('textbox', { name: 'Theme title' });
    await title.fill('Time with managers');
    // The theme is renamed as the title is typed, so its region is found by the new title now.
    await theme(fran, 'Time with managers').getByRole('textbox', { name: 'Theme title' }).press('Enter');
    await visible(theme(cal, 'Time with managers'), ARRIVES_MS);
    // A title emptied and left keeps the one it had: held by its element, since the region is named by the title.
    const titleBox = (await theme(fran, 'Time with managers').getByRole('textbox', { name: 'Theme title' }).elementHandle())!;
    await titleBox.fill('');
    await titleBox.press('Enter');
    await expect.poll(() => titleBox.inputValue(), { timeout: ARRIVES_MS }).toBe('Time with managers');
    await visible(theme(cal, 'Time with managers'), ARRIVES_MS);
    await fromNoteMenu(cal, 'Exit interview data', 'Time with managers');
    await visible(theme(bea, 'Rotas six weeks ahead').or(groupableNote(bea, 'Rotas six weeks ahead')));
    await dragNoteOnto(bea, 'Flexible working that is real', groupableNote(bea, 'Rotas six weeks ahead'));
    await visible(theme(fran, 'Rotas six weeks ahead'), ARRIVES_MS);
    await expect.poll(() => theme(fran, 'Rotas six weeks ahead').innerText(), { timeout: ARRIVES_MS }).toContain('Flexible working that is real');
    await fromNoteMenu(bea, 'Career paths', 'New theme from this note');
    await visible(theme(fran, 'Career paths we can see'), ARRIVES_MS);

    // The comparison: similarities (several perspectives) apart from differences (one alone).
    await fran.getByRole('button', { name: 'Compare the perspectives' }).click();
    await visible(fran.getByRole('heading', { name: 'Similarities: shared by several perspectives (2)' }), ARRIVES_MS);
    await visible(fran.getByRole('heading', { name: 'Differences: seen by one perspective only (1)' }));
    await expect.poll(() => fran.locator('.comparison__item--different').innerText()).toContain('Only: Staff (1 note)');
    // The matrix of themes × perspectives above the words, fitted to the screen (Chart.tsx).
    await visible(fran.locator('.comparison__chart img'));

    // Vote: dots are private until voting closes.
    await fran.getByRole('button', { name: 'Next: Vote' }).click();
    for (const [page] of groups) await visible(phaseHeading(page, 'Vote'), ARRIVES_MS);
    for (const [page] of groups) {
      await page.getByRole('button', { name: 'Add a dot to “Time with managers”' }).click();
      await page.getByRole('button', { name: 'Add a dot to “Time with managers”' }).click();
      await page.getByRole('button', { name: 'Add a dot to “Rotas six weeks ahead”' }).click();
    }
    await bea.getByRole('button', { name: 'Add a dot to “Career paths we can see”' }).click();
    await visible(cal.getByText('You have 2 of 5 dots left'));
    // Everyone's dots together, counted as the tally will count them: 3 each, and Bea's fourth.
    await visible(fran.getByText('10 dots placed by 3 people so far'), ARRIVES_MS);
    expect(await bea.getByRole('heading', { name: 'Results' }).count()).toBe(0);
    await fran.getByRole('button', { name: 'Close voting and show the results' }).click();
    for (const page of [fran, alex, bea, cal]) {
      await visible(page.getByRole('heading', { name: 'Results' }), ARRIVES_MS);
      await expect.poll(() => page.locator('.results__item').first().innerText()).toContain('Time with managers');
    }
    await expect.poll(() => fran.locator('.results__item').first().innerText()).toContain('6 dots from 3 people');
    await visible(fran.locator('.results__chart img'));

    // Agree actions: drafted from the top themes; three to five, each with an owner and a timescale.
    await fran.getByRole('button', { name: 'Next: Agree actions' }).click();
    await visible(phaseHeading(alex, 'Agree actions'), ARRIVES_MS);
    const fill = async (index: number, fields: Record<string, string>) => {
      const card = fran.getByRole('group', { name: new RegExp(`^Action ${index}`) });
      for (const [label, value] of Object.entries(fields)) {
        if (label !== 'Timescales') {
          await card.getByLabel(label, { exact: true }).fill(value);
          continue;
        }
        // A timescale is a date or a time span: "3 months" is chosen, not typed.
        await card.getByRole('combobox', { name: 'Kind of timescale' }).selectOption('duration');
        await card.getByRole('spinbutton', { name: 'How many' }).fill(value.split(' ')[0]!);
      }
    };
    await fran.getByRole('button', { name: 'Draft an action from “Time with managers”' }).click();
    await expect.poll(() => fran.getByRole('group', { name: /^Action 1/ }).getByLabel('Topic and objective').inputValue()).toBe('Time with managers');
    await fill(1, { Action: 'Give every line manager protected one-to-one time', Owner: 'Chief Nurse', Timescales: '3 months' });
    await fran.getByRole('button', { name: 'Mark the actions agreed' }).click();
    await visible(fran.getByRole('alert').filter({ hasText: 'Agree at least 3 actions: add 2 more.' }));
    await fran.getByRole('button', { name: 'Draft an action from “Rotas six weeks ahead”' }).click();
    await fill(2, { Action: 'Publish rotas six weeks ahead', Owner: 'Workforce team', Timescales: '2 months' });
    await fran.getByRole('button', { name: 'Draft an action from “Career paths we can see”' }).click();
    await fill(3, { Action: 'Map career paths for every band', Owner: 'HR Director' });
    await visible(fran.getByText('“Map career paths for every band” needs a timescale.'));
    await fill(3, { Timescales: '6 months' });

    // Participants signal live, the one on a phone too.
    await alex.getByRole('button', { name: 'Agree with “Give every line manager protected one-to-one time”' }).click();
    await bea.getByRole('button', { name: 'Agree with “Give every line manager protected one-to-one time”' }).click();
    await cal.getByRole('button', { name: 'Concern about “Publish rotas six weeks ahead”' }).click();
    await expect
      .poll(() => fran.getByRole('group', { name: /^Action 1/ }).locator('xpath=..').locator('.action__responses').innerText(), { timeout: ARRIVES_MS })
      .toBe('2 people agree, 0 concerns');
    await expect.poll(() => alex.locator('.action__responses').nth(1).innerText(), { timeout: ARRIVES_MS }).toBe('0 people agree, 1 concern');

    await fran.getByRole('button', { name: 'Mark the actions agreed' }).click();
    for (const page of [fran, cal]) await visible(page.getByRole('status').filter({ hasText: 'The actions are agreed.' }), ARRIVES_MS);

    // Done: the summary on every screen.
    await fran.getByRole('button', { name: 'Next: Done' }).click();
    for (const page of [fran, alex, bea, cal]) {
      await visible(phaseHeading(page, 'Done'), ARRIVES_MS);
      const table = page.getByRole('table');
      await expect.poll(() => table.innerText(), { timeout: ARRIVES_MS }).toContain('Publish rotas six weeks ahead');
      await expect.poll(() => table.innerText()).toContain('HR Director');
      // Each person who took part once: the three participants (the facilitator steered and wrote nothing).
      await visible(page.getByText(/\b3 people took part\./), ARRIVES_MS);
    }
    // The plan leaves with them: the spreadsheet, downloaded from the summary.
    const [download] = await Promise.all([fran.waitForEvent('download'), fran.getByRole('link', { name: 'Spreadsheet (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('what-does-good-look-like-action-plan.csv');
    const csv = await fs.readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF"Topic and objective","Action","Owner","Timescales","Steps to take","Success criteria","Progress"\r\n')).toBe(true);
    expect(csv).toContain('"Time with managers","Give every line manager protected one-to-one time","Chief Nurse","3 months"');
    expect(csv).toContain('"Map career paths for every band","HR Director","6 months"');

    // Printed, the summary is the plan on A4 landscape, without the screen's controls.
    await fran.emulateMedia({ media: 'print' });
    for (const control of ['Bring everyone to me', 'Back to Agree actions']) expect(await fran.getByRole('button', { name: control }).isVisible()).toBe(false);
    expect(await fran.getByRole('table').isVisible()).toBe(true);
    expect(await fran.getByRole('heading', { level: 1, name: 'What does good look like?' }).isVisible()).toBe(true);
    const pdf = await fran.pdf({ preferCSSPageSize: true });
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))!;
    // A4 landscape is 842 × 595 points.
    expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([842, 595]);
    await fran.emulateMedia({ media: 'screen' });

    // The phone never scrolls sideways for the page itself.
    const overflow = await cal.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
