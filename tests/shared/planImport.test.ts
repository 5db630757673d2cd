import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import ExcelJS from 'exceljs';
import { initBoard } from '../../shared/document/board';
import { addAction, addActionSteps, importPlanActions, readActionSteps, updateAction, updateActionStep } from '../../shared/document/actions';
import { defaultTopicId, setAgreedRating } from '../../shared/document/assessment';
import { startCheckIn } from '../../shared/document/cycle';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { exportPlan } from '../../shared/export/plan';
import { parseStatus, parseStepsCell, parseTimescale, stepsCell, timescaleCell } from '../../shared/rules/planText';
import { detectPlanFormat, MAX_IMPORTED_ACTIONS, MAX_PLAN_FILE_BYTES, PlanImportError, readPlanFile } from '../../shared/import/planFile';
import { openWorkbookArchive } from '../../server/import/workbookArchive';
import type { ActionId } from '../../shared/schema/ids';
import { samplePlanDoc, TAKEN } from '../helpers/planSample';
import { numberedRowsWorkbook, sharedStringsBomb, sheetBomb, workbookWithoutReferences } from '../helpers/hostileWorkbooks';

const encode = (text: string) => new TextEncoder().encode(text);
/** Reads a plan file as the server's worker does, its workbooks opened within the server's limits. */
const readPlan = (bytes: Uint8Array) => readPlanFile(bytes, openWorkbookArchive);
const EXPORTED = { boardId: 'b_sample-board' };

/** What a plan holds, without what belongs to one board (ids, votes, themes). */
function planOf(doc: Y.Doc) {
  return readBoardSnapshot(doc, TAKEN).actions.map(({ topic, action, owner, timescale, steps, success, status }) => ({ topic, action, owner, timescale, steps, success, status }));
}

function checkInBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: '30-day check-in', createdAt: TAKEN, template: 'blank' });
  return doc;
}

describe('reading timescales, steps and progress from text', () => {
  it('reads dates and durations as people write them, and keeps the rest as text', () => {
    expect(parseTimescale('2027-03-31')).toEqual({ kind: 'date', date: '2027-03-31' });
    expect(parseTimescale(' by 31 March 2027. ')).toEqual({ kind: 'date', date: '2027-03-31' });
    expect(parseTimescale('1st Sept 2027')).toEqual({ kind: 'date', date: '2027-09-01' });
    expect(parseTimescale('31/03/2027')).toEqual({ kind: 'date', date: '2027-03-31' });
    expect(parseTimescale('Within 6 weeks')).toEqual({ kind: 'duration', amount: 6, unit: 'weeks' });
    expect(parseTimescale('1 month')).toEqual({ kind: 'duration', amount: 1, unit: 'months' });
    expect(parseTimescale('90 days')).toEqual({ kind: 'duration', amount: 90, unit: 'days' });
    // Not a real date, out of bounds, or not a timescale at all: kept word for word.
    expect(parseTimescale('2027-02-31')).toEqual({ kind: 'text', text: '2027-02-31' });
    expect(parseTimescale('0 months')).toEqual({ kind: 'text', text: '0 months' });
    expect(parseTimescale('999 days')).toEqual({ kind: 'text', text: '999 days' });
    expect(parseTimescale('End of Q2')).toEqual({ kind: 'text', text: 'End of Q2' });
    expect(parseTimescale('   ')).toBeNull();
  });

  it('writes timescales and steps into cells that read back exactly', () => {
    for (const timescale of [
      { kind: 'date', date: '2027-01-05' },
      { kind: 'duration', amount: 1, unit: 'weeks' },
      { kind: 'duration', amount: 12, unit: 'months' },
      { kind: 'text', text: 'After the staff survey' },
    ] as const) {
      expect(parseTimescale(timescaleCell(timescale))).toEqual(timescale);
    }
    const steps = [{ text: 'Agree the calendar', done: true }, { text: '[x] looks like a tick', done: false }, { text: 'Train rota leads', done: false }];
    expect(parseStepsCell(stepsCell(steps))).toEqual(steps);
    expect(parseStepsCell('✓ Done already\n• Next\n2) After that\n\n☐ Later')).toEqual([
      { text: 'Done already', done: true },
      { text: 'Next', done: false },
      { text: 'After that', done: false },
      { text: 'Later', done: false },
    ]);
    expect(parseStatus('Under way')).toBe('under-way');
    expect(parseStatus(' DONE ')).toBe('done');
    expect(parseStatus('stuck')).toBe('stuck');
    expect(parseStatus('nearly there')).toBe('not-started');
  });
});

describe('importing a plan into a later check-in board', () => {
  for (const format of ['json', 'csv', 'xlsx'] as const) {
    it(`round-trips every action of a plan through ${format.toUpperCase()}: export, import, same plan`, async () => {
      const workshop = samplePlanDoc();
      const exported = await exportPlan(readBoardSnapshot(workshop, TAKEN), format, EXPORTED);
      const bytes = typeof exported === 'string' ? encode(exported) : exported;
      expect(detectPlanFormat(bytes)).toBe(format);
      const plan = await readPlan(bytes);
      const checkIn = checkInBoard();
      expect(importPlanActions(checkIn, { source: `plan.${format}`, actions: plan.actions }, TAKEN)).toEqual({ added: 3, skipped: 0 });
      // XML (inside an XLSX) reads every line end as a line feed, so a lone carriage return comes back as one.
      const lineEnds = (plan: ReturnType<typeof planOf>) => (format === 'xlsx' ? JSON.parse(JSON.stringify(plan).replaceAll('\\r', '\\n')) : plan);
      expect(planOf(checkIn)).toEqual(lineEnds(planOf(workshop)));
      // Cells that looked like formulas come back as the words people typed, not with the export's apostrophe.
      expect(planOf(checkIn)[1]!.topic).toBe('=HYPERLINK("http://example.invalid","click")');
      expect(readBoardSnapshot(checkIn).actions.every((action) => action.importedFrom === `plan.${format}`)).toBe(true);
      // And the check-in's spreadsheet is the workshop's again, byte for byte.
      if (format === 'csv') expect(await exportPlan(readBoardSnapshot(checkIn, TAKEN), 'csv', EXPORTED)).toBe(exported);
    });
  }

  it('says which plan a JSON or workbook came from', async () => {
    const snapshot = readBoardSnapshot(samplePlanDoc(), TAKEN);
    expect((await readPlan(encode((await exportPlan(snapshot, 'json', EXPORTED)) as string))).description).toBe('“Nursing retention | board session”, the workshop of 2026-11-23');
    expect((await readPlan((await exportPlan(snapshot, 'xlsx', EXPORTED)) as Uint8Array)).description).toBe('“Nursing retention | board session”');
    expect((await readPlan(encode((await exportPlan(snapshot, 'csv', EXPORTED)) as string))).description).toBeNull();
  });

  it('reads a version-3 JSON plan from a check-in board: its actions, not its check-in notes, self-assessment or cycle', async () => {
    const workshop = checkInBoard();
    setAgreedRating(workshop, defaultTopicId(1), { rating: 'red', note: 'Nobody owns it' });
    const rotas = addAction(workshop, { topic: 'Flexible working', now: TAKEN });
    updateAction(workshop, rotas, { action: 'Publish rotas six weeks ahead', status: 'under-way' });
    addActionSteps(workshop, rotas, [{ text: 'Agree the calendar', done: true }]);
    const thirtyDays = checkInBoard();
    startCheckIn(workshop, thirtyDays, { stage: 30, title: 'Ward 7', now: TAKEN + 1 });
    setAgreedRating(thirtyDays, defaultTopicId(1), { rating: 'amber', note: '' });
    updateAction(thirtyDays, rotas, { status: 'done', review: 'Out on two wards' });
    const json = (await exportPlan(readBoardSnapshot(thirtyDays, TAKEN), 'json', EXPORTED)) as string;
    expect(JSON.parse(json)).toMatchObject({ version: 3, cycle: { stages: [0, 30] }, actions: [{ review: 'Out on two wards' }] });
    const plan = await readPlan(encode(json));
    expect(plan.actions).toEqual([
      { topic: 'Flexible working', action: 'Publish rotas six weeks ahead', owner: '', timescale: null, steps: [{ text: 'Agree the calendar', done: true }], success: '', status: 'done' },
    ]);
    const sixtyDays = checkInBoard();
    expect(importPlanActions(sixtyDays, { source: 'plan.json', actions: plan.actions }, TAKEN)).toEqual({ added: 1, skipped: 0 });
    // Each check-in writes its own note on an action.
    expect(readBoardSnapshot(sixtyDays).actions[0]).toMatchObject({ action: 'Publish rotas six weeks ahead', status: 'done', review: '' });
  });

  it('still reads a version-2 JSON plan, without the check-in notes, self-assessment and cycle', async () => {
    const v3 = JSON.parse((await exportPlan(readBoardSnapshot(samplePlanDoc(), TAKEN), 'json', EXPORTED)) as string);
    const { assessment: _assessment, cycle: _cycle, ...rest } = v3;
    const v2 = { ...rest, version: 2, actions: v3.actions.map(({ review: _review, ...action }: Record<string, unknown>) => action) };
    const plan = await readPlan(encode(JSON.stringify(v2)));
    expect(plan.actions).toEqual((await readPlan(encode(JSON.stringify(v3)))).actions);
    expect(plan.actions).toHaveLength(3);
  });

  it('reads a version-2 JSON plan as exported before the self-assessment and the cycle (a frozen copy)', async () => {
    const v2 = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan/plan-v2.json'));
    const plan = await readPlan(new Uint8Array(v2));
    expect(plan.description).toBe('“Nursing retention | board session”, the workshop of 2026-11-23');
    expect(plan.actions.map((a) => [a.action.slice(0, 30), a.status, a.steps.length])).toEqual([
      ['Review data on staff views and', 'under-way', 2],
      ['+1 rota per ward', 'not-started', 1],
      ['Offer a career chat to everyon', 'not-started', 0],
    ]);
  });

  it('reads a version-1 JSON plan, from before timescales and steps had structure', async () => {
    const v1 = fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/plan/plan-v1.json'));
    const plan = await readPlan(new Uint8Array(v1));
    expect(plan.actions.map((a) => [a.timescale, a.steps, a.status])).toEqual([
      [{ kind: 'duration', amount: 2, unit: 'months' }, [{ text: 'Review data;', done: false }, { text: 'develop board paper', done: false }], 'not-started'],
      [{ kind: 'text', text: '@3 months' }, [{ text: 'step with a tab', done: false }], 'not-started'],
      [{ kind: 'text', text: 'By 31 March' }, [], 'not-started'],
    ]);
  });

  it('reads a spreadsheet a person made with the same headings in another order, case and format', async () => {
    const csv = 'progress,OWNER,action,Timescales,Steps to take\r\nDone,Chief Nurse,Publish rotas early,31/03/2027,"✓ Agree calendar\n• Train leads"\r\n,,,,\r\n';
    const plan = await readPlan(encode(csv));
    expect(plan.actions).toEqual([
      {
        topic: '',
        action: 'Publish rotas early',
        owner: 'Chief Nurse',
        timescale: { kind: 'date', date: '2027-03-31' },
        steps: [{ text: 'Agree calendar', done: true }, { text: 'Train leads', done: false }],
        success: '',
        status: 'done',
      },
    ]);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('My plan');
    sheet.addRow(['Action', 'Timescales', 'Owner']);
    // A real date cell and a formula cell: the date is read as a date, the formula by its last result only.
    sheet.addRow(['Survey leavers', new Date(Date.UTC(2027, 5, 30)), { formula: 'CONCAT("HR"," team")', result: 'HR team' }]);
    const xlsx = await readPlan(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(xlsx.actions).toMatchObject([{ action: 'Survey leavers', timescale: { kind: 'date', date: '2027-06-30' }, owner: 'HR team' }]);
  });

  it('refuses files that are not plans, saying why', async () => {
    const refusal = async (bytes: Uint8Array) => {
      const error = await readPlan(bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlanImportError);
      return (error as Error).message;
    };
    expect(await refusal(new Uint8Array())).toBe('The file is empty.');
    expect(await refusal(new Uint8Array(MAX_PLAN_FILE_BYTES + 1).fill(65))).toMatch(/larger than 2 MB/);
    expect(await refusal(encode('{"format": "something else"}'))).toMatch(/not a Retain action plan .*version 1, 2 or 3/);
    expect(await refusal(encode('{"format":"retain-action-plan","version":4,"title":"","workshopDate":"","actions":[]}'))).toMatch(/version 1, 2 or 3/);
    const v3Action = { topic: 'T', action: 'A', owner: '', timescale: null, steps: [], success: '', status: 'done', review: 7 };
    expect(await refusal(encode(JSON.stringify({ format: 'retain-action-plan', version: 3, title: '', workshopDate: '', actions: [v3Action] })))).toBe(
      'Action 1 in the JSON is not in the version 3 shape.',
    );
    expect(await refusal(encode('{ not json'))).toBe('The file is not valid JSON.');
    expect(await refusal(encode('{"format":"retain-action-plan","version":2,"title":"","workshopDate":"","actions":[{"topic":1}]}'))).toBe('Action 1 in the JSON is not in the version 2 shape.');
    expect(await refusal(encode('Name,Email\r\nA,b@example.invalid\r\n'))).toMatch(/No “Action” or “Topic and objective” column/);
    expect(await refusal(encode('Action\r\n'))).toBe('The plan has no actions in it.');
    expect(await refusal(encode('Action,Owner\r\n"unclosed,quote\r\n'))).toMatch(/^The CSV could not be read/);
    expect(await refusal(Uint8Array.from([0x50, 0x4b, 3, 4, 1, 2, 3, 4, 5, 6]))).toBe('The file is not a readable Excel workbook (.xlsx).');
    const tooMany = `Action\r\n${Array.from({ length: MAX_IMPORTED_ACTIONS + 1 }, (_, i) => `Action ${i}`).join('\r\n')}\r\n`;
    expect(await refusal(encode(tooMany))).toMatch(/takes at most 100/);
  });

  it('adds nothing when the same plan is imported twice, and keeps the check-in’s own progress', async () => {
    const bytes = encode((await exportPlan(readBoardSnapshot(samplePlanDoc(), TAKEN), 'csv', EXPORTED)) as string);
    const plan = await readPlan(bytes);
    const checkIn = checkInBoard();
    importPlanActions(checkIn, { source: 'plan.csv', actions: plan.actions }, TAKEN);
    const [first] = readBoardSnapshot(checkIn).actions;
    const [step] = readActionSteps(checkIn).get(first!.id)!.filter((s) => !s.done);
    updateActionStep(checkIn, first!.id as ActionId, step!.id, { done: true });
    expect(importPlanActions(checkIn, { source: 'plan.csv', actions: plan.actions }, TAKEN + 1)).toEqual({ added: 0, skipped: 3 });
    expect(readBoardSnapshot(checkIn).actions).toHaveLength(3);
    expect(readBoardSnapshot(checkIn).actions[0]!.steps.every((s) => s.done)).toBe(true);
    // From another file, it is another plan.
    expect(importPlanActions(checkIn, { source: 'other.csv', actions: plan.actions.slice(0, 1) }, TAKEN + 2)).toEqual({ added: 1, skipped: 0 });
  });

  it('keeps each action to its most steps', () => {
    const doc = checkInBoard();
    importPlanActions(doc, { source: 'x', actions: [{ topic: '', action: 'Big', owner: '', timescale: null, steps: [], success: '', status: 'not-started' }] }, TAKEN);
    const id = readBoardSnapshot(doc).actions[0]!.id as ActionId;
    expect(addActionSteps(doc, id, Array.from({ length: 40 }, (_, i) => ({ text: `Step ${i}` })))).toHaveLength(30);
    expect(addActionSteps(doc, id, [{ text: 'One more' }])).toEqual([]);
    expect(addActionSteps(checkInBoard(), id, [{ text: '  \n ' }])).toEqual([]);
  });

  it('reads a workbook written without the optional r= references, as other tools write them', async () => {
    const plan = await readPlan(await workbookWithoutReferences());
    expect(plan.actions).toMatchObject([
      { action: 'Publish rotas six weeks ahead', owner: 'Chief Nurse', timescale: { kind: 'duration', amount: 3, unit: 'months' } },
      { action: 'Stay interviews', owner: 'Ward managers', timescale: { kind: 'text', text: '2027' } },
    ]);
  });
});

describe('importing a hostile workbook', () => {
  const refusal = async (bytes: Uint8Array) => {
    const error = await readPlan(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanImportError);
    return (error as Error).message;
  };

  it('stops reading a sheet at the action limit instead of reading every row', async () => {
    expect(await refusal(numberedRowsWorkbook(20_000))).toBe('The plan has more than 100 actions; one import takes at most 100.');
    // And the same holds for a CSV of as many rows.
    expect(await refusal(encode(`Action\r\n${Array.from({ length: 20_000 }, (_, i) => i).join('\r\n')}\r\n`))).toMatch(/more than 100 actions/);
  });

  it('refuses a part that would inflate past its limit, before inflating it or as soon as it passes what it declared', async () => {
    const tooLarge = /unpacks to more than a plan can hold/;
    const bombs = { rows: numberedRowsWorkbook(230_000), sheet: await sheetBomb(), sharedStrings: await sharedStringsBomb() };
    for (const bytes of Object.values(bombs)) expect(bytes.byteLength).toBeLessThan(MAX_PLAN_FILE_BYTES);
    for (const bytes of Object.values(bombs)) expect(await refusal(bytes)).toMatch(tooLarge);
    // The same bombs declaring a size of one kilobyte are stopped one byte past it.
    expect(await refusal(await sheetBomb(true))).toMatch(tooLarge);
    expect(await refusal(await sharedStringsBomb(true))).toMatch(tooLarge);
  });
});
