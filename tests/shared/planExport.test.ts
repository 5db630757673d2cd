import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readBoardSnapshot } from '../../shared/board/snapshot';
import ExcelJS from 'exceljs';
import { exportPlan, neutraliseFormula, PLAN_FORMATS, planJsonSchema } from '../../shared/export/plan';
import { planToIcs } from '../../shared/export/ics';
import { planToXlsx } from '../../shared/export/xlsx';
import { planToDocx } from '../../shared/export/docx';
import JSZip from 'jszip';
import { samplePlanDoc, TAKEN } from '../helpers/planSample';

const goldenDir = path.resolve(import.meta.dirname, '../fixtures/plan');

const sampleSnapshot = () => readBoardSnapshot(samplePlanDoc(), TAKEN);

/** A one-pixel PNG: the document only has to carry the picture it is given. */
const ONE_PIXEL_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

describe('the action plan’s exports', () => {
  it('writes a Word document with the title, date, people, lanes, themes, the action table in the template’s order, and the diagram', async () => {
    const snapshot = sampleSnapshot();
    const bytes = await planToDocx(snapshot, new Map([['d1', { png: ONE_PIXEL_PNG, width: 1200, height: 300 }]]));
    const zip = await JSZip.loadAsync(bytes);
    const xml = await zip.file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    expect(paragraphs[0]).toBe('Nursing retention | board session');
    expect(paragraphs[1]).toBe('Workshop of 23 November 2026. 1 person took part.');
    const headerRow = /<w:tr>[\s\S]*?<\/w:tr>/.exec(xml)![0];
    expect([...headerRow.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1])).toEqual([
      'Topic and objective', 'Action', 'Owner', 'Timescales', 'Steps to take', 'Success criteria', 'Progress',
    ]);
    // Documents say timescales and steps in words: a date people read, ticked and unticked boxes.
    expect(paragraphs).toContain('Within 2 months');
    expect(paragraphs).toContain('By 31 March 2027');
    expect(paragraphs).toContain('☑ Review data☐ Develop the board paper');
    expect(paragraphs).toContain('Under way');
    expect(paragraphs).toContain('Review data on staff views and write a board paper');
    expect(paragraphs).toContain('=HYPERLINK(&quot;http://example.invalid&quot;,&quot;click&quot;)');
    expect(paragraphs).toContain('Staff');
    expect(paragraphs).toContain('Self-rostering');
    expect(paragraphs).toContain('Driver diagram: Keeping nurses');
    expect(paragraphs).toContain('Primary driver: Predictable rotas');
    // The picture is in the package, scaled to the page, with a description for screen readers.
    expect(Object.keys(zip.files).filter((name) => name.startsWith('word/media/'))).toHaveLength(1);
    expect(xml).toContain('descr="Driver diagram: Keeping nurses. The same diagram follows as a list."');
    expect(xml).toMatch(/<wp:extent cx="\d+" cy="\d+"\/>/);
  });

  it('writes an Excel workbook: actions in the template’s columns under a frozen, bold header, wrapped; themes with votes and perspectives; no formulas', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await planToXlsx(sampleSnapshot())) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Actions', 'Themes']);
    const actions = workbook.getWorksheet('Actions')!;
    expect(actions.getRow(1).values).toEqual([undefined, 'Topic and objective', 'Action', 'Owner', 'Timescales', 'Steps to take', 'Success criteria', 'Progress']);
    expect(actions.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(actions.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(actions.getRow(2).getCell(5).alignment?.wrapText).toBe(true);
    // Spreadsheets hold what reads back exactly on import: a duration or ISO date, "[x]" steps.
    expect(actions.getRow(2).getCell(4).value).toBe('2 months');
    expect(actions.getRow(2).getCell(5).value).toBe('[x] Review data\n[ ] Develop the board paper');
    expect(actions.getRow(2).getCell(7).value).toBe('Under way');
    expect(actions.getRow(4).getCell(4).value).toBe('2027-03-31');
    expect(actions.rowCount).toBe(4);
    // Typed text that looks like a formula stays text.
    for (let column = 1; column <= 7; column++) {
      const cell = actions.getRow(3).getCell(column);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
    }
    expect(actions.getRow(3).getCell(1).value).toBe('=HYPERLINK("http://example.invalid","click")');
    const themes = workbook.getWorksheet('Themes')!;
    expect(themes.getRow(1).values).toEqual([undefined, 'Theme', 'Seen as', 'Raised by', 'Said nothing', 'Votes', 'Rank', 'Notes']);
    const theme = themes.getRow(2);
    expect([1, 2, 4].map((column) => theme.getCell(column).value)).toEqual(['Flexible working', 'No notes', 'The board, An HR professional, Line managers, Staff']);
  });

  for (const format of PLAN_FORMATS.filter((f) => f !== 'xlsx' && f !== 'docx')) {
    it(`writes ${format.toUpperCase()} exactly as its golden file`, async () => {
      const written = await exportPlan(sampleSnapshot(), format);
      const golden = path.join(goldenDir, `plan.${format}`);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(golden, written);
      expect(written).toBe(fs.readFileSync(golden, 'utf8'));
    });
  }

  it('writes CSV a spreadsheet reads right: BOM, quoted cells, CRLF, the template’s columns, no formulas', async () => {
    const csv = (await exportPlan(sampleSnapshot(), 'csv')) as string;
    expect(csv.startsWith('\uFEFF"Topic and objective","Action","Owner","Timescales","Steps to take","Success criteria","Progress"\r\n')).toBe(true);
    expect(csv).toContain('"2 months","[x] Review data\n[ ] Develop the board paper","Board agrees ""new approach""","Under way"');
    // A step cell starts with its tick box, so it can never start a formula.
    expect(csv).toContain(`"'=HYPERLINK(""http://example.invalid"",""click"")","'+1 rota per ward","'-Chief Nurse","'@3 months","[ ] =cmd|"" /C calc""!A0","'\rstarts with a return","Not started"`);
    for (const cell of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
    for (const cell of ['1+1', 'Chief Nurse', '', 'a=b']) expect(neutraliseFormula(cell)).toBe(cell);
  });

  it('writes JSON that matches its published schema, version 2', async () => {
    const plan = planJsonSchema.parse(JSON.parse((await exportPlan(sampleSnapshot(), 'json')) as string));
    expect(plan).toMatchObject({ format: 'retain-action-plan', version: 2, workshopDate: '2026-11-23', actionsAgreed: true });
    expect(plan.actions[0]).toMatchObject({
      timescale: { kind: 'duration', amount: 2, unit: 'months' },
      timescaleText: 'Within 2 months',
      steps: [{ text: 'Review data', done: true }, { text: 'Develop the board paper', done: false }],
      status: 'under-way',
    });
    expect(plan.actions[2]).toMatchObject({ timescale: { kind: 'date', date: '2027-03-31' }, timescaleText: 'By 31 March 2027', steps: [] });
    expect(plan.actions.map((a) => a.owner)).toEqual(['HR team, with analytics colleagues', '-Chief Nurse', 'Ward managers']);
    expect(plan.actions[0]).toMatchObject({ theme: 'Flexible working', agree: 1 });
  });

  it('puts a check-in in the calendar 30, 60 and 90 days after the workshop, or after another start', () => {
    const ics = planToIcs(sampleSnapshot());
    expect([...ics.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20261223', '20270122', '20270221']);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics).toContain('Review data on staff views');
    const later = planToIcs(sampleSnapshot(), new Date(Date.UTC(2027, 0, 10)));
    expect([...later.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20270209', '20270311', '20270410']);
  });

  it('writes Markdown with the table in the template’s order, escaped cells, and the driver diagram', async () => {
    const md = (await exportPlan(sampleSnapshot(), 'md')) as string;
    expect(md).toContain('| Topic and objective | Action | Owner | Timescales | Steps to take | Success criteria | Progress |');
    expect(md).toContain('| Within 2 months | ☑ Review data<br>☐ Develop the board paper | Board agrees "new approach" | Under way |');
    expect(md).toContain('# Nursing retention | board session');
    expect(md).toContain('  - Primary driver: Predictable rotas');
  });
});
