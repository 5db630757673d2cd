import type { Comparison, ThemeKind } from '../rules/comparison';
import type { Perspective } from '../schema/exercise';
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
  textWidth,
  wrapLines,
} from './svg';

/**
 * The comparison of the perspectives as plain data: the lanes, and for each
 * theme how many of its notes came from each lane. `notesPerPerspective[i]`
 * counts the notes from `perspectives[i]` (a missing count is 0).
 */
export interface ThemeComparisonData {
  /** The perspectives' names, in the board's lane order: the matrix's columns. */
  perspectives: readonly string[];
  /** The themes, in the order to draw them (the comparison's: shared first). */
  themes: readonly { title: string; notesPerPerspective: readonly number[] }[];
}

/**
 * The matrix's data from the comparison the screens already make
 * (`compareThemes`, shared/rules/comparison.ts) and the board's lanes, so the
 * picture and the comparison view agree.
 */
export function themeComparisonFromBoard(comparison: Pick<Comparison, 'themes'>, perspectives: readonly Pick<Perspective, 'id' | 'name'>[]): ThemeComparisonData {
  return {
    perspectives: perspectives.map((perspective) => perspective.name),
    themes: comparison.themes.map((compared) => ({
      title: compared.theme.title,
      notesPerPerspective: perspectives.map((perspective) => compared.notes.filter((note) => note.perspectiveId === perspective.id).length),
    })),
  };
}

/** Where a theme stands, as docs/exercise.md ("Compare") names it: shared by several lanes, seen by one, or empty. */
function standing(counts: readonly number[]): { kind: ThemeKind; contributing: number[] } {
  const contributing = counts.flatMap((count, index) => (count > 0 ? [index] : []));
  return { kind: contributing.length >= 2 ? 'similarity' : contributing.length === 1 ? 'difference' : 'empty', contributing };
}

/** A theme's counts, one a perspective, each a safe count. */
const countsOf = (theme: ThemeComparisonData['themes'][number], perspectiveCount: number) =>
  Array.from({ length: perspectiveCount }, (_, index) => safeCount(theme.notesPerPerspective[index]));

const HEADER_HEIGHT = 48;
const ROW_HEIGHT = 40;
const MARK_HEIGHT = 24;
/** The narrowest a perspective's column gets; with many lanes the chart grows wider instead. */
const MIN_COLUMN_WIDTH = 72;
const STANDING_COLUMN_WIDTH = 170;

/**
 * The themes × perspectives matrix: a row a theme, a column a perspective, a
 * blue mark with the count where the theme holds notes from that lane, a dash
 * where it holds none, and a last column saying whether the theme is shared
 * (green) or seen by one lane only (yellow). Colour never says it alone: the
 * last column says it in words.
 */
export function themeComparisonChart(data: ThemeComparisonData, options: ChartOptions = {}): string {
  const columns = data.perspectives.length;
  const labelWidth = 220;
  const width = chartWidth(options, 2 * PADDING + labelWidth + STANDING_COLUMN_WIDTH + Math.max(1, columns) * MIN_COLUMN_WIDTH);
  const columnWidth = (width - 2 * PADDING - labelWidth - STANDING_COLUMN_WIDTH) / Math.max(1, columns);
  const columnCentre = (index: number) => PADDING + labelWidth + columnWidth * (index + 0.5);
  const standingX = width - PADDING - STANDING_COLUMN_WIDTH;
  const shown = data.themes.slice(0, rowLimit(options));
  const hidden = data.themes.length - shown.length;

  const body: string[] = [];
  const heading = { 'font-size': SMALL_FONT_SIZE, 'font-weight': 'bold', fill: NHS_COLOURS.text };
  body.push(svgTextLines(['Theme'], PADDING, PADDING + HEADER_HEIGHT / 2, SMALL_FONT_SIZE, heading));
  data.perspectives.forEach((name, index) => {
    const lines = wrapLines(name, columnWidth - 8, SMALL_FONT_SIZE, 2);
    body.push(svgTextLines(lines.length > 0 ? lines : ['(unnamed)'], columnCentre(index), PADDING + HEADER_HEIGHT / 2, SMALL_FONT_SIZE, { ...heading, 'text-anchor': 'middle' }));
  });
  body.push(svgTextLines(['Shared or unique'], standingX + 8, PADDING + HEADER_HEIGHT / 2, SMALL_FONT_SIZE, heading));
  let y = PADDING + HEADER_HEIGHT;
  body.push(`<line x1="${PADDING}" y1="${px(y)}" x2="${px(width - PADDING)}" y2="${px(y)}" stroke="${NHS_COLOURS.grey}" stroke-width="1"/>`);

  if (shown.length === 0) {
    body.push(svgText('No themes yet.', { x: PADDING, y: y + ROW_HEIGHT / 2 + FONT_SIZE * 0.35, fill: NHS_COLOURS.text }));
    y += ROW_HEIGHT;
  }
  shown.forEach((theme, row) => {
    const centre = y + ROW_HEIGHT / 2;
    // Every other row striped, so the eye keeps to a row across the columns.
    if (row % 2 === 1) body.push(`<rect x="${PADDING}" y="${px(y)}" width="${px(width - 2 * PADDING)}" height="${ROW_HEIGHT}" fill="${NHS_COLOURS.paleGrey}"/>`);
    const title = wrapLines(theme.title, labelWidth - 8, FONT_SIZE, 2);
    body.push(svgTextLines(title.length > 0 ? title : ['(untitled theme)'], PADDING, centre, FONT_SIZE));
    const counts = countsOf(theme, columns);
    counts.forEach((count, index) => {
      const x = columnCentre(index);
      if (count === 0) {
        body.push(svgText('–', { x, y: centre + FONT_SIZE * 0.35, 'text-anchor': 'middle', fill: NHS_COLOURS.grey }));
        return;
      }
      const countText = fitLine(formatCount(count), columnWidth - 20, SMALL_FONT_SIZE);
      const markWidth = Math.min(columnWidth - 6, Math.max(MARK_HEIGHT, textWidth(countText, SMALL_FONT_SIZE) + 12));
      body.push(
        `<rect class="mark" data-column="${index}" data-count="${count}" x="${px(x - markWidth / 2)}" y="${px(centre - MARK_HEIGHT / 2)}" width="${px(markWidth)}" height="${MARK_HEIGHT}" rx="${MARK_HEIGHT / 2}" fill="${NHS_COLOURS.blue}"/>`,
        svgText(countText, { x, y: centre + SMALL_FONT_SIZE * 0.35, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, 'font-weight': 'bold', fill: NHS_COLOURS.white }),
      );
    });
    const { kind, contributing } = standing(counts);
    if (kind === 'empty') {
      body.push(svgText('No notes', { x: standingX + 8, y: centre + SMALL_FONT_SIZE * 0.35, 'font-size': SMALL_FONT_SIZE, fill: NHS_COLOURS.grey }));
    } else {
      const words = kind === 'similarity' ? `Shared by ${contributing.length}` : `Only ${data.perspectives[contributing[0]!] ?? ''}`;
      const text = fitLine(words, STANDING_COLUMN_WIDTH - 24, SMALL_FONT_SIZE);
      const pillWidth = textWidth(text, SMALL_FONT_SIZE) + 16;
      const [fill, ink] = kind === 'similarity' ? [NHS_COLOURS.green, NHS_COLOURS.white] : [NHS_COLOURS.warmYellow, NHS_COLOURS.text];
      body.push(
        `<rect class="standing" data-kind="${kind}" x="${px(standingX)}" y="${px(centre - MARK_HEIGHT / 2)}" width="${px(pillWidth)}" height="${MARK_HEIGHT}" rx="4" fill="${fill}"/>`,
        svgText(text, { x: standingX + 8, y: centre + SMALL_FONT_SIZE * 0.35, 'font-size': SMALL_FONT_SIZE, 'font-weight': 'bold', fill: ink }),
      );
    }
    y += ROW_HEIGHT;
  });
  if (hidden > 0) {
    body.push(svgText(`and ${countOf(hidden, 'more theme')}, listed in the text`, { x: PADDING, y: y + FONT_SIZE, fill: NHS_COLOURS.grey }));
    y += ROW_HEIGHT / 2 + PADDING / 2;
  }
  return svgDocument({ width, height: y + PADDING, title: 'Themes across the perspectives', description: describeThemeComparison(data), body });
}

/**
 * The matrix in words: the lanes, then each theme with where its notes came
 * from, shared themes and one-lane themes said as such (the words of
 * docs/exercise.md, "Compare").
 */
export function describeThemeComparison(data: ThemeComparisonData): string {
  const names = data.perspectives.map((name) => describedLabel(name, '(unnamed)'));
  const lanes = `${countOf(names.length, 'perspective')}${names.length > 0 ? `: ${listInWords(names)}` : ''}`;
  if (data.themes.length === 0) return `Themes across ${lanes}. There are no themes yet.`;
  const standings = data.themes.map((theme) => ({ theme, counts: countsOf(theme, names.length) })).map((entry) => ({ ...entry, ...standing(entry.counts) }));
  const tally = (kind: ThemeKind) => standings.filter((entry) => entry.kind === kind).length;
  const sentences = standings.map(({ theme, counts, kind, contributing }) => {
    const title = describedLabel(theme.title, '(untitled theme)');
    const from = contributing.map((index) => `${names[index]} (${countOf(counts[index]!, 'note')})`);
    if (kind === 'similarity') return `${title} is shared by ${contributing.length} perspectives: ${listInWords(from)}.`;
    if (kind === 'difference') return `${title} is seen by ${names[contributing[0]!]} only (${countOf(counts[contributing[0]!]!, 'note')}).`;
    return `${title} has no notes yet.`;
  });
  const summary = `${countOf(tally('similarity'), 'theme')} shared by several perspectives, ${formatCount(tally('difference'))} seen by one only, ${formatCount(tally('empty'))} with no notes.`;
  return [`Themes across ${lanes}.`, summary, ...sentences].join(' ');
}
