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
import { addAction, addActionSteps, readActionSteps, updateAction, updateActionStep } from '../../shared/document/actions';
import { defaultTopicId, publishAssessmentSpread, setAgreedRating } from '../../shared/document/assessment';
import { startCheckIn } from '../../shared/document/cycle';
import { setSessionFlag, updateSettings } from '../../shared/document/session';
import { openWorkbookArchive } from '../../server/import/workbookArchive';
import { readPlanFile } from '../../shared/import/planFile';
import type { ActionId } from '../../shared/schema/ids';

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

/** What a person wrote as evidence on the revealed spread, under their name: never in an export. */
const EVIDENCE = 'Evidence only Priya gave';
const EVIDENCE_AUTHOR = 'Priya Shah';

/**
 * A 30-day check-in with its workshop in its history (`startCheckIn`): at
 * the workshop two topics agreed (red, amber) and an action under way with
 * one of two steps done; at the check-in the first topic agreed amber, the
 * action done with a check-in note, a new action, and the ratings revealed
 * (three people rated). The spread carries a line of evidence with a name,
 * as a named board's does.
 */
function checkInPlanBoard(options: { anonymous?: boolean } = {}): Y.Doc {
  const workshop = new Y.Doc();
  initBoard(workshop, { title: 'Ward 7 retention', createdAt: WORKSHOP, template: 'blank' });
  setAgreedRating(workshop, defaultTopicId(1), { rating: 'red', note: 'Nobody owns it' });
  setAgreedRating(workshop, defaultTopicId(10), { rating: 'amber', note: '' });
  const rotas = addAction(workshop, { id: 'a-rotas' as ActionId, topic: 'Flexible working', now: WORKSHOP });
  updateAction(workshop, rotas, { action: 'Publish rotas six weeks ahead', owner: 'Matron', status: 'under-way' });
  addActionSteps(workshop, rotas, [{ text: 'Agree the calendar', done: true }, { text: 'Train rota leads' }]);

  const checkIn = new Y.Doc();
  initBoard(checkIn, { title: 'Ward 7 retention – 30-day check-in', createdAt: TAKEN, template: 'blank' });
  startCheckIn(workshop, checkIn, { stage: 30, title: 'Ward 7 retention', now: TAKEN });
  if (options.anonymous) updateSettings(checkIn, { anonymous: true });
  setAgreedRating(checkIn, defaultTopicId(1), { rating: 'amber', note: 'Matron owns it | since March' });
  updateAction(checkIn, rotas, { status: 'done', review: 'Rotas out six weeks ahead on two wards' });
  for (const step of readActionSteps(checkIn).get(rotas)!) updateActionStep(checkIn, rotas, step.id, { done: true });
  const stay = addAction(checkIn, { id: 'a-stay' as ActionId, topic: 'Stay interviews', now: TAKEN });
  updateAction(checkIn, stay, { action: 'Hold stay interviews' });
  setSessionFlag(checkIn, 'assessmentRevealed', true);
  publishAssessmentSpread(checkIn, {
    raters: 3,
    topics: { [defaultTopicId(1)]: { red: 1, amber: 2, green: 0, evidence: [{ text: EVIDENCE, authorName: options.anonymous ? '' : EVIDENCE_AUTHOR }] } },
  });
  return checkIn;
}

/** Every paragraph's text in a Word document's body. */
function documentParagraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
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
    // A sheet per view, each written with its header row even when the board has nothing for it.
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Actions', 'Themes', 'Self-assessment', 'What changed', 'Action progress']);
    expect(workbook.getWorksheet('Self-assessment')!.getRow(1).values).toEqual([undefined, 'Topic', 'Agreed rating', 'Note', 'Red', 'Amber', 'Green']);
    expect(workbook.getWorksheet('What changed')!.getRow(1).values).toEqual([undefined, 'Topic', 'Workshop (now)']);
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

  it('writes JSON that matches its published schema, version 3', async () => {
    const plan = planJsonSchema.parse(JSON.parse((await exportPlan(sampleSnapshot(), 'json', { boardId: BOARD_ID })) as string));
    expect(plan).toMatchObject({ format: 'retain-action-plan', version: 3, workshopDate: '2026-11-23', actionsAgreed: true });
    expect(plan.actions[0]).toMatchObject({
      timescale: { kind: 'duration', amount: 2, unit: 'months' },
      timescaleText: 'Within 2 months',
      steps: [{ text: 'Review data', done: true }, { text: 'Develop the board paper', done: false }],
      status: 'under-way',
    });
    expect(plan.actions[2]).toMatchObject({ timescale: { kind: 'date', date: '2027-03-31' }, timescaleText: 'By 31 March 2027', steps: [] });
    expect(plan.actions.map((a) => a.owner)).toEqual(['HR team, with analytics colleagues', '-Chief Nurse', 'Ward managers']);
    expect(plan.actions[0]).toMatchObject({ theme: 'Flexible working', agree: 1, review: '' });
    // A workshop that agreed nothing: its topics unrated and not revealed, one stage.
    expect(plan.assessment).toMatchObject({ revealed: false, raters: null });
    expect(plan.assessment.topics).toHaveLength(14);
    expect(plan.assessment.topics.every((topic) => topic.agreed === null && topic.spread === null)).toBe(true);
    expect(plan.cycle).toMatchObject({ stage: 0, stages: [0], counts: [{ stage: 0, red: 0, amber: 0, green: 0 }] });
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

describe('the exports of a check-in: the self-assessment and what changed', () => {
  const snapshot = () => readBoardSnapshot(checkInPlanBoard(), TAKEN);

  it('holds the self-assessment and the cycle in the snapshot: agreed ratings, counts while revealed, each stage', () => {
    const { assessment, cycle, snapshotVersion, actions } = snapshot();
    expect(snapshotVersion).toBe(2);
    expect(assessment.revealed).toBe(true);
    expect(assessment.raters).toBe(3);
    expect(assessment.topics).toHaveLength(14);
    expect(assessment.topics[0]).toEqual({
      id: defaultTopicId(1),
      title: 'Organisational culture and compassionate, inclusive leadership',
      agreed: 'amber',
      note: 'Matron owns it | since March',
      spread: { red: 1, amber: 2, green: 0 },
    });
    // Agreed ratings are not carried into a check-in: the group rates again.
    // Counted while revealed, like every topic: nobody gave it a colour.
    expect(assessment.topics[9]).toMatchObject({ agreed: null, note: '', spread: { red: 0, amber: 0, green: 0 } });
    expect(cycle.stage).toBe(30);
    expect(cycle.stages).toEqual([0, 30]);
    expect(cycle.ratings[0]!.byStage).toEqual(['red', 'amber']);
    expect(cycle.ratings[9]!.byStage).toEqual(['amber', null]);
    expect(cycle.counts).toEqual([
      { stage: 0, red: 1, amber: 1, green: 0 },
      { stage: 30, red: 0, amber: 1, green: 0 },
    ]);
    expect(cycle.actions).toEqual([
      {
        actionId: 'a-rotas',
        label: 'Publish rotas six weeks ahead',
        byStage: [
          { status: 'under-way', stepsDone: 1, stepsTotal: 2, note: '' },
          { status: 'done', stepsDone: 2, stepsTotal: 2, note: 'Rotas out six weeks ahead on two wards' },
        ],
      },
      { actionId: 'a-stay', label: 'Hold stay interviews', byStage: [null, { status: 'not-started', stepsDone: 0, stepsTotal: 0, note: '' }] },
    ]);
    expect(actions[0]!.review).toBe('Rotas out six weeks ahead on two wards');
  });

  it('leaves the spread out once the facilitator hides the ratings again', () => {
    const doc = checkInPlanBoard();
    setSessionFlag(doc, 'assessmentRevealed', false);
    const { assessment } = readBoardSnapshot(doc, TAKEN);
    expect(assessment).toMatchObject({ revealed: false, raters: null });
    expect(assessment.topics.every((topic) => topic.spread === null)).toBe(true);
    expect(assessment.topics[0]!.agreed).toBe('amber');
  });

  it('writes the Word document’s Self-assessment and What changed after the actions: ratings in words, counts, the chart as a figure, each action at each stage', async () => {
    const picture = (width: number) => ({ png: blankPng(width), width: 800, height: 400 });
    const zip = await JSZip.loadAsync(await planToDocx(snapshot(), new Map(), { planProgress: picture(1), cycleHistory: picture(2) }));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(Object.keys(zip.files).filter((name) => /^word\/media\/.+\.png$/.test(name))).toHaveLength(2);
    const paragraphs = documentParagraphs(xml);
    const at = (text: string) => paragraphs.indexOf(text);
    expect(at('Self-assessment')).toBeGreaterThan(at('Figure 1: Progress of the action plan'));
    expect(at('What changed')).toBeGreaterThan(at('Self-assessment'));
    expect(at('Figure 2: The self-assessment at each stage of the cycle')).toBeGreaterThan(at('What changed'));
    // The figure's words: each stage's colours, then each topic across the stages.
    expect(paragraphs[at('Figure 2: The self-assessment at each stage of the cycle') + 1]).toMatch(
      /^The self-assessment at each stage of the cycle\. Topics agreed each colour: Workshop: 1 red, 1 amber, 0 green; 30-day check-in \(now\): 0 red, 1 amber, 0 green\./,
    );
    expect(xml).toContain('descr="The self-assessment at each stage of the cycle.');
    // The self-assessment's table: the agreed rating in words and the note; the counts while revealed.
    expect(paragraphs.slice(at('Self-assessment'), at('What changed'))).toEqual(
      expect.arrayContaining([
        'The group agreed a rating for 1 of 14 topics. 3 people rated the topics privately; Red, Amber and Green say how many rated each topic each colour.',
        'Topic', 'Agreed rating', 'Note', 'Red', 'Amber', 'Green',
        'Organisational culture and compassionate, inclusive leadership', 'Amber – started, more to do', 'Matron owns it | since March', '1', '2', '0',
        'Not agreed',
      ]),
    );
    // Each action at each stage: progress, steps done, the check-in note; a stage without it says so.
    const changed = paragraphs.slice(at('What changed'));
    expect(changed).toEqual(expect.arrayContaining(['Action', 'Workshop', '30-day check-in (now)', 'Publish rotas six weeks ahead', 'Under way1 of 2 steps done']));
    expect(changed).toContain('Done2 of 2 steps doneCheck-in note: Rotas out six weeks ahead on two wards');
    expect(changed).toContain('Not in the plan then');
    expect(changed).toContain('Not startedNo steps');
    // Line breaks in a cell are Word's own breaks.
    expect(xml).toMatch(/<w:t[^>]*>Done<\/w:t><\/w:r><w:r><w:br\/><w:t[^>]*>2 of 2 steps done<\/w:t>/);
  });

  it('says the cycle in words when the Word document has no picture of it, and leaves both sections out of a board with nothing for them', async () => {
    const xml = await (await JSZip.loadAsync(await planToDocx(snapshot()))).file('word/document.xml')!.async('string');
    const paragraphs = documentParagraphs(xml);
    expect(paragraphs[paragraphs.indexOf('What changed') + 1]).toMatch(/^The self-assessment at each stage of the cycle\. Topics agreed each colour/);
    expect(xml).not.toContain('Figure');
    // The sample workshop: the default topics, none agreed, nothing revealed, no earlier stage.
    const sample = documentParagraphs(await (await JSZip.loadAsync(await planToDocx(sampleSnapshot()))).file('word/document.xml')!.async('string'));
    expect(sample).not.toContain('Self-assessment');
    expect(sample).not.toContain('What changed');
    // A workshop whose group agreed one rating has both: the self-assessment and the one stage of the cycle.
    const workshop = new Y.Doc();
    initBoard(workshop, { title: 'Ward 7', createdAt: WORKSHOP, template: 'blank' });
    setAgreedRating(workshop, defaultTopicId(2), { rating: 'green', note: 'We know our leavers' });
    const agreed = documentParagraphs(await (await JSZip.loadAsync(await planToDocx(readBoardSnapshot(workshop, TAKEN)))).file('word/document.xml')!.async('string'));
    expect(agreed).toContain('Self-assessment');
    expect(agreed).toContain('Green – working well');
    expect(agreed).toContain('What changed');
    expect(agreed).not.toContain('Red');
  });

  it('writes the workbook’s Self-assessment, What changed and Action progress sheets', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await planToXlsx(snapshot())) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Actions', 'Themes', 'Self-assessment', 'What changed', 'Action progress']);
    for (const sheet of workbook.worksheets) expect(sheet.name.length).toBeLessThanOrEqual(31);
    const values = (name: string, row: number) => (workbook.getWorksheet(name)!.getRow(row).values as unknown[]).slice(1);
    const assessment = workbook.getWorksheet('Self-assessment')!;
    expect(assessment.rowCount).toBe(15);
    expect(values('Self-assessment', 2)).toEqual(['Organisational culture and compassionate, inclusive leadership', 'Amber – started, more to do', 'Matron owns it | since March', 1, 2, 0]);
    // Not agreed, and nobody's colour.
    expect(values('Self-assessment', 11)).toEqual(['Flexible working', 'Not agreed', '', 0, 0, 0]);
    expect(values('What changed', 1)).toEqual(['Topic', 'Workshop', '30-day check-in (now)']);
    expect(values('What changed', 2)).toEqual(['Organisational culture and compassionate, inclusive leadership', 'Red', 'Amber']);
    expect(values('What changed', 11)).toEqual(['Flexible working', 'Amber', 'Not agreed']);
    expect(values('Action progress', 1)).toEqual([
      'Action',
      'Workshop: Progress', 'Workshop: Steps done', 'Workshop: Check-in note',
      '30-day check-in (now): Progress', '30-day check-in (now): Steps done', '30-day check-in (now): Check-in note',
    ]);
    expect(values('Action progress', 2)).toEqual(['Publish rotas six weeks ahead', 'Under way', '1 of 2 steps done', '', 'Done', '2 of 2 steps done', 'Rotas out six weeks ahead on two wards']);
    expect(values('Action progress', 3)).toEqual(['Hold stay interviews', 'Not in the plan then', undefined, undefined, 'Not started', 'No steps', '']);
    // The Actions sheet stays the template's columns, without the check-in note: it imports back as a plan.
    expect(values('Actions', 1)).toEqual(['Topic and objective', 'Action', 'Owner', 'Timescales', 'Steps to take', 'Success criteria', 'Progress']);
  });

  it('writes the Markdown’s Self-assessment and What changed, escaping what people typed', async () => {
    const md = (await exportPlan(snapshot(), 'md', { boardId: BOARD_ID })) as string;
    expect(md).toContain('## Self-assessment\n\n3 people rated the topics privately;');
    expect(md).toContain('| Topic | Agreed rating | Note | Red | Amber | Green |');
    expect(md).toContain('| Organisational culture and compassionate, inclusive leadership | Amber – started, more to do | Matron owns it \\| since March | 1 | 2 | 0 |');
    // While revealed, a topic nobody gave a colour counts 0 of each.
    expect(md).toContain('| Flexible working | Not agreed |  | 0 | 0 | 0 |');
    expect(md).toContain('## What changed\n\n### The self-assessment at each stage\n\n| Topic | Workshop | 30-day check-in (now) |');
    expect(md).toContain('| Flexible working | Amber | Not agreed |');
    expect(md).toContain('### The actions at each stage\n\n| Action | Workshop | 30-day check-in (now) |');
    expect(md).toContain('| Publish rotas six weeks ahead | Under way<br>1 of 2 steps done | Done<br>2 of 2 steps done<br>Check-in note: Rotas out six weeks ahead on two wards |');
    expect(md).toContain('| Hold stay interviews | Not in the plan then | Not started<br>No steps |');
    expect(md.indexOf('## Self-assessment')).toBeGreaterThan(md.indexOf('## Actions'));
  });

  it('writes JSON version 3 with the self-assessment, the cycle and each action’s check-in note, which imports back as a plan', async () => {
    const json = (await exportPlan(snapshot(), 'json', { boardId: BOARD_ID })) as string;
    const plan = planJsonSchema.parse(JSON.parse(json));
    expect(plan.version).toBe(3);
    expect(plan.actions.map((action) => action.review)).toEqual(['Rotas out six weeks ahead on two wards', '']);
    expect(plan.assessment).toMatchObject({ revealed: true, raters: 3 });
    expect(plan.assessment.topics[0]).toEqual({ title: 'Organisational culture and compassionate, inclusive leadership', agreed: 'amber', note: 'Matron owns it | since March', spread: { red: 1, amber: 2, green: 0 } });
    expect(plan.cycle).toMatchObject({ stage: 30, stages: [0, 30] });
    expect(plan.cycle.ratings[0]).toEqual({ topic: 'Organisational culture and compassionate, inclusive leadership', byStage: ['red', 'amber'] });
    expect(plan.cycle.actions[1]).toEqual({ action: 'Hold stay interviews', byStage: [null, { status: 'not-started', stepsDone: 0, stepsTotal: 0, note: '' }] });
    const imported = await readPlanFile(new TextEncoder().encode(json), openWorkbookArchive);
    expect(imported.actions.map((action) => [action.action, action.status])).toEqual([['Publish rotas six weeks ahead', 'done'], ['Hold stay interviews', 'not-started']]);
    // The CSV stays the action table alone.
    const csv = (await exportPlan(snapshot(), 'csv', { boardId: BOARD_ID })) as string;
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(csv).not.toMatch(/Check-in note|Rotas out six weeks|Organisational culture/);
  });

  it('never exports a name, a line of evidence or anyone’s own rating from the self-assessment: counts only', async () => {
    for (const anonymous of [true, false]) {
      const board = readBoardSnapshot(checkInPlanBoard({ anonymous }), TAKEN);
      expect(JSON.stringify(board)).not.toMatch(new RegExp(`${EVIDENCE}|${EVIDENCE_AUTHOR}`));
      for (const format of PLAN_FORMATS) {
        const written = await exportPlan(board, format, { boardId: BOARD_ID, chartPictures: { cycleHistory: { png: ONE_PIXEL_PNG, width: 800, height: 400 } } });
        let text = typeof written === 'string' ? written : '';
        if (typeof written !== 'string') {
          const zip = await JSZip.loadAsync(written);
          for (const file of Object.values(zip.files)) if (/\.xml$/.test(file.name)) text += await file.async('string');
        }
        expect(text, `${format}, anonymous: ${anonymous}`).not.toContain(EVIDENCE);
        expect(text, `${format}, anonymous: ${anonymous}`).not.toContain('Priya');
      }
      // The JSON's topics hold the group's rating and the counts, nothing per person.
      const plan = planJsonSchema.parse(JSON.parse((await exportPlan(board, 'json', { boardId: BOARD_ID })) as string));
      for (const topic of plan.assessment.topics) {
        expect(Object.keys(topic).sort()).toEqual(['agreed', 'note', 'spread', 'title']);
        if (topic.spread) expect(Object.keys(topic.spread).sort()).toEqual(['amber', 'green', 'red']);
      }
    }
  });
});
