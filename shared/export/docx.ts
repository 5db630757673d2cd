import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Tab,
  Table,
  TableCell,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
} from 'docx';
import { type BoardSnapshot, hasAssessment, hasCycleHistory, type SnapshotDriver } from './snapshot';
import { actionAtStageCell, agreedRatingCell, PLAN_TABLE_COLUMNS, PLAN_TABLE_HEADINGS, planTableRow, ratersSentence, stageColumnHeading } from './planTable';
import { LEVEL_NAMES } from './diagram';
import { type PlanChart, type PlanChartName, planCharts } from '../charts/planCharts';

/**
 * A picture for the document, drawn by the caller: the server rasterises
 * the snapshot's SVGs with resvg (server/http/diagramPictures.ts), so this
 * file, shared with the client, never loads a renderer. Width and height are
 * the size to show it at, in pixels at 96 dpi.
 */
export interface DocumentPicture {
  png: Uint8Array;
  width: number;
  height: number;
}

/** A driver diagram's picture. */
export type DiagramPicture = DocumentPicture;

/** The charts' pictures, by chart (shared/charts/planCharts.ts says which charts a board has). */
export type ChartPictures = Partial<Record<PlanChartName, DocumentPicture>>;

/**
 * The most room a picture may take on an A4 landscape page with Word's
 * normal margins (24.7 × 15.9 cm, 933 × 601 pixels at 96 dpi), leaving
 * a line for the caption below it.
 */
const PICTURE_MAX_WIDTH_PX = 900;
const PICTURE_MAX_HEIGHT_PX = 540;

/**
 * The NHS look (docs/plan-export.md, "The Word document"): Arial, text in
 * NHS black, headings in NHS blue, the table's header row NHS blue with
 * white bold text (6.4:1 contrast, above the 4.5:1 WCAG AA asks). Colours as
 * Word writes them, without "#"; the rules are NHS grey 3.
 */
const FONT = 'Arial';
const NHS_BLUE = '005EB8';
const NHS_TEXT = '212B32';
const NHS_GREY = '4C6272';
const TABLE_BORDER = 'AEB7BD';
const WHITE = 'FFFFFF';

/** A4 landscape in twentieths of a point: 297 × 210 mm, with Word's normal margins of 2.54 cm. */
const A4_LONG_SIDE = 16838;
const A4_SHORT_SIDE = 11906;
const PAGE_MARGIN = 1440;
/** The right edge of the text on the page, where the header's right-hand tab stops. */
const TEXT_WIDTH = A4_LONG_SIDE - 2 * PAGE_MARGIN;

/** Every line end a participant's text may hold. */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

/**
 * A participant's text as Word runs: each line break a real break and each
 * tab a real tab, since Word and LibreOffice show raw line-break and tab
 * characters inside a run as nothing, running the lines together.
 */
function textRuns(text: string, style: { bold?: boolean; color?: string } = {}): TextRun[] {
  return text.split(LINE_BREAK).map(
    (line, index) =>
      new TextRun({ ...style, break: index > 0 ? 1 : 0, children: line.split('\t').flatMap((part, tab) => (tab > 0 ? [new Tab(), part] : [part])) }),
  );
}

/** A participant's text kept to one line: breaks and tabs as spaces. */
const oneLine = (text: string) => text.split(LINE_BREAK).join(' ').replaceAll('\t', ' ');
/** A heading holding a participant's text, kept to one line. */
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ text: oneLine(text), heading: level });
const bullet = (text: string, level = 0) => new Paragraph({ children: textRuns(text), bullet: { level } });
/** Text that keeps its line breaks and tabs in Word. */
const multiline = (text: string, style: { bold?: boolean; color?: string } = {}) => new Paragraph({ children: textRuns(text, style) });

/** The deepest bullet level Word lists have. */
const MAX_BULLET_LEVEL = 8;

/** A thin grey rule for the table's lines: it prints, and does not shout over the text. */
const TABLE_RULE = { style: BorderStyle.SINGLE, size: 4, color: TABLE_BORDER };

/**
 * A table in the NHS look: its header row shaded NHS blue with white bold
 * text and repeated on every page, thin grey rules, each cell's text with
 * its line breaks and tabs.
 */
function documentTable(headings: readonly string[], rows: readonly (readonly string[])[]): Table {
  const headerCell = (text: string) =>
    new TableCell({ shading: { type: ShadingType.CLEAR, color: 'auto', fill: NHS_BLUE }, children: [multiline(text, { bold: true, color: WHITE })] });
  const cell = (text: string) => new TableCell({ children: [multiline(text)] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: TABLE_RULE, bottom: TABLE_RULE, left: TABLE_RULE, right: TABLE_RULE, insideHorizontal: TABLE_RULE, insideVertical: TABLE_RULE },
    rows: [
      new TableRow({ tableHeader: true, children: headings.map((text) => headerCell(text)) }),
      ...rows.map((row) => new TableRow({ children: row.map((text) => cell(text)) })),
    ],
  });
}

/** The action table: the template's columns, then Progress. */
function actionTable(snapshot: BoardSnapshot): Table {
  return documentTable(
    PLAN_TABLE_COLUMNS.map((column) => PLAN_TABLE_HEADINGS[column]),
    snapshot.actions.map((action) => planTableRow(action, 'words')),
  );
}

/**
 * The self-assessment (docs/exercise.md, "Self-assessment"): each topic with
 * the rating the group agreed, in words, and its note; while the ratings are
 * revealed, how many people rated it each colour. Counts only: never who
 * rated what.
 */
function assessmentSection(snapshot: BoardSnapshot): (Paragraph | Table)[] {
  const { topics, revealed, raters } = snapshot.assessment;
  const headings = ['Topic', 'Agreed rating', 'Note', ...(revealed ? ['Red', 'Amber', 'Green'] : [])];
  const rows = topics.map((topic) => [
    topic.title,
    agreedRatingCell(topic.agreed),
    topic.note,
    ...(revealed ? [topic.spread?.red ?? 0, topic.spread?.amber ?? 0, topic.spread?.green ?? 0].map(String) : []),
  ]);
  const agreed = topics.filter((topic) => topic.agreed !== null).length;
  const summary = `The group agreed a rating for ${agreed} of ${topics.length} ${topics.length === 1 ? 'topic' : 'topics'}.`;
  const spread = revealed && raters !== null ? ` ${ratersSentence(raters)}` : '';
  return [heading('Self-assessment', HeadingLevel.HEADING_1), new Paragraph({ text: summary + spread }), documentTable(headings, rows)];
}

/**
 * "What changed" across the retention cycle: the self-assessment at each
 * stage as a figure (or, without its picture, the same in words), then each
 * action's progress, steps done and check-in note at each stage.
 */
function whatChangedSection(snapshot: BoardSnapshot, chart: PlanChart | undefined, pictures: ChartPictures, figures: { count: number }): (Paragraph | Table)[] {
  const { stages, actions } = snapshot.cycle;
  const section: (Paragraph | Table)[] = [heading('What changed', HeadingLevel.HEADING_1)];
  const figure = chartFigure(chart, pictures, figures);
  if (figure.length > 0) section.push(...figure);
  else if (chart) section.push(new Paragraph({ text: chart.description }));
  if (actions.length > 0) {
    section.push(
      heading('The actions at each stage', HeadingLevel.HEADING_2),
      documentTable(
        [PLAN_TABLE_HEADINGS.action, ...stages.map((stage, index) => stageColumnHeading(stage, index, stages.length))],
        actions.map((action) => [action.label, ...action.byStage.map(actionAtStageCell)]),
      ),
    );
  }
  return section;
}

/** A picture scaled down (never up) to fit the page, with its description for screen readers. */
function pictureParagraph(picture: DocumentPicture, altText: { name: string; description: string }): Paragraph {
  const scale = Math.min(1, PICTURE_MAX_WIDTH_PX / picture.width, PICTURE_MAX_HEIGHT_PX / picture.height);
  return new Paragraph({
    // The picture stays on the page of its caption.
    keepNext: true,
    children: [
      new ImageRun({
        type: 'png',
        data: picture.png,
        transformation: { width: Math.round(picture.width * scale), height: Math.round(picture.height * scale) },
        altText: { name: altText.name, title: altText.name, description: altText.description },
      }),
    ],
  });
}

/**
 * A chart as a figure: the picture, its numbered caption, and what it shows
 * in words (the same text as its alternative text, for readers who print
 * the paper or cannot see the picture). Nothing when the caller drew no
 * picture for it.
 */
function chartFigure(chart: PlanChart | undefined, pictures: ChartPictures, figures: { count: number }): Paragraph[] {
  const picture = chart ? pictures[chart.name] : undefined;
  if (!chart || !picture) return [];
  figures.count += 1;
  return [
    pictureParagraph(picture, { name: chart.caption, description: chart.description }),
    new Paragraph({ style: 'Caption', keepNext: true, text: `Figure ${figures.count}: ${chart.caption}` }),
    new Paragraph({ text: chart.description }),
  ];
}

/** The date a snapshot was taken, as the running header says it. */
const longDate = (time: number) => new Date(time).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The longest the board's title gets in the running header, so the header stays one line. */
const HEADER_TITLE_CHARS = 120;

/** Every page's header: the board's title on the left, the day the plan was exported on the right. */
function runningHeader(snapshot: BoardSnapshot): Header {
  const characters = Array.from((snapshot.title || 'Retention action plan').replace(/\s+/g, ' ').trim());
  const title = characters.length > HEADER_TITLE_CHARS ? `${characters.slice(0, HEADER_TITLE_CHARS - 1).join('')}…` : characters.join('');
  return new Header({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
        children: [new TextRun({ text: title, bold: true, color: NHS_BLUE, size: 18 }), new TextRun({ children: [new Tab(), `Exported ${longDate(snapshot.takenAt)}`], color: NHS_GREY, size: 18 })],
      }),
    ],
  });
}

/** Every page's footer: "Page N of M", as Word fields, so Word and LibreOffice count the pages as they lay them out. */
function pageNumberFooter(): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES], color: NHS_GREY, size: 18 })],
      }),
    ],
  });
}

/** Arial everywhere, NHS blue headings: the document's own default styles, so every paragraph and table follows them. */
const heading1Run = { font: FONT, color: NHS_BLUE, bold: true };
const DOCUMENT_STYLES = {
  default: {
    document: { run: { font: FONT, size: 22, color: NHS_TEXT } },
    title: { run: { ...heading1Run, size: 48 }, paragraph: { spacing: { after: 120 } } },
    heading1: { run: { ...heading1Run, size: 32 }, paragraph: { keepNext: true, spacing: { before: 360, after: 120 } } },
    heading2: { run: { ...heading1Run, size: 26 }, paragraph: { keepNext: true, spacing: { before: 240, after: 80 } } },
    heading3: { run: { ...heading1Run, size: 24 }, paragraph: { keepNext: true, spacing: { before: 200, after: 60 } } },
    caption: { run: { font: FONT, color: NHS_TEXT, bold: true, size: 20 }, paragraph: { spacing: { before: 60, after: 120 } } },
  },
};

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
 * The plan as a Word document (A4 landscape) in the NHS look: title, date
 * and who took part; the action table in the template's column order and the
 * plan's progress; the self-assessment the group agreed and what changed
 * across the retention cycle, when the board has them; the themes (the
 * comparison across the perspectives and the vote results as charts, then
 * what is shared and what differs); each
 * perspective's notes; each driver diagram as a picture and a list. Pictures
 * are the caller's (`diagramPictures` by diagram id, `chartPictures` by chart
 * name); a chart without one is left out, its content still in the lists.
 */
export async function planToDocx(
  snapshot: BoardSnapshot,
  diagramPictures: ReadonlyMap<string, DiagramPicture> = new Map(),
  chartPictures: ChartPictures = {},
): Promise<Uint8Array> {
  const charts = new Map(planCharts(snapshot).map((chart) => [chart.name, chart]));
  const figures = { count: 0 };
  const children: (Paragraph | Table)[] = [
    heading(snapshot.title || 'Retention action plan', HeadingLevel.TITLE),
    new Paragraph({ text: `Workshop of ${longDate(snapshot.createdAt)}. ${snapshot.participantCount} ${snapshot.participantCount === 1 ? 'person' : 'people'} took part.` }),
    new Paragraph({ text: snapshot.actionsAgreed ? 'The actions below were agreed at the workshop.' : 'The actions below are drafts: they were not marked agreed.' }),
    heading('Actions', HeadingLevel.HEADING_1),
    actionTable(snapshot),
  ];
  const progress = chartFigure(charts.get('planProgress'), chartPictures, figures);
  if (progress.length > 0) children.push(heading('Progress', HeadingLevel.HEADING_2), ...progress);
  if (hasAssessment(snapshot)) children.push(...assessmentSection(snapshot));
  if (hasCycleHistory(snapshot)) children.push(...whatChangedSection(snapshot, charts.get('cycleHistory'), chartPictures, figures));
  if (snapshot.themes.length > 0) {
    children.push(heading('Themes', HeadingLevel.HEADING_1));
    children.push(...chartFigure(charts.get('themeComparison'), chartPictures, figures));
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
    const voteResults = chartFigure(charts.get('voteResults'), chartPictures, figures);
    if (voteResults.length > 0) children.push(heading('Vote results', HeadingLevel.HEADING_2), ...voteResults);
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
    const picture = diagramPictures.get(diagram.id);
    if (picture) children.push(pictureParagraph(picture, { name: diagram.title, description: `Driver diagram: ${diagram.title}. The same diagram follows as a list.` }));
    children.push(...driverList(diagram.drivers));
  }
  children.push(new Paragraph({ children: [new TextRun({ text: 'Based on the NHS Employers retention guide.', italics: true })] }));
  const document = new Document({
    creator: 'Retain',
    title: snapshot.title,
    styles: DOCUMENT_STYLES,
    sections: [
      {
        properties: {
          page: {
            // Given portrait, as Word stores A4; the orientation turns it, so Word writes the long side as the width.
            size: { width: A4_SHORT_SIDE, height: A4_LONG_SIDE, orientation: PageOrientation.LANDSCAPE },
            margin: { top: PAGE_MARGIN, right: PAGE_MARGIN, bottom: PAGE_MARGIN, left: PAGE_MARGIN },
          },
        },
        headers: { default: runningHeader(snapshot) },
        footers: { default: pageNumberFooter() },
        children,
      },
    ],
  });
  return new Uint8Array(await Packer.toArrayBuffer(document));
}
