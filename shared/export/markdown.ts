/**
 * Participants' words in the plan's Markdown (docs/plan-export.md): every
 * title, cell, theme, aim, measure and driver goes through `markdownText`, so
 * what someone typed is read as text, never as a link, an image, HTML or a
 * heading of its own.
 */

/**
 * The characters Markdown (CommonMark and GitHub's tables) reads as syntax
 * inside a line: emphasis, code, links and images (`[`, `]`, `!`), raw HTML
 * and autolinks (`<`, `>`), entities (`&`), headings, table cells and
 * strike-through. Each is written with a backslash, which CommonMark allows
 * before any ASCII punctuation.
 */
const MARKDOWN_SYNTAX = /[\\`*_{}[\]()<>#|!~&]/g;

/** Every line end Markdown (or a viewer) could start a new block at. */
const LINE_BREAK = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/g;
const LINE_BREAKS = /(?:\r\n|[\r\n\v\f\u0085\u2028\u2029])+/g;

/**
 * A participant's text as Markdown that shows exactly that text. `lines`
 * says what a line break becomes: `br` keeps it inside the line (a table cell
 * or a list item), `space` folds it into one line (a heading or title, which
 * a line break would otherwise end, letting the rest start blocks of its own).
 */
export function markdownText(text: string, lines: 'br' | 'space'): string {
  const escaped = text.replace(MARKDOWN_SYNTAX, '\\$&');
  return lines === 'br' ? escaped.replace(LINE_BREAK, '<br>') : escaped.replace(LINE_BREAKS, ' ').trim();
}
