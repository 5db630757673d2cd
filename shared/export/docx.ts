import {
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  PageOrientation,
  Paragraph,
  Tab,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { BoardSnapshot, SnapshotDriver } from './snapshot';
import { PLAN_TABLE_COLUMNS, PLAN_TABLE_HEADINGS, planTableRow } from './planTable';
import { LEVEL_NAMES } from './diagram';

/** A driver diagram's picture, drawn by the caller (the server rasterises the snapshot's SVG). */
export interface DiagramPicture {
  png: Uint8Array;
  width: number;
  height: number;
}

/** The widest a picture may be on a landscape A4 page with normal margins, in pixels at 96 dpi. */
const PAGE_WIDTH_PX = 900;

/** Every line end a participant's text may hold. */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

/**
 * A participant's text as Word runs: each line break a real break and each
 * tab a real tab, since Word and LibreOffice show raw line-break and tab
 * characters inside a run as nothing, running the lines together.
 */
function textRuns(text: string, style: { bold?: boolean } = {}): TextRun[] {
  return text.split(LINE_BREAK).map(
    (line, index) =>
      new TextRun({ ...style, break: index > 0 ? 1 : 0, children: line.split('\t').flatMap((part, tab) => (tab > 0 ? [new Tab(), part] : [part])) }),
  );
}

/** A heading holding a participant's text, kept to one line. */
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ text: text.split(LINE_BREAK).join(' ').replaceAll('\t', ' '), heading: level });
const bullet = (text: string, level = 0) => new Paragraph({ children: textRuns(text), bullet: { level } });
/** Text that keeps its line breaks and tabs in Word. */
const multiline = (text: string, bold = false) => new Paragraph({ children: textRuns(text, { bold }) });

/** The deepest bullet level Word lists have. */
const MAX_BULLET_LEVEL = 8;

function actionTable(snapshot: BoardSnapshot): Table {
  const cell = (text: string, bold = false) => new TableCell({ children: [multiline(text, bold)] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: PLAN_TABLE_COLUMNS.map((column) => cell(PLAN_TABLE_HEADINGS[column], true)) }),
      ...snapshot.actions.map((action) => new TableRow({ children: planTableRow(action, 'words').map((text) => cell(text)) })),
    ],
  });
}

/** The drivers as bullets, depth first, without recursion however deep a (hostile) chain of drivers goes. */
function driverList(drivers: readonly SnapshotDriver[]): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const stack = drivers.map((driver) => ({ driver, depth: 0 })).reverse();
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { driver, depth } = next;
    paragraphs.push(bullet(`${LEVEL_NAMES[driver.level]}: ${driver.text || '(empty)'}${driver.measure ? ` (measure: ${driver.measure})` : ''}`, Math.min(depth, MAX_BULLET_LEVEL)));
    for (let i = driver.children.length - 1; i >= 0; i--) stack.push({ driver: driver.children[i]!, depth: depth + 1 });
  }
  return paragraphs;
}

/**
 * The plan as a Word document (A4 landscape): title, date and who took
 * part, each perspective's notes, the themes with what the perspectives share
 * and where they differ, the action table in the template's column order,
 * and each driver diagram as a picture (where one is given) and a list.
 */
export async function planToDocx(snapshot: BoardSnapshot, pictures: ReadonlyMap<string, DiagramPicture> = new Map()): Promise<Uint8Array> {
  const date = new Date(snapshot.createdAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const children: (Paragraph | Table)[] = [
    heading(snapshot.title || 'Retention action plan', HeadingLevel.TITLE),
    new Paragraph({ text: `Workshop of ${date}. ${snapshot.participantCount} ${snapshot.participantCount === 1 ? 'person' : 'people'} took part.` }),
    new Paragraph({ text: snapshot.actionsAgreed ? 'The actions below were agreed at the workshop.' : 'The actions below are drafts: they were not marked agreed.' }),
    heading('Actions', HeadingLevel.HEADING_1),
    actionTable(snapshot),
  ];
  if (snapshot.themes.length > 0) {
    children.push(heading('Themes', HeadingLevel.HEADING_1));
    const similar = snapshot.themes.filter((t) => t.kind === 'similarity');
    const different = snapshot.themes.filter((t) => t.kind === 'difference');
    const votes = (v: number | null) => (v === null ? '' : ` – ${v} ${v === 1 ? 'dot' : 'dots'}`);
    if (similar.length > 0) {
      children.push(heading('Similarities: shared by several perspectives', HeadingLevel.HEADING_2));
      for (const t of similar) children.push(bullet(`${t.title}: raised by ${t.perspectives.join(', ')}${votes(t.votes)}`));
    }
    if (different.length > 0) {
      children.push(heading('Differences: seen by one perspective only', HeadingLevel.HEADING_2));
      for (const t of different) children.push(bullet(`${t.title}: only ${t.perspectives.join(', ')}${votes(t.votes)}`));
    }
  }
  if (snapshot.perspectives.some((p) => p.notes.length > 0)) {
    children.push(heading('The perspectives', HeadingLevel.HEADING_1));
    for (const lane of snapshot.perspectives) {
      children.push(heading(lane.name, HeadingLevel.HEADING_2));
      if (lane.notes.length === 0) children.push(new Paragraph({ text: 'No notes.' }));
      for (const note of lane.notes) children.push(bullet(note.authorName ? `${note.text} (${note.authorName})` : note.text));
    }
  }
  for (const diagram of snapshot.diagrams) {
    children.push(heading(`Driver diagram: ${diagram.title}`, HeadingLevel.HEADING_1));
    children.push(multiline(`Aim: ${diagram.aim || 'not set'}${diagram.aimTargetDate ? `, by ${diagram.aimTargetDate}` : ''}`));
    if (diagram.aimMeasure) children.push(multiline(`Measure${diagram.aimMeasureKind ? ` (${diagram.aimMeasureKind})` : ''}: ${diagram.aimMeasure}`));
    const picture = pictures.get(diagram.id);
    if (picture) {
      const scale = Math.min(1, PAGE_WIDTH_PX / picture.width);
      children.push(
        new Paragraph({
          children: [
            new ImageRun({
              type: 'png',
              data: picture.png,
              transformation: { width: Math.round(picture.width * scale), height: Math.round(picture.height * scale) },
              altText: { name: diagram.title, title: diagram.title, description: `Driver diagram: ${diagram.title}. The same diagram follows as a list.` },
            }),
          ],
        }),
      );
    }
    children.push(...driverList(diagram.drivers));
  }
  children.push(new Paragraph({ children: [new TextRun({ text: 'Based on the NHS Employers retention guide.', italics: true })] }));
  const document = new Document({
    creator: 'Retain',
    title: snapshot.title,
    sections: [{ properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } }, children }],
  });
  return new Uint8Array(await Packer.toArrayBuffer(document));
}
