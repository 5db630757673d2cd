import { describe, expect, it } from 'vitest';
import { SaxesParser } from 'saxes';
import * as Y from 'yjs';
import {
  type ActionProgress,
  cycleHistoryFromSnapshot,
  describePlanProgress,
  describeThemeComparison,
  describeVoteResults,
  planCharts,
  planProgressChart,
  svgDataUrl,
  themeComparisonChart,
  themeComparisonFromBoard,
  themeComparisonFromSnapshot,
  voteResultsChart,
  voteResultsFromSnapshot,
} from '../../shared/charts/index';
import { wrapLines } from '../../shared/charts/svg';
import { initBoard } from '../../shared/document/board';
import { defaultTopicId, setAgreedRating } from '../../shared/document/assessment';
import { startCheckIn } from '../../shared/document/cycle';
import { readNotes } from '../../shared/document/notes';
import { readPerspectives } from '../../shared/document/perspectives';
import { readThemes } from '../../shared/document/themes';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { compareThemes } from '../../shared/rules/comparison';
import { chartBoardDoc } from '../helpers/chartBoard';
import { samplePlanDoc, TAKEN, WORKSHOP } from '../helpers/planSample';

/** An element of a parsed SVG. */
interface SvgElement {
  name: string;
  attributes: Record<string, string>;
  children: SvgElement[];
  /** The element's own text and its descendants', as a reader gets it (entities decoded). */
  text: string;
}

/** Parses an SVG as strict XML (saxes throws on anything malformed) into a tree. */
function parseSvg(svg: string): SvgElement {
  const parser = new SaxesParser();
  const root: SvgElement = { name: '#document', attributes: {}, children: [], text: '' };
  const open: SvgElement[] = [root];
  parser.on('opentag', (tag) => {
    const element: SvgElement = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
    open[open.length - 1]!.children.push(element);
    open.push(element);
  });
  parser.on('text', (text) => {
    for (const element of open) element.text += text;
  });
  parser.on('closetag', () => void open.pop());
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(svg).close();
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

/** Every element of the tree, depth first. */
function allElements(element: SvgElement): SvgElement[] {
  return [element, ...element.children.flatMap(allElements)];
}

const elements = (svg: string, name: string, className?: string) =>
  allElements(parseSvg(svg)).filter((element) => element.name === name && (className === undefined || element.attributes.class === className));

/** What a `<text>` says, its lines (`<tspan>`s) joined by spaces, as a sighted reader reads it. */
const textOf = (element: SvgElement) => (element.children.length > 0 ? element.children.map((line) => line.text).join(' ') : element.text);

/** The text of every `<text>` in drawing order. */
const texts = (svg: string) => elements(svg, 'text').map(textOf);

const number = (element: SvgElement, attribute: string) => Number(element.attributes[attribute]);

/**
 * What every chart must be: one standalone SVG with its size, viewBox and
 * Arial, and only shapes and text (no script, no style, no link, no event
 * handler, no external reference).
 */
function expectSafeStandaloneSvg(svg: string): SvgElement {
  const root = parseSvg(svg);
  expect(root.name).toBe('svg');
  expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  const width = Number(root.attributes.width);
  const height = Number(root.attributes.height);
  expect(width).toBeGreaterThan(0);
  expect(height).toBeGreaterThan(0);
  expect(root.attributes.viewBox).toBe(`0 0 ${width} ${height}`);
  expect(root.attributes['font-family']).toMatch(/^Arial,/);
  for (const element of allElements(root)) {
    expect(['svg', 'title', 'desc', 'rect', 'text', 'tspan', 'line']).toContain(element.name);
    for (const [name, value] of Object.entries(element.attributes)) {
      expect(name).not.toMatch(/^on|href$/i);
      expect(value).not.toMatch(/url\(|javascript:/i);
      // Every number drawn is a real number: no NaN or Infinity from a hostile count.
      if (/^(x|y|x1|x2|y1|y2|width|height|rx)$/.test(name)) expect(Number.isFinite(Number(value)), `${element.name} ${name}="${value}"`).toBe(true);
    }
  }
  return root;
}

/** Labels a participant could type to break a chart: markup, entities, quotes, control characters, a lone surrogate, and a very long one. */
const HOSTILE_LABELS = [
  '<script>alert(1)</script>',
  'Tom & Jerry &amp; &lt;b&gt;',
  `"Quoted" and 'apostrophes' ]]> <![CDATA[ x`,
  'Bell\u0007 null\u0000 escape\u001b form\u000c feed',
  'Half a pair \uD800 here',
  'Line one\nLine two\tand a tab',
  'x'.repeat(5000),
];

describe('the vote results chart', () => {
  const rows = [
    { label: 'Flexible working', dots: 12 },
    { label: 'Career conversations', dots: 6 },
    { label: 'Pay', dots: 3 },
    { label: 'Parking', dots: 0 },
  ];

  it('draws a bar a row, in the order given, each as long as its share of the most dots', () => {
    const svg = voteResultsChart(rows);
    expectSafeStandaloneSvg(svg);
    const bars = elements(svg, 'rect', 'bar');
    expect(bars.map((bar) => number(bar, 'data-value'))).toEqual([12, 6, 3, 0]);
    const longest = number(bars[0]!, 'width');
    expect(longest).toBeGreaterThan(300);
    for (const [index, row] of rows.entries()) expect(number(bars[index]!, 'width')).toBeCloseTo((row.dots / 12) * longest, 0);
    // Every bar starts on the same axis and sits lower than the one before.
    expect(new Set(bars.map((bar) => bar.attributes.x)).size).toBe(1);
    expect(bars.map((bar) => number(bar, 'y'))).toEqual([...bars.map((bar) => number(bar, 'y'))].sort((a, b) => a - b));
    expect(texts(svg)).toEqual(['Flexible working', '12 dots', 'Career conversations', '6 dots', 'Pay', '3 dots', 'Parking', '0 dots']);
    // The NHS blue.
    expect(bars[0]!.attributes.fill).toBe('#005eb8');
  });

  it('is 800 pixels wide by default and grows in height with the rows', () => {
    const two = parseSvg(voteResultsChart(rows.slice(0, 2)));
    const four = parseSvg(voteResultsChart(rows));
    expect(two.attributes.width).toBe('800');
    expect(Number(four.attributes.height) - Number(two.attributes.height)).toBe(80);
    expect(parseSvg(voteResultsChart(rows, { width: 600 })).attributes.width).toBe('600');
  });

  it('says every item and its dots in words', () => {
    expect(describeVoteResults(rows)).toBe(
      'Vote results, most dots first: 21 dots on 4 themes. Flexible working, 12 dots; Career conversations, 6 dots; Pay, 3 dots; Parking, 0 dots.',
    );
    expect(describeVoteResults([{ label: 'Rota apps', dots: 1 }], { itemName: 'note' })).toBe('Vote results, most dots first: 1 dot on 1 note. Rota apps, 1 dot.');
    // The SVG carries the same words for whatever shows it on its own.
    expect(elements(voteResultsChart(rows), 'desc')[0]!.text).toBe(describeVoteResults(rows));
  });

  it('escapes and cuts hostile labels, and still parses', () => {
    const svg = voteResultsChart(HOSTILE_LABELS.map((label, index) => ({ label, dots: index + 1 })));
    expectSafeStandaloneSvg(svg);
    expect(svg).not.toMatch(/<script|<!\[CDATA/);
    const labels = texts(svg).filter((_, index) => index % 2 === 0);
    expect(labels[0]).toBe('<script>alert(1)</script>');
    expect(labels[1]).toBe('Tom & Jerry &amp; &lt;b&gt;');
    expect(labels[2]).toBe(`"Quoted" and 'apostrophes' ]]> <![CDATA[ x`);
    expect(labels[3]).toBe('Bell null escape form feed');
    expect(labels[4]).toBe('Half a pair here');
    expect(labels[5]).toBe('Line one Line two and a tab');
    // The 5,000-character label is cut to its room, with an ellipsis, and the whole chart stays small.
    expect(labels[6]!.length).toBeLessThan(60);
    expect(labels[6]!.endsWith('…')).toBe(true);
    expect(svg.length).toBeLessThan(15_000);
    // Descriptions cut a label at 200 characters.
    const description = describeVoteResults([{ label: 'x'.repeat(5000), dots: 1 }]);
    expect(description.length).toBeLessThan(300);
    expect(description).toContain(`${'x'.repeat(199)}…, 1 dot`);
  });

  it('wraps a long label onto two lines, cutting the second', () => {
    const lines = wrapLines('Career conversations for every nurse in band 5 and band 6 across the whole trust, every year', 200, 14, 2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('Career conversations for');
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(wrapLines('Short', 200, 14, 2)).toEqual(['Short']);
    expect(wrapLines('   ', 200, 14, 2)).toEqual([]);
  });

  it('draws no rows as a valid chart that says so', () => {
    const svg = voteResultsChart([]);
    expectSafeStandaloneSvg(svg);
    expect(elements(svg, 'rect', 'bar')).toEqual([]);
    expect(texts(svg)).toEqual(['No votes to show yet.']);
    expect(describeVoteResults([])).toBe('Vote results: no votes to show yet.');
  });

  it('keeps huge and nonsense counts inside the chart', () => {
    const svg = voteResultsChart([
      { label: 'Most', dots: Number.MAX_VALUE },
      { label: 'A trillion and more', dots: 1e15 },
      { label: 'Not a number', dots: Number.NaN },
      { label: 'Negative', dots: -5 },
      { label: 'Infinite', dots: Number.POSITIVE_INFINITY },
      { label: 'Many', dots: 123_456_789 },
    ]);
    const root = expectSafeStandaloneSvg(svg);
    const bars = elements(svg, 'rect', 'bar');
    expect(bars.map((bar) => bar.attributes['data-value'])).toEqual([String(Number.MAX_VALUE), '1000000000000000', '0', '0', '0', '123456789']);
    const width = Number(root.attributes.width);
    for (const bar of bars) expect(number(bar, 'x') + number(bar, 'width')).toBeLessThanOrEqual(width);
    expect(texts(svg)).toContain('1.80e+308 dots');
    expect(texts(svg)).toContain('123,456,789 dots');
    expect(describeVoteResults([{ label: 'Many', dots: 123_456_789 }])).toContain('Many, 123,456,789 dots');
  });

  it('draws at most 20 rows by default and counts the rest, which the description still names', () => {
    const many = Array.from({ length: 25 }, (_, index) => ({ label: `Theme ${index + 1}`, dots: 25 - index }));
    const svg = voteResultsChart(many);
    expect(elements(svg, 'rect', 'bar')).toHaveLength(20);
    expect(texts(svg)).toContain('and 5 more themes, listed in the text');
    expect(describeVoteResults(many)).toContain('Theme 25, 1 dot');
    expect(elements(voteResultsChart(many, { maxRows: 30 }), 'rect', 'bar')).toHaveLength(25);
  });
});

describe('the theme comparison matrix', () => {
  const data = {
    perspectives: ['The board', 'An HR professional', 'Line managers', 'Staff'],
    themes: [
      { title: 'Flexible working', notesPerPerspective: [0, 0, 1, 2] },
      { title: 'Board visibility', notesPerPerspective: [1, 0, 0, 0] },
      { title: 'Pay', notesPerPerspective: [0, 0, 0, 0] },
    ],
  };

  it('marks each cell where a theme holds notes from a perspective, with the count, in that perspective’s column', () => {
    const svg = themeComparisonChart(data);
    expectSafeStandaloneSvg(svg);
    const marks = elements(svg, 'rect', 'mark');
    expect(marks.map((mark) => [mark.attributes['data-column'], mark.attributes['data-count']])).toEqual([
      ['2', '1'],
      ['3', '2'],
      ['0', '1'],
    ]);
    // The column headings are the perspectives, and each mark is centred under its own.
    const headings = elements(svg, 'text').slice(1, 5);
    expect(headings.map(textOf)).toEqual(['The board', 'An HR professional', 'Line managers', 'Staff']);
    for (const mark of marks) {
      const heading = headings[Number(mark.attributes['data-column'])]!;
      expect(number(mark, 'x') + number(mark, 'width') / 2).toBeCloseTo(number(heading, 'x'), 0);
    }
    expect(marks[0]!.attributes.fill).toBe('#005eb8');
  });

  it('says in the last column whether each theme is shared or seen by one perspective only', () => {
    const svg = themeComparisonChart(data);
    expect(elements(svg, 'rect', 'standing').map((standing) => standing.attributes['data-kind'])).toEqual(['similarity', 'difference']);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Shared or unique', 'Shared by 2', 'Only The board', 'No notes']));
    expect(describeThemeComparison(data)).toBe(
      'Themes across 4 perspectives: The board, An HR professional, Line managers and Staff. ' +
        '1 theme shared by several perspectives, 1 seen by one only, 1 with no notes. ' +
        'Flexible working is shared by 2 perspectives: Line managers (1 note) and Staff (2 notes). ' +
        'Board visibility is seen by The board only (1 note). ' +
        'Pay has no notes yet.',
    );
  });

  it('reads the same from the comparison the screens make and from the board snapshot', () => {
    const doc = chartBoardDoc();
    const fromBoard = themeComparisonFromBoard(compareThemes(readThemes(doc), readNotes(doc), readPerspectives(doc)), readPerspectives(doc));
    expect(fromBoard).toEqual({
      perspectives: ['The board', 'An HR professional', 'Line managers', 'Staff'],
      themes: [
        { title: 'Flexible working', notesPerPerspective: [0, 0, 1, 2] },
        { title: 'Board visibility', notesPerPerspective: [1, 0, 0, 0] },
        { title: 'Pay', notesPerPerspective: [0, 0, 0, 0] },
      ],
    });
    expect(themeComparisonFromSnapshot(readBoardSnapshot(doc, TAKEN))).toEqual(fromBoard);
  });

  it('escapes hostile titles and perspective names, and grows wider for many perspectives', () => {
    const hostile = {
      perspectives: HOSTILE_LABELS,
      themes: HOSTILE_LABELS.map((title, index) => ({ title, notesPerPerspective: HOSTILE_LABELS.map((_, column) => (column === index ? 1e15 : column === 0 ? 1 : 0)) })),
    };
    const svg = themeComparisonChart(hostile);
    const root = expectSafeStandaloneSvg(svg);
    expect(svg).not.toMatch(/<script|<!\[CDATA/);
    expect(Number(root.attributes.width)).toBeGreaterThanOrEqual(2 * 16 + 220 + 170 + HOSTILE_LABELS.length * 72);
    expect(texts(svg)).toContain('<script>alert(1)</script>');
    for (const text of texts(svg)) expect(text.length).toBeLessThan(80);
    expect(describeThemeComparison(hostile).length).toBeLessThan(HOSTILE_LABELS.length * 2 * 250);
  });

  it('draws no themes, and no perspectives, as a valid chart that says so', () => {
    for (const empty of [{ perspectives: data.perspectives, themes: [] }, { perspectives: [], themes: [] }]) {
      const svg = themeComparisonChart(empty);
      expectSafeStandaloneSvg(svg);
      expect(texts(svg)).toContain('No themes yet.');
      expect(describeThemeComparison(empty)).toMatch(/There are no themes yet\.$/);
    }
  });

  it('reads a missing count as none and a nonsense one as none', () => {
    const svg = themeComparisonChart({ perspectives: ['A', 'B', 'C'], themes: [{ title: 'T', notesPerPerspective: [Number.NaN, -1] }] });
    expect(elements(svg, 'rect', 'mark')).toEqual([]);
    expect(texts(svg)).toContain('No notes');
  });
});

describe('the action plan’s progress chart', () => {
  const actions: ActionProgress[] = [
    { label: 'Offer self-rostering', status: 'under-way', stepsDone: 1, stepsTotal: 2 },
    { label: 'Board walkabouts', status: 'done', stepsDone: 1, stepsTotal: 1 },
    { label: 'Review pay progression', status: 'not-started', stepsDone: 0, stepsTotal: 0 },
    { label: 'Exit interviews', status: 'not-started', stepsDone: 0, stepsTotal: 4 },
  ];

  it('splits one bar by progress value, each part as long as its share of the actions', () => {
    const svg = planProgressChart(actions);
    const root = expectSafeStandaloneSvg(svg);
    const segments = elements(svg, 'rect', 'segment');
    expect(segments.map((segment) => [segment.attributes['data-status'], segment.attributes['data-count']])).toEqual([
      ['not-started', '2'],
      ['under-way', '1'],
      ['done', '1'],
    ]);
    const whole = Number(root.attributes.width) - 32;
    expect(segments.reduce((sum, segment) => sum + number(segment, 'width'), 0)).toBeCloseTo(whole, 0);
    expect(number(segments[0]!, 'width')).toBeCloseTo(whole / 2, 0);
    expect(number(segments[1]!, 'width')).toBeCloseTo(whole / 4, 0);
    // Each part begins where the one before ends.
    expect(number(segments[1]!, 'x')).toBeCloseTo(number(segments[0]!, 'x') + number(segments[0]!, 'width'), 0);
    expect(segments.map((segment) => segment.attributes.fill)).toEqual(['#4c6272', '#005eb8', '#007f3b']);
    // The legend names every value of the schema with its count, so colour is never the only key.
    expect(texts(svg)).toEqual(expect.arrayContaining(['Not started: 2', 'Under way: 1', 'Done: 1', 'Stuck: 0']));
  });

  it('draws each action’s ticked steps as a share of its steps', () => {
    const svg = planProgressChart(actions);
    const tracks = elements(svg, 'rect', 'track');
    const done = elements(svg, 'rect', 'steps-done');
    expect(done.map((bar) => [bar.attributes['data-done'], bar.attributes['data-total']])).toEqual([
      ['1', '2'],
      ['1', '1'],
      ['0', '4'],
    ]);
    const trackWidth = number(tracks[0]!, 'width');
    expect(done.map((bar) => number(bar, 'width'))).toEqual([trackWidth / 2, trackWidth, 0].map((width) => Math.round(width * 10) / 10));
    expect(texts(svg)).toEqual(expect.arrayContaining(['1 of 2 steps · Under way', '1 of 1 step · Done', 'No steps', 'Not started']));
  });

  it('says the counts and each action’s steps in words', () => {
    expect(describePlanProgress(actions)).toBe(
      'Progress of the action plan: 4 actions, 2 not started, 1 under way, 1 done, 0 stuck. ' +
        'Steps ticked off: Offer self-rostering: 1 of 2 steps done; Board walkabouts: 1 of 1 step done; Review pay progression: no steps; Exit interviews: 0 of 4 steps done.',
    );
    expect(describePlanProgress([{ label: 'A', status: 'stuck', stepsDone: 0, stepsTotal: 0 }])).toBe('Progress of the action plan: 1 action, 0 not started, 0 under way, 0 done, 1 stuck.');
  });

  it('leaves out the steps when no action has any, and draws no actions as a valid chart that says so', () => {
    const noSteps = planProgressChart([{ label: 'A', status: 'done', stepsDone: 0, stepsTotal: 0 }]);
    expect(elements(noSteps, 'rect', 'track')).toEqual([]);
    expect(texts(noSteps)).not.toContain('Steps ticked off, by action');
    const none = planProgressChart([]);
    expectSafeStandaloneSvg(none);
    expect(elements(none, 'rect', 'segment')).toEqual([]);
    expect(texts(none)).toContain('No actions yet.');
    expect(describePlanProgress([])).toBe('Progress of the action plan: no actions yet.');
  });

  it('keeps hostile labels and counts in bounds: never more steps done than there are', () => {
    const svg = planProgressChart(HOSTILE_LABELS.map((label) => ({ label, status: 'under-way' as const, stepsDone: 1e15, stepsTotal: 3 })));
    expectSafeStandaloneSvg(svg);
    expect(svg).not.toMatch(/<script/);
    for (const bar of elements(svg, 'rect', 'steps-done')) expect(bar.attributes['data-done']).toBe('3');
    expect(describePlanProgress([{ label: 'A', status: 'done', stepsDone: 9, stepsTotal: 2 }])).toContain('A: 2 of 2 steps done');
  });
});

describe('the plan’s charts from a board', () => {
  it('has the comparison, the votes and the progress for a workshop that has them all, in the document’s order', () => {
    const snapshot = readBoardSnapshot(chartBoardDoc(), TAKEN);
    const charts = planCharts(snapshot);
    expect(charts.map((chart) => chart.name)).toEqual(['themeComparison', 'voteResults', 'planProgress']);
    expect(voteResultsFromSnapshot(snapshot)).toEqual([
      { label: 'Flexible working', dots: 7 },
      { label: 'Board visibility', dots: 2 },
      { label: 'Pay', dots: 0 },
    ]);
    for (const chart of charts) {
      expectSafeStandaloneSvg(chart.svg);
      expect(chart.caption).not.toBe('');
    }
    expect(charts[1]!.description).toBe('Vote results, most dots first: 9 dots on 3 themes. Flexible working, 7 dots; Board visibility, 2 dots; Pay, 0 dots.');
    expect(charts[2]!.description).toContain('4 actions, 1 not started, 1 under way, 1 done, 1 stuck');
  });

  it('leaves out what a board has not got: no votes before voting closes, no comparison without notes in themes, no progress without actions', () => {
    // The sample plan: actions, a theme with no notes, voting still open.
    expect(planCharts(readBoardSnapshot(samplePlanDoc(), TAKEN)).map((chart) => chart.name)).toEqual(['planProgress']);
    const blank = new Y.Doc();
    initBoard(blank, { title: 'Blank', createdAt: WORKSHOP, template: 'blank' });
    expect(planCharts(readBoardSnapshot(blank, TAKEN))).toEqual([]);
  });

  it('has the self-assessment at each stage once the board has an agreed rating or an earlier stage', () => {
    const workshop = new Y.Doc();
    initBoard(workshop, { title: 'Ward 7', createdAt: WORKSHOP, template: 'blank' });
    setAgreedRating(workshop, defaultTopicId(3), { rating: 'green', note: '' });
    const [chart] = planCharts(readBoardSnapshot(workshop, TAKEN));
    expect(chart).toMatchObject({ name: 'cycleHistory', caption: 'The self-assessment at each stage of the cycle' });
    expectSafeStandaloneSvg(chart!.svg);
    expect(chart!.description).toContain('Topics agreed each colour: Workshop (now): 0 red, 0 amber, 1 green.');
    // A check-in whose group has agreed nothing yet still has its history to show.
    const checkIn = new Y.Doc();
    initBoard(checkIn, { title: 'Ward 7 – 30-day check-in', createdAt: TAKEN, template: 'blank' });
    startCheckIn(workshop, checkIn, { stage: 30, title: 'Ward 7', now: TAKEN });
    const history = planCharts(readBoardSnapshot(checkIn, TAKEN)).find((c) => c.name === 'cycleHistory')!;
    expect(history.description).toContain('Workshop: 0 red, 0 amber, 1 green; 30-day check-in (now): none agreed.');
    expect(cycleHistoryFromSnapshot(readBoardSnapshot(checkIn, TAKEN)).stages).toEqual([0, 30]);
  });

  it('gives the client an image address that holds the SVG exactly', () => {
    const svg = voteResultsChart([{ label: 'A & <b> "#%', dots: 1 }]);
    const url = svgDataUrl(svg);
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(url).not.toMatch(/[\s<>"#]/);
    expect(decodeURIComponent(url.slice('data:image/svg+xml;charset=utf-8,'.length))).toBe(svg);
  });
});
