import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import ExcelJS from 'exceljs';
import { exportPlan, neutraliseFormula, PLAN_FORMATS, planJsonSchema } from '../../shared/export/plan';
import { planToIcs } from '../../shared/export/ics';
import { planToXlsx } from '../../shared/export/xlsx';
import { planToDocx } from '../../shared/export/docx';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import * as Y from 'yjs';
import { initBoard } from '../../shared/document/board';
import { addDiagram, addDriverNode, updateDiagram, updateDriverNode } from '../../shared/document/drivers';
import { addNote } from '../../shared/document/notes';
import type { PerspectiveId } from '../../shared/schema/ids';
import { samplePlanDoc, TAKEN, WORKSHOP } from '../helpers/planSample';
import { chartBoardDoc } from '../helpers/chartBoard';

const goldenDir = path.resolve(import.meta.dirname, '../fixtures/plan');

const sampleSnapshot = () => readBoardSnapshot(samplePlanDoc(), TAKEN);
/** The sample board's id, as the server names it in the calendar's events. */
const BOARD_ID = 'b_sample-board';

/** Links, an image, raw HTML and a line that would start a heading of its own, as a hostile participant types them. */
const HOSTILE_TEXT = '![x](http://tracker.invalid/p.png) [Sign in again](http://phish.invalid) <script>alert(1)</script> <img src=x onerror=alert(1)>\n# Planted heading';

/** A board where everything people type into a diagram, a lane or the title is hostile. */
function hostileBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: `Ward 7\n\n${HOSTILE_TEXT}`, createdAt: WORKSHOP, template: 'four-perspectives' });
  const diagram = addDiagram(doc, { title: `Diagram\n${HOSTILE_TEXT}`, aim: HOSTILE_TEXT, now: WORKSHOP });
  updateDiagram(doc, diagram, { aimMeasure: HOSTILE_TEXT });
  const driver = addDriverNode(doc, { diagramId: diagram, parentId: null, text: HOSTILE_TEXT, now: WORKSHOP })!;
  updateDriverNode(doc, driver, { measure: HOSTILE_TEXT });
  addNote(doc, { text: 'Line one\nLine two\twith a tab', x: 0, y: 0, authorId: null, authorName: '', perspectiveId: 'staff' as PerspectiveId, now: WORKSHOP });
  return doc;
}

/** A one-pixel PNG: the document only has to carry the picture it is given. */
const ONE_PIXEL_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

/** A PNG of one row of pixels, `width` wide: distinct pictures, since a document keeps one copy of identical ones. */
function blankPng(width: number): Uint8Array {
  return new Uint8Array(PNG.sync.write(new PNG({ width, height: 1 })));
}

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

  it('writes the Word document in the NHS look: Arial, NHS blue headings, a shaded header row, title and date on every page, page numbers, A4 landscape', async () => {
    const zip = await JSZip.loadAsync(await planToDocx(sampleSnapshot()));
    const part = (name: string) => zip.file(name)!.async('string');
    const [documentXml, styles] = await Promise.all([part('word/document.xml'), part('word/styles.xml')]);
    // Arial is the document's default font (so Word never falls back to Times New Roman), and dark text.
    const defaults = /<w:rPrDefault>[\s\S]*?<\/w:rPrDefault>/.exec(styles)![0];
    expect(defaults).toContain('<w:rFonts w:ascii="Arial" w:cs="Arial" w:eastAsia="Arial" w:hAnsi="Arial"/>');
    expect(defaults).toContain('<w:color w:val="212B32"/>');
    // The title and the headings the document uses are Arial in NHS blue.
    for (const style of ['Title', 'Heading1', 'Heading2']) {
      const definition = new RegExp(`<w:style w:type="paragraph" w:styleId="${style}">[\\s\\S]*?</w:style>`).exec(styles)![0];
      expect(definition, style).toContain('<w:color w:val="005EB8"/>');
      expect(definition, style).toContain('w:ascii="Arial"');
    }
    expect(documentXml).toContain('<w:pStyle w:val="Heading1"/>');
    // The table's header row: NHS blue, white bold text, repeated on each page.
    const headerRow = /<w:tr>[\s\S]*?<\/w:tr>/.exec(documentXml)![0];
    expect(headerRow).toContain('<w:tblHeader/>');
    expect(headerRow.match(/<w:shd w:fill="005EB8" w:color="auto" w:val="clear"\/>/g)).toHaveLength(7);
    expect(headerRow.match(/<w:b\/><w:bCs\/><w:color w:val="FFFFFF"\/>/g)).toHaveLength(7);
    // A4 landscape: the long side across.
    expect(documentXml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
    // Every page: the board's title and the export's date in the header, "Page N of M" in the footer.
    const rels = await part('word/_rels/document.xml.rels');
    const target = (id: string) => new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)!.slice(1).find(Boolean)!;
    const headerId = /<w:headerReference w:type="default" r:id="(\w+)"\/>/.exec(documentXml)![1]!;
    const footerId = /<w:footerReference w:type="default" r:id="(\w+)"\/>/.exec(documentXml)![1]!;
    const header = await part(`word/${target(headerId)}`);
    const footer = await part(`word/${target(footerId)}`);
    expect([...header.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1])).toEqual(['Nursing retention | board session', 'Exported 23 November 2026']);
    expect([...footer.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>|<w:instrText[^>]*>([^<]*)<\/w:instrText>/g)].map((t) => t[1] ?? `{${t[2]}}`)).toEqual(['Page ', '{PAGE}', ' of ', '{NUMPAGES}']);
  });

  it('puts the charts that apply in the Word document as numbered figures, each with its caption and what it shows in words', async () => {
    const snapshot = readBoardSnapshot(chartBoardDoc(), TAKEN);
    const picture = (width: number) => ({ png: blankPng(width), width: 800, height: 400 });
    const zip = await JSZip.loadAsync(await planToDocx(snapshot, new Map(), { themeComparison: picture(1), voteResults: picture(2), planProgress: { ...picture(3), height: 2000 } }));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(Object.keys(zip.files).filter((name) => /^word\/media\/.+\.png$/.test(name))).toHaveLength(3);
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    const figure = (caption: string) => paragraphs.indexOf(caption);
    const progress = figure('Figure 1: Progress of the action plan');
    const comparison = figure('Figure 2: Themes across the perspectives: where each theme’s notes came from');
    const votes = figure('Figure 3: Vote results: dots per theme');
    // In the order of the document: progress after the action table, the comparison before the lists of themes, the votes after them.
    expect(progress).toBeGreaterThan(paragraphs.indexOf('Actions'));
    expect(comparison).toBeGreaterThan(paragraphs.indexOf('Themes'));
    expect(comparison).toBeLessThan(paragraphs.indexOf('Similarities: shared by several perspectives'));
    expect(votes).toBeGreaterThan(paragraphs.indexOf('Differences: seen by one perspective only'));
    // Each caption is followed by the chart in words, which is the picture's description for screen readers too.
    expect(paragraphs[votes + 1]).toBe('Vote results, most dots first: 9 dots on 3 themes. Flexible working, 7 dots; Board visibility, 2 dots; Pay, 0 dots.');
    expect(paragraphs[progress + 1]).toMatch(/^Progress of the action plan: 4 actions, 1 not started, 1 under way, 1 done, 1 stuck\./);
    expect(paragraphs[comparison + 1]).toContain('Flexible working is shared by 2 perspectives: Line managers (1 note) and Staff (2 notes).');
    expect(xml).toContain('descr="Vote results, most dots first: 9 dots on 3 themes.');
    expect(xml.match(/<w:pStyle w:val="Caption"\/>/g)).toHaveLength(3);
    // A tall picture is scaled to fit the page's height (540 px = 5,143,500 EMU), keeping its shape.
    const extents = [...xml.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(extents).toContainEqual([Math.round(800 * (540 / 2000)) * 9525, 540 * 9525]);
  });

  it('leaves the charts out of the Word document when the board has nothing to chart', async () => {
    const picture = { png: ONE_PIXEL_PNG, width: 800, height: 400 };
    const everyChart = { themeComparison: picture, voteResults: picture, planProgress: picture };
    const blank = new Y.Doc();
    initBoard(blank, { title: 'Blank', createdAt: WORKSHOP, template: 'blank' });
    const empty = await JSZip.loadAsync(await planToDocx(readBoardSnapshot(blank, TAKEN), new Map(), everyChart));
    expect(Object.keys(empty.files).filter((name) => name.startsWith('word/media/'))).toEqual([]);
    expect(await empty.file('word/document.xml')!.async('string')).not.toContain('Figure');
    // The sample plan has actions, but voting is open and its theme holds no notes: the progress alone.
    const sample = await JSZip.loadAsync(await planToDocx(sampleSnapshot(), new Map(), everyChart));
    expect(Object.keys(sample.files).filter((name) => name.startsWith('word/media/'))).toHaveLength(1);
    const xml = await sample.file('word/document.xml')!.async('string');
    expect(xml).toContain('Figure 1: Progress of the action plan');
    expect(xml).not.toContain('Figure 2');
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
      const written = await exportPlan(sampleSnapshot(), format, { boardId: BOARD_ID });
      const golden = path.join(goldenDir, `plan.${format}`);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(golden, written);
      expect(written).toBe(fs.readFileSync(golden, 'utf8'));
    });
  }

  it('writes CSV a spreadsheet reads right: BOM, quoted cells, CRLF, the template’s columns, no formulas', async () => {
    const csv = (await exportPlan(sampleSnapshot(), 'csv', { boardId: BOARD_ID })) as string;
    expect(csv.startsWith('\uFEFF"Topic and objective","Action","Owner","Timescales","Steps to take","Success criteria","Progress"\r\n')).toBe(true);
    expect(csv).toContain('"2 months","[x] Review data\n[ ] Develop the board paper","Board agrees ""new approach""","Under way"');
    // A step cell starts with its tick box, so it can never start a formula.
    expect(csv).toContain(`"'=HYPERLINK(""http://example.invalid"",""click"")","'+1 rota per ward","'-Chief Nurse","'@3 months","[ ] =cmd|"" /C calc""!A0","'\rstarts with a return","Not started"`);
    for (const cell of ['=1+1', '+1', '-1', '@A1', '\tx', '\rx']) expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
    for (const cell of ['1+1', 'Chief Nurse', '', 'a=b', 'a\n=b']) expect(neutraliseFormula(cell)).toBe(cell);
  });

  it('neutralises a formula hidden behind leading spaces, tabs or line ends', () => {
    for (const cell of ['  =1+1', ' +1', '\n=cmd|" /C calc"!A0', '\r\n@SUM(A1)', '\t -1', '\u00a0=1']) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it('writes JSON that matches its published schema, version 2', async () => {
    const plan = planJsonSchema.parse(JSON.parse((await exportPlan(sampleSnapshot(), 'json', { boardId: BOARD_ID })) as string));
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
    const ics = planToIcs(sampleSnapshot(), BOARD_ID);
    expect([...ics.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20261223', '20270122', '20270221']);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics).toContain('Review data on staff views');
    const later = planToIcs(sampleSnapshot(), BOARD_ID, new Date(Date.UTC(2027, 0, 10)));
    expect([...later.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20270209', '20270311', '20270410']);
  });

  it('writes Markdown with the table in the template’s order, escaped cells, and the driver diagram', async () => {
    const md = (await exportPlan(sampleSnapshot(), 'md', { boardId: BOARD_ID })) as string;
    expect(md).toContain('| Topic and objective | Action | Owner | Timescales | Steps to take | Success criteria | Progress |');
    expect(md).toContain('| Within 2 months | ☑ Review data<br>☐ Develop the board paper | Board agrees "new approach" | Under way |');
    expect(md).toContain('# Nursing retention \\| board session');
    expect(md).toContain('  - Primary driver: Predictable rotas');
  });

  it('writes everything a participant typed into the Markdown as text: no links, images, HTML or extra lines', async () => {
    const md = (await exportPlan(readBoardSnapshot(hostileBoard(), TAKEN), 'md', { boardId: BOARD_ID })) as string;
    // Every bracket, angle bracket and exclamation mark people typed is escaped with a backslash.
    expect(md).not.toMatch(/(?<!\\)(?:!\[|\]\(|<script|<img)|^\\?# Planted/m);
    // The title and the diagram's title stay on their heading's line; line breaks elsewhere stay inside their line.
    const [title, afterTitle] = md.split('\n');
    expect(title).toMatch(/^# Ward 7 \\!\\\[x\\\]\\\(http:\/\/tracker\.invalid\/p\.png\\\) \\\[Sign in again\\\]/);
    expect(afterTitle).toBe('');
    expect(md).toContain('### Diagram \\!\\[x\\]');
    expect(md).toContain('- **Aim:** \\!\\[x\\]');
    expect(md).toContain('  - Measure: \\!\\[x\\]');
    expect(md).toContain('  - Primary driver: \\!\\[x\\]');
    expect(md).toContain('(measure: \\!\\[x\\]');
    expect(md.match(/^#+ /gm)).toEqual(['# ', '## ', '## ', '### ']);
  });

  it('names the calendar’s check-ins by the board, so boards with the same title on the same day do not replace each other', () => {
    const wardSeven = (boardId: string) => {
      const doc = new Y.Doc();
      initBoard(doc, { title: 'Ward 7', createdAt: WORKSHOP, template: 'blank' });
      return planToIcs(readBoardSnapshot(doc, TAKEN), boardId);
    };
    const uids = (ics: string) => [...ics.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(uids(wardSeven('b_first'))).toHaveLength(3);
    expect(uids(wardSeven('b_first')).filter((uid) => uids(wardSeven('b_second')).includes(uid))).toEqual([]);
    // Titles with no Latin letters at all are told apart too.
    const titled = (title: string, boardId: string) => {
      const doc = new Y.Doc();
      initBoard(doc, { title, createdAt: WORKSHOP, template: 'blank' });
      return uids(planToIcs(readBoardSnapshot(doc, TAKEN), boardId));
    };
    expect(titled('الاحتفاظ بالموظفين', 'b_one')).not.toEqual(titled('留住员工', 'b_two'));
    // The same board downloaded again, even from another start, updates its events instead of adding more.
    expect(uids(planToIcs(readBoardSnapshot(hostileBoard(), TAKEN), 'b_first', new Date(Date.UTC(2027, 0, 10))))).toEqual(uids(wardSeven('b_first')));
  });

  it('writes a note’s line breaks and tabs as Word breaks and tabs, and the aim’s measure', async () => {
    const zip = await JSZip.loadAsync(await planToDocx(readBoardSnapshot(hostileBoard(), TAKEN)));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).not.toMatch(/<w:t[^>]*>[^<]*[\n\t][^<]*<\/w:t>/);
    expect(xml).toMatch(/<w:t[^>]*>Line one<\/w:t><\/w:r><w:r><w:br\/><w:t[^>]*>Line two<\/w:t><w:tab\/><w:t[^>]*>with a tab<\/w:t>/);
    expect(xml).toContain('Measure: ![x](http://tracker.invalid/p.png)');
    // The running header holds the hostile title on one line, as text.
    const header = await zip.file('word/header1.xml')!.async('string');
    expect(header).not.toMatch(/<script|<img/);
    expect(header).toContain('>Ward 7 ![x](http://tracker.invalid/p.png) [Sign in again](http://phish.invalid) &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(header).not.toMatch(/<w:br\/>/);
  });
});
