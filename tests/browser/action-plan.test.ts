import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;

/** A plan as a trust's spreadsheet holds it after the workshop: Retain's CSV columns. */
const WORKSHOP_PLAN_CSV = [
  '\uFEFF"Topic and objective","Action","Owner","Timescales","Steps to take","Success criteria","Progress"',
  '"Predictable rotas","Publish rotas six weeks ahead","Ward manager","2027-03-31","[x] Agree the rota calendar\n[ ] Train rota leads","Rotas out six weeks ahead","Under way"',
  '"Career conversations","Offer a career chat to everyone in band 5","HR Director","3 months","","Leavers in year one down by a third","Not started"',
  '',
].join('\r\n');

describe('the action plan, reviewed at a check-in, in real Chromium', () => {
  const { person, startServer } = chromiumPeople();

  async function join(link: string, name: string, mobile = false): Promise<Page> {
    const page = await person({ mobile });
    await joinBoard(page, link, name, ARRIVES_MS);
    await page.getByRole('button', { name: 'Action plan' }).click();
    return page;
  }

  /** An action's card on the plan, found by what its Action field says. */
  const row = (page: Page, action: string): Locator => page.locator('li.plan-card').filter({ has: page.locator(`textarea:text-is("${action}")`) });

  it('imports the workshop’s plan, and both people tick steps, set dates and progress live; the spreadsheet downloaded holds it all', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: 30-day check-in');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await join(board.links.participant, 'Pat', true);
    await visible(pat.getByText(/No actions yet/));

    // Fay brings in the plan the workshop exported.
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'retain-plan-')), 'ward-7-action-plan.csv');
    await fs.writeFile(file, WORKSHOP_PLAN_CSV);
    await fay.getByLabel('Import a plan').setInputFiles(file);
    await visible(fay.getByText('Added 2 actions from ward-7-action-plan.csv.'));
    // Pat, on a phone, has the plan at once, with where each action came from and where it is up to.
    await visible(row(pat, 'Publish rotas six weeks ahead'), ARRIVES_MS);
    await visible(pat.getByText('Imported from ward-7-action-plan.csv').first());
    const patRotas = row(pat, 'Publish rotas six weeks ahead');
    expect(await patRotas.getByLabel('Finish by').inputValue()).toBe('2027-03-31');
    expect(await patRotas.getByRole('checkbox', { name: 'Done: Agree the rota calendar' }).isChecked()).toBe(true);
    expect(await patRotas.getByRole('combobox', { name: /^Progress/ }).inputValue()).toBe('under-way');

    // Pat ticks off a step and marks the action done; Fay sees both.
    await patRotas.getByRole('checkbox', { name: 'Done: Train rota leads' }).check();
    await patRotas.getByRole('combobox', { name: /^Progress/ }).selectOption('done');
    const fayRotas = row(fay, 'Publish rotas six weeks ahead');
    await expect.poll(() => fayRotas.getByRole('checkbox', { name: 'Done: Train rota leads' }).isChecked(), { timeout: ARRIVES_MS }).toBe(true);
    await expect.poll(() => fayRotas.getByRole('combobox', { name: /^Progress/ }).inputValue(), { timeout: ARRIVES_MS }).toBe('done');

    // Fay gives the career chats a real date and a first step; Pat sees them.
    const fayCareers = row(fay, 'Offer a career chat to everyone in band 5');
    await fayCareers.getByRole('combobox', { name: 'Kind of timescale' }).selectOption('date');
    await fayCareers.getByLabel('Finish by').fill('2027-06-30');
    await fayCareers.getByRole('textbox', { name: /^New step/ }).fill('List everyone in band 5');
    await fayCareers.getByRole('textbox', { name: /^New step/ }).press('Enter');
    const patCareers = row(pat, 'Offer a career chat to everyone in band 5');
    await expect.poll(() => patCareers.getByLabel('Finish by').inputValue(), { timeout: ARRIVES_MS }).toBe('2027-06-30');
    await visible(patCareers.getByRole('checkbox', { name: 'Done: List everyone in band 5' }), ARRIVES_MS);

    // And a new action, written from the keyboard.
    await fay.getByRole('button', { name: 'Add an action', exact: true }).click();
    const blank = fay.getByRole('textbox', { name: 'Action of “Action 3”' });
    await blank.fill('Exit interviews for every leaver');
    await visible(row(pat, 'Exit interviews for every leaver'), ARRIVES_MS);

    // The plan leaves as a spreadsheet with today's progress, downloaded from the plan view.
    const [download] = await Promise.all([fay.waitForEvent('download'), fay.getByRole('link', { name: 'Spreadsheet (CSV)' }).click()]);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    expect(csv).toContain('"Publish rotas six weeks ahead","Ward manager","2027-03-31","[x] Agree the rota calendar\n[x] Train rota leads","Rotas out six weeks ahead","Done"');
    expect(csv).toContain('"Offer a career chat to everyone in band 5","HR Director","2027-06-30","[ ] List everyone in band 5"');
    expect(csv).toContain('"Exit interviews for every leaver"');

    // The calendar's check-ins count from the date Fay picks.
    await fay.getByLabel('Count the check-ins from').fill('2027-01-10');
    const [calendar] = await Promise.all([fay.waitForEvent('download'), fay.getByRole('link', { name: 'Check-ins (calendar)' }).click()]);
    const ics = await fs.readFile((await calendar.path())!, 'utf8');
    expect([...ics.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20270209', '20270311', '20270410']);

    // On paper: the plan as text in the template's columns, without the form fields and controls.
    await fay.emulateMedia({ media: 'print' });
    expect(await fay.locator('.plan-cards').isVisible()).toBe(false);
    expect(await fay.locator('.plan-summary').isVisible()).toBe(false);
    expect(await fay.getByRole('button', { name: 'Add an action', exact: true }).isVisible()).toBe(false);
    const printed = await fay.locator('.plan-print').innerText();
    expect(printed).toContain('Publish rotas six weeks ahead');
    expect(printed).toContain('By 30 June 2027');
    expect(printed).toContain('☑ Train rota leads');
    const pdf = await fay.pdf({ preferCSSPageSize: true });
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'))!;
    expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([842, 595]);
    await fay.emulateMedia({ media: 'screen' });

    // On the phone the cards' fields stack: the page never scrolls sideways.
    const overflow = await pat.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('tells the facilitator why a file is not a plan, and changes nothing', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Check-in');
    const fay = await join(board.links.facilitator, 'Fay');
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'retain-plan-')), 'contacts.csv');
    await fs.writeFile(file, 'Name,Email\r\nAnn,ann@example.invalid\r\n');
    await fay.getByLabel('Import a plan').setInputFiles(file);
    const alert = fay.getByRole('alert').filter({ hasText: 'Could not import' });
    await visible(alert);
    expect(await alert.innerText()).toMatch(/Could not import contacts\.csv: No “Action” or “Topic and objective” column/);
    await visible(fay.getByText(/No actions yet/));
  });
});
