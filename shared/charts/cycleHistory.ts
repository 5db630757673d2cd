import type { Rating } from '../schema/assessment';
import { type CycleStage, stageName } from '../schema/cycle';
import type { StageColourCounts, TopicHistory } from '../rules/cycle';
import {
  type ChartOptions,
  chartWidth,
  countOf,
  describedLabel,
  FONT_SIZE,
  fitLine,
  formatCount,
  listInWords,
  NHS_COLOURS,
  PADDING,
  px,
  rowLimit,
  safeCount,
  SMALL_FONT_SIZE,
  svgDocument,
  svgText,
  svgTextLines,
  wrapLines,
} from './svg';

/**
 * "What changed" across a retention cycle as a chart:
 * per stage (the workshop, then each check-in) a bar of how many topics were
 * agreed red, amber and green, with the counts in words under it; then per
 * topic a row of marks, one per stage, each in its colour with the colour's
 * name written in it, so the colour is never the only way to read it
 * (WCAG 1.4.1). The rows come from `ratingHistory` and `colourCounts`
 * (shared/rules/cycle.ts).
 */
export interface CycleHistoryData {
  /** The columns, oldest first: `cycleStages(history, current)`. */
  stages: readonly CycleStage[];
  topics: readonly TopicHistory[];
  counts: readonly StageColourCounts[];
}

/**
 * The self-assessment's colours: NHS red, warm yellow for amber and NHS
 * green. White text holds 4.5:1 on the red and the green; amber takes the
 * body text colour.
 */
export const RATING_COLOURS: Record<Rating, { fill: string; text: string }> = {
  red: { fill: NHS_COLOURS.red, text: NHS_COLOURS.white },
  amber: { fill: NHS_COLOURS.warmYellow, text: NHS_COLOURS.text },
  green: { fill: NHS_COLOURS.green, text: NHS_COLOURS.white },
};

const RATING_ORDER: readonly Rating[] = ['red', 'amber', 'green'];
const RATING_NAMES: Record<Rating, string> = { red: 'Red', amber: 'Amber', green: 'Green' };

const HEADER_HEIGHT = 40;
const BAR_HEIGHT = 20;
const COUNTS_TEXT_HEIGHT = 32;
const ROW_HEIGHT = 36;
const MARK_HEIGHT = 24;
const MARK_WIDTH = 72;
const LABEL_SHARE = 0.34;

/** The last column is the board as it is now. */
function columnName(stage: CycleStage, index: number, count: number): string {
  return index === count - 1 ? `${stageName(stage)} (now)` : stageName(stage);
}

export function cycleHistoryChart(data: CycleHistoryData, options: ChartOptions = {}): string {
  const width = chartWidth(options, 480);
  const columns = Math.max(1, data.stages.length);
  const labelWidth = Math.round(width * LABEL_SHARE);
  const gridStart = PADDING + labelWidth + PADDING;
  const columnWidth = (width - PADDING - gridStart) / columns;
  const body: string[] = [];
  let y = PADDING;

  // Column headings: each stage's name, on up to two lines.
  data.stages.forEach((stage, index) => {
    const lines = wrapLines(columnName(stage, index, data.stages.length), columnWidth - 8, SMALL_FONT_SIZE, 2);
    body.push(svgTextLines(lines, gridStart + (index + 0.5) * columnWidth, y + HEADER_HEIGHT / 2, SMALL_FONT_SIZE, { 'text-anchor': 'middle', 'font-weight': 'bold' }));
  });
  y += HEADER_HEIGHT;

  // Per stage, the colours agreed as one bar, its counts in words beneath.
  body.push(svgTextLines(wrapLines('Topics agreed each colour', labelWidth, FONT_SIZE, 2), PADDING, y + BAR_HEIGHT / 2, FONT_SIZE, { 'font-weight': 'bold' }));
  data.counts.forEach((count, index) => {
    const left = gridStart + index * columnWidth + 4;
    const barWidth = columnWidth - 8;
    const total = RATING_ORDER.reduce((sum, rating) => sum + safeCount(count[rating]), 0);
    if (total === 0) {
      body.push(`<rect class="count-track" x="${px(left)}" y="${px(y)}" width="${px(barWidth)}" height="${BAR_HEIGHT}" fill="${NHS_COLOURS.paleGrey}" stroke="${NHS_COLOURS.grey}" stroke-width="1"/>`);
    } else {
      let x = left;
      for (const rating of RATING_ORDER) {
        const length = (safeCount(count[rating]) / total) * barWidth;
        if (length === 0) continue;
        body.push(`<rect class="count" data-stage="${index}" data-rating="${rating}" data-count="${safeCount(count[rating])}" x="${px(x)}" y="${px(y)}" width="${px(length)}" height="${BAR_HEIGHT}" fill="${RATING_COLOURS[rating].fill}"/>`);
        x += length;
      }
    }
    const words = total === 0 ? ['None agreed'] : wrapLines(RATING_ORDER.map((rating) => `${formatCount(safeCount(count[rating]))} ${rating}`).join(', '), barWidth, SMALL_FONT_SIZE, 2);
    body.push(svgTextLines(words, left + barWidth / 2, y + BAR_HEIGHT + COUNTS_TEXT_HEIGHT / 2 + 2, SMALL_FONT_SIZE, { 'text-anchor': 'middle' }));
  });
  y += BAR_HEIGHT + COUNTS_TEXT_HEIGHT + PADDING / 2;

  // Per topic, its agreed rating at each stage.
  const shown = data.topics.slice(0, rowLimit(options));
  shown.forEach((topic, row) => {
    const centre = y + ROW_HEIGHT / 2;
    if (row % 2 === 0) body.push(`<rect x="${PADDING / 2}" y="${px(y)}" width="${px(width - PADDING)}" height="${ROW_HEIGHT}" fill="${NHS_COLOURS.paleGrey}"/>`);
    const label = wrapLines(topic.topic, labelWidth, FONT_SIZE, 2);
    body.push(svgTextLines(label.length > 0 ? label : ['(unnamed topic)'], PADDING, centre, FONT_SIZE));
    topic.byStage.forEach((rating, index) => {
      const middle = gridStart + (index + 0.5) * columnWidth;
      if (!rating || !RATING_COLOURS[rating]) {
        body.push(svgText('–', { x: middle, y: centre + FONT_SIZE * 0.35, 'text-anchor': 'middle', fill: NHS_COLOURS.grey }));
        return;
      }
      const markWidth = Math.min(MARK_WIDTH, columnWidth - 8);
      body.push(
        `<rect class="mark" data-topic="${row}" data-stage="${index}" data-rating="${rating}" x="${px(middle - markWidth / 2)}" y="${px(centre - MARK_HEIGHT / 2)}" width="${px(markWidth)}" height="${MARK_HEIGHT}" rx="4" fill="${RATING_COLOURS[rating].fill}" stroke="${NHS_COLOURS.text}" stroke-width="1"/>`,
        svgText(fitLine(RATING_NAMES[rating], markWidth - 6, SMALL_FONT_SIZE), { x: middle, y: centre + SMALL_FONT_SIZE * 0.35, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, 'font-weight': 'bold', fill: RATING_COLOURS[rating].text }),
      );
    });
    y += ROW_HEIGHT;
  });
  const hidden = data.topics.length - shown.length;
  if (hidden > 0) {
    body.push(svgText(`and ${countOf(hidden, 'more topic')}, listed in the text`, { x: PADDING, y: y + FONT_SIZE, fill: NHS_COLOURS.grey }));
    y += ROW_HEIGHT / 2;
  }
  if (data.topics.length === 0) {
    body.push(svgText('No topics yet.', { x: PADDING, y: y + FONT_SIZE, fill: NHS_COLOURS.text }));
    y += ROW_HEIGHT / 2;
  }
  return svgDocument({ width, height: y + PADDING, title: 'The self-assessment at each stage of the cycle', description: describeCycleHistory(data), body });
}

/** The same in words: per stage the count of each colour, then each topic's ratings in order. */
export function describeCycleHistory(data: CycleHistoryData): string {
  const names = data.stages.map((stage, index) => columnName(stage, index, data.stages.length));
  const counts = data.counts.map((count, index) => {
    const total = RATING_ORDER.reduce((sum, rating) => sum + safeCount(count[rating]), 0);
    const words = total === 0 ? 'none agreed' : RATING_ORDER.map((rating) => `${formatCount(safeCount(count[rating]))} ${rating}`).join(', ');
    return `${names[index] ?? stageName(count.stage)}: ${words}`;
  });
  const sentences = [`The self-assessment at each stage of the cycle. Topics agreed each colour: ${counts.join('; ')}.`];
  if (data.topics.length > 0) {
    const topics = data.topics.map((topic) => {
      const ratings = topic.byStage.map((rating, index) => `${rating ?? 'not agreed'} (${names[index] ?? ''})`);
      return `${describedLabel(topic.topic, '(unnamed topic)')}: ${listInWords(ratings)}`;
    });
    sentences.push(`Each topic: ${topics.join('; ')}.`);
  }
  return sentences.join(' ');
}
