import {
  type ChartOptions,
  chartWidth,
  countOf,
  describedLabel,
  FONT_SIZE,
  fitLine,
  NHS_COLOURS,
  PADDING,
  px,
  rowLimit,
  safeCount,
  svgDocument,
  svgText,
  svgTextLines,
  textWidth,
  wrapLines,
} from './svg';

/**
 * One bar of the vote results: what was voted on and its dots. The rows
 * `rankVotes` gives (shared/rules/dotVoting.ts), once a label is added as the
 * vote screen does, fit as they are.
 */
export interface VoteResultRow {
  label: string;
  dots: number;
}

/** Options of the vote chart: what the items are called ("theme" unless they are notes). */
export interface VoteChartOptions extends ChartOptions {
  itemName?: string;
}

const ROW_HEIGHT = 40;
const BAR_HEIGHT = 22;
/** The share of the width the labels take, at most. */
const LABEL_SHARE = 0.34;
/** The gap between a bar's end and its count. */
const VALUE_GAP = 8;

/**
 * The vote results as a horizontal bar chart: one bar a row, in the order
 * given (most dots first, as rankVotes ranks them), each as long as its share
 * of the most dots, its label on the left and its count at its end.
 */
export function voteResultsChart(rows: readonly VoteResultRow[], options: VoteChartOptions = {}): string {
  const width = chartWidth(options, 400);
  const itemName = options.itemName ?? 'theme';
  const shown = rows.slice(0, rowLimit(options));
  const hidden = rows.length - shown.length;
  const counts = shown.map((row) => safeCount(row.dots));
  const most = Math.max(0, ...counts);

  const labelWidth = Math.round(width * LABEL_SHARE);
  const valueTexts = counts.map((count) => countOf(count, 'dot'));
  // The counts' column is as wide as the longest count needs, within bounds, so the bars keep most of the width.
  const valueWidth = Math.min(200, Math.max(60, ...valueTexts.map((text) => textWidth(text, FONT_SIZE) + VALUE_GAP)));
  const barStart = PADDING + labelWidth + PADDING;
  const barRoom = width - PADDING - valueWidth - barStart;

  const body: string[] = [];
  let y = PADDING;
  if (shown.length === 0) {
    body.push(svgText('No votes to show yet.', { x: PADDING, y: y + ROW_HEIGHT / 2 + FONT_SIZE * 0.35, fill: NHS_COLOURS.text }));
    y += ROW_HEIGHT;
  }
  shown.forEach((row, index) => {
    const centre = y + ROW_HEIGHT / 2;
    const label = wrapLines(row.label, labelWidth, FONT_SIZE, 2);
    body.push(svgTextLines(label.length > 0 ? label : [`(untitled ${itemName})`], PADDING, centre, FONT_SIZE));
    const count = counts[index]!;
    const barLength = most > 0 ? (count / most) * barRoom : 0;
    body.push(
      `<rect class="bar" data-value="${count}" x="${px(barStart)}" y="${px(centre - BAR_HEIGHT / 2)}" width="${px(barLength)}" height="${BAR_HEIGHT}" fill="${NHS_COLOURS.blue}"/>`,
    );
    body.push(svgText(fitLine(valueTexts[index]!, valueWidth, FONT_SIZE), { x: barStart + barLength + VALUE_GAP, y: centre + FONT_SIZE * 0.35, fill: NHS_COLOURS.text, 'font-weight': 'bold' }));
    y += ROW_HEIGHT;
  });
  if (shown.length > 0) {
    // The axis the bars grow from.
    body.push(`<line x1="${px(barStart)}" y1="${PADDING}" x2="${px(barStart)}" y2="${px(y)}" stroke="${NHS_COLOURS.grey}" stroke-width="1"/>`);
  }
  if (hidden > 0) {
    body.push(svgText(`and ${countOf(hidden, `more ${itemName}`, `more ${itemName}s`)}, listed in the text`, { x: PADDING, y: y + FONT_SIZE, fill: NHS_COLOURS.grey }));
    y += ROW_HEIGHT / 2 + PADDING / 2;
  }
  const height = y + PADDING;
  return svgDocument({ width, height, title: 'Vote results', description: describeVoteResults(rows, options), body });
}

/** The vote results in words, for screen readers and beside the picture in documents: every item and its dots, in order. */
export function describeVoteResults(rows: readonly VoteResultRow[], options: Pick<VoteChartOptions, 'itemName'> = {}): string {
  const itemName = options.itemName ?? 'theme';
  if (rows.length === 0) return 'Vote results: no votes to show yet.';
  const total = rows.reduce((sum, row) => sum + safeCount(row.dots), 0);
  const items = rows.map((row) => `${describedLabel(row.label, `(untitled ${itemName})`)}, ${countOf(safeCount(row.dots), 'dot')}`);
  return `Vote results, most dots first: ${countOf(total, 'dot')} on ${countOf(rows.length, itemName)}. ${items.join('; ')}.`;
}
