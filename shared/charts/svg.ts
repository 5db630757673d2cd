/**
 * What every chart of shared/charts/ is drawn with: the NHS colours, the
 * font, safe text and the SVG wrapper. A chart is a plain string, the same on
 * the screen (as an image, docs/plan-export.md, "Charts") and in the Word
 * export (rasterised on the server with resvg, as the driver diagram is), so
 * nothing here may touch the DOM or Node.
 */

/** The NHS identity colours the charts use (the NHS service manual's palette). */
export const NHS_COLOURS = {
  blue: '#005eb8',
  darkBlue: '#003087',
  green: '#007f3b',
  red: '#d5281b',
  warmYellow: '#ffb81c',
  grey: '#4c6272',
  /** Body text: dark on light, as the NHS service manual asks. */
  text: '#212b32',
  /** The pale grey of NHS page backgrounds, for stripes and empty bar tracks. */
  paleGrey: '#f0f4f5',
  white: '#ffffff',
} as const;

/**
 * Arial, as the NHS identity asks, then its metric twin Liberation Sans for
 * browsers on Linux: the same widths, so the truncation below holds on both.
 * resvg on the server reads only the first name and otherwise draws in its
 * default font, which the server sets to Liberation Sans where it can
 * (server/http/diagramPictures.ts).
 */
export const CHART_FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif";

/** Type sizes in pixels: body labels, and the smaller text of column headings and legends. */
export const FONT_SIZE = 14;
export const SMALL_FONT_SIZE = 12;
/** Space around the chart and between its parts, in pixels. */
export const PADDING = 16;
/** The default width: fits an A4 landscape page at 96 dpi and a laptop screen's main column. */
export const DEFAULT_CHART_WIDTH = 800;
/** The default number of rows drawn; the rest are counted in a last line, and the description names them all. */
export const DEFAULT_MAX_ROWS = 20;

/** Options every chart takes. */
export interface ChartOptions {
  /** Width in pixels (the height follows from the rows). Default 800. */
  width?: number;
  /** The most rows to draw; more are summed up as "and N more". Default 20. */
  maxRows?: number;
}

/** The width to draw at: the option if it is a sensible number, else the default. */
export function chartWidth(options: ChartOptions, minimum: number): number {
  const asked = options.width;
  return Math.max(minimum, Number.isFinite(asked) && asked! > 0 ? Math.round(asked!) : DEFAULT_CHART_WIDTH);
}

/** How many rows to draw. */
export function rowLimit(options: ChartOptions): number {
  const asked = options.maxRows;
  return Number.isInteger(asked) && asked! > 0 ? asked! : DEFAULT_MAX_ROWS;
}

const XML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Text or an attribute value as XML: the five special characters as entities. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * Characters XML 1.0 does not allow at all (most control characters, lone
 * surrogate halves, U+FFFE and U+FFFF) and C1 controls: one of them in a label
 * would make the whole SVG fail to parse, so they are dropped.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A label as one clean line: no characters XML refuses, every run of white space (line breaks too) one space. */
export function cleanLabel(text: string): string {
  return text.replace(NOT_XML_TEXT, '').replace(/\s+/g, ' ').trim();
}

/** A label cut to at most `maxChars` characters (whole code points), ending in an ellipsis when cut. */
export function truncateChars(text: string, maxChars: number): string {
  const characters = Array.from(text);
  if (characters.length <= maxChars) return text;
  return `${characters.slice(0, Math.max(0, maxChars - 1)).join('').trimEnd()}…`;
}

/**
 * Roughly how wide one character is in Arial, in ems. Measuring text needs a
 * font engine, which shared code has not got; this errs on the wide side so a
 * cut label never overruns its space: CJK, Hangul and emoji are about a
 * square, capitals and m/w wider than the rest.
 */
function characterWidthEm(character: string): number {
  const code = character.codePointAt(0)!;
  if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || code >= 0x1f000) return 1;
  if (/[mwMW@%]/.test(character)) return 0.85;
  if (/[A-Z&]/.test(character)) return 0.75;
  return 0.56;
}

/** The estimated width of a line of text, in pixels. */
export function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const character of text) ems += characterWidthEm(character);
  return ems * fontSize;
}

/** A line cut to fit `maxWidth` pixels, ending in an ellipsis when cut. */
export function fitLine(text: string, maxWidth: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= maxWidth) return text;
  const room = maxWidth - textWidth('…', fontSize);
  let width = 0;
  let kept = '';
  for (const character of text) {
    width += characterWidthEm(character) * fontSize;
    if (width > room) break;
    kept += character;
  }
  return `${kept.trimEnd()}…`;
}

/**
 * A label wrapped into at most `maxLines` lines of `maxWidth` pixels, word by
 * word (a word too long for a line is cut), the last line ending in an
 * ellipsis when text is left over.
 */
export function wrapLines(text: string, maxWidth: number, fontSize: number, maxLines: number): string[] {
  const words = cleanLabel(text).split(' ').filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let next = 0;
  while (next < words.length) {
    const candidate = current ? `${current} ${words[next]}` : words[next]!;
    if (textWidth(candidate, fontSize) <= maxWidth) {
      current = candidate;
      next++;
    } else if (lines.length >= maxLines - 1) {
      break; // the last line: what is left is cut to fit it, below
    } else if (current) {
      lines.push(current);
      current = '';
    } else {
      // A word wider than a whole line fills one, cut.
      lines.push(fitLine(words[next]!, maxWidth, fontSize));
      next++;
    }
  }
  const rest = [current, ...words.slice(next)].filter(Boolean).join(' ');
  if (rest) lines.push(fitLine(rest, maxWidth, fontSize));
  return lines;
}

/** A count that is a count: a finite number of at least 0, rounded; anything else is 0. */
export function safeCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

const GROUPED = new Intl.NumberFormat('en-GB');

/** A count for people to read: 1,234; past a trillion in scientific notation, so a hostile count cannot widen a chart without end. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return 'too many to count';
  return count < 1e12 ? GROUPED.format(count) : count.toExponential(2);
}

/** "1 dot", "3 dots", "1,234 notes". */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** "A, B and C". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The longest a label may be in a text description: screen readers read every character. */
export const DESCRIPTION_LABEL_CHARS = 200;

/** A label as a description says it: one clean line, cut at 200 characters, never empty. */
export function describedLabel(text: string, fallback: string): string {
  return truncateChars(cleanLabel(text), DESCRIPTION_LABEL_CHARS) || fallback;
}

/** A number for an SVG attribute: at most one decimal place, so the text stays short and stable. */
export const px = (value: number): string => String(Math.round(value * 10) / 10);

/** A `<text>` element; `text` is escaped here, every attribute value is the caller's own (numbers and constants). */
export function svgText(text: string, attributes: Record<string, string | number>): string {
  const attributeText = Object.entries(attributes)
    .map(([name, value]) => `${name}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`)
    .join(' ');
  return `<text ${attributeText}>${escapeXml(text)}</text>`;
}

/** Lines of a wrapped label, as one `<text>` with a `<tspan>` a line, centred on `centreY`. */
export function svgTextLines(lines: readonly string[], x: number, centreY: number, fontSize: number, attributes: Record<string, string | number> = {}): string {
  const lineHeight = Math.round(fontSize * 1.25);
  // The first baseline sits so the block of lines is centred on the row (a baseline is about 0.35 em below the middle of a line).
  const firstBaseline = centreY - ((lines.length - 1) * lineHeight) / 2 + fontSize * 0.35;
  const attributeText = Object.entries({ x, 'font-size': fontSize, fill: NHS_COLOURS.text, ...attributes })
    .map(([name, value]) => `${name}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`)
    .join(' ');
  const spans = lines.map((line, index) => `<tspan x="${px(x)}" y="${px(firstBaseline + index * lineHeight)}">${escapeXml(line)}</tspan>`).join('');
  return `<text ${attributeText}>${spans}</text>`;
}

/**
 * A whole chart: a standalone SVG with its size and viewBox, a white
 * background (it must read the same on a dark page or printed), a title and
 * the text description for whatever shows it on its own. No scripts, no
 * styles and no links: only shapes and text, so it is safe as an image
 * anywhere and resvg draws all of it.
 */
export function svgDocument(input: { width: number; height: number; title: string; description: string; body: readonly string[] }): string {
  const { width, height } = input;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" font-family="${escapeXml(CHART_FONT_FAMILY)}" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<desc>${escapeXml(input.description)}</desc>`,
    `<rect x="0" y="0" width="${px(width)}" height="${px(height)}" fill="${NHS_COLOURS.white}"/>`,
    ...input.body,
    '</svg>',
  ].join('\n');
}

/**
 * A chart as an address an `<img>` can show (the client's content security
 * policy allows data: images). Percent-encoded rather than base64: shorter
 * for SVG text, and safe for every character a label holds.
 */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
