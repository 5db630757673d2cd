import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { initBoard } from '../../shared/board/board';
import { addAction, respondToAction, updateAction } from '../../shared/board/actions';
import { addNote } from '../../shared/board/notes';
import { markActionsAgreed } from '../../shared/board/phases';
import { addTheme } from '../../shared/board/themes';
import { addDiagram, addDriverNode } from '../../shared/board/drivers';
import { readBoardSnapshot } from '../../shared/board/snapshot';
import ExcelJS from 'exceljs';
import { exportPlan, neutraliseFormula, PLAN_FORMATS, planJsonSchema, planToIcs } from '../../shared/export/plan';
import { planToXlsx } from '../../shared/export/xlsx';
import { planToDocx } from '../../shared/export/docx';
import JSZip from 'jszip';
import type { ActionId, DiagramId, DriverNodeId, ParticipantId, PerspectiveId, ThemeId } from '../../shared/schema/ids';

const goldenDir = path.resolve(import.meta.dirname, '../fixtures/plan');
const WORKSHOP = Date.UTC(2026, 10, 23, 9, 30);
const TAKEN = Date.UTC(2026, 10, 23, 12, 0);

/** A workshop whose plan holds every awkward thing a person can type. */
function sampleSnapshot() {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Nursing retention | board session', createdAt: WORKSHOP, template: 'four-perspectives' });
  const theme = addTheme(doc, { id: 'theme-flex' as ThemeId, title: 'Flexible working', now: WORKSHOP });
  addNote(doc, { text: 'Self-rostering', x: 0, y: 0, authorId: null, authorName: '', perspectiveId: 'staff' as PerspectiveId, now: WORKSHOP });
  const rows: [string, Record<string, string>][] = [
    ['a1', { topic: 'Flexible working: improve access across the trust', action: 'Review data on staff views and write a board paper', owner: 'HR team, with analytics colleagues', timescale: '2 months', steps: 'Review data;\ndevelop board paper', success: 'Board agrees "new approach"' }],
    ['a2', { topic: '=HYPERLINK("http://example.invalid","click")', action: '+1 rota per ward', owner: '-Chief Nurse', timescale: '@3 months', steps: '\tstep with a tab', success: '\rstarts with a return' }],
    ['a3', { topic: 'Career conversations – every year', action: 'Offer a career chat to everyone in band 5', owner: 'Ward managers', timescale: 'By 31 March', steps: '', success: 'Leavers in year one down by a third' }],
  ];
  for (const [id, fields] of rows) {
    addAction(doc, { id: id as ActionId, themeId: id === 'a1' ? theme : null, now: WORKSHOP });
    updateAction(doc, id as ActionId, fields);
  }
  respondToAction(doc, 'a1' as ActionId, 'p1' as ParticipantId, 'agree');
  expect(markActionsAgreed(doc, true)).toEqual([]);
  const diagram = addDiagram(doc, { id: 'd1' as DiagramId, title: 'Keeping nurses', aim: 'Halve first-year leavers', now: WORKSHOP });
  addDriverNode(doc, { id: 'n1' as DriverNodeId, diagramId: diagram, parentId: null, text: 'Predictable rotas', now: WORKSHOP });
  return readBoardSnapshot(doc, TAKEN);
}

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
      'Topic and objective', 'Action', 'Owner', 'Timescales', 'Steps to take', 'Success criteria',
    ]);
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
    expect(actions.getRow(1).values).toEqual([undefined, 'Topic and objective', 'Action', 'Owner', 'Timescales', 'Steps to take', 'Success criteria']);
    expect(actions.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(actions.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(actions.getRow(2).getCell(5).alignment?.wrapText).toBe(true);
    expect(actions.getRow(2).getCell(5).value).toBe('Review data;\ndevelop board paper');
    expect(actions.rowCount).toBe(4);
    // Typed text that looks like a formula stays text.
    for (let column = 1; column <= 6; column++) {
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
    expect(csv.startsWith('\uFEFF"Topic and objective","Action","Owner","Timescales","Steps to take","Success criteria"\r\n')).toBe(true);
    expect(csv).toContain('"Review data;\ndevelop board paper","Board agrees ""new approach"""');
    expect(csv).toContain(`"'=HYPERLINK(""http://example.invalid"",""click"")","'+1 rota per ward","'-Chief Nurse","'@3 months","'\tstep with a tab","'\rstarts with a return"`);
    for (const cell of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
    for (const cell of ['1+1', 'Chief Nurse', '', 'a=b']) expect(neutraliseFormula(cell)).toBe(cell);
  });

  it('writes JSON that matches its published schema, version 1', async () => {
    const plan = planJsonSchema.parse(JSON.parse((await exportPlan(sampleSnapshot(), 'json')) as string));
    expect(plan).toMatchObject({ format: 'retain-action-plan', version: 1, workshopDate: '2026-11-23', actionsAgreed: true });
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
    expect(md).toContain('| Topic and objective | Action | Owner | Timescales | Steps to take | Success criteria |');
    expect(md).toContain('Review data;<br>develop board paper');
    expect(md).toContain('# Nursing retention | board session');
    expect(md).toContain('  - Primary driver: Predictable rotas');
  });
});
