import {
  ACTION_FIELD_MAX_CHARS,
  ACTION_STATUS_LABELS,
  ACTION_STATUSES,
  type ActionStatus,
  DURATION_UNITS,
  type DurationUnit,
  MAX_DURATION_AMOUNT,
  type Timescale,
} from '../schema/exercise';

/**
 * The plan's structured fields (timescale, steps, progress) as text and back:
 * how a spreadsheet cell or a document shows them, and how an imported cell,
 * or a timescale written before schema 5, is read. Exporting then importing
 * gives back what the board held.
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A real calendar date as YYYY-MM-DD, or null (31 February is not a date). */
function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Reads a timescale as people write it: "2027-03-31", "31/03/2027", "by 31
 * March 2027", "3 months", "within 6 weeks", "90 days". Anything else is
 * kept as text; blank is no timescale.
 */
export function parseTimescale(written: string): Timescale | null {
  const text = written.trim().slice(0, ACTION_FIELD_MAX_CHARS);
  if (!text) return null;
  const bare = text.replace(/^(by|before|due|within|in)\s+/i, '').replace(/[.]$/, '');
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(bare);
  if (match) {
    const date = calendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
    if (date) return { kind: 'date', date };
  }
  // Day first, as in the UK.
  match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(bare);
  if (match) {
    const date = calendarDate(Number(match[3]), Number(match[2]), Number(match[1]));
    if (date) return { kind: 'date', date };
  }
  match = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\s+(\d{4})$/i.exec(bare);
  if (match) {
    const month = MONTHS.findIndex((name) => name.startsWith(match![2]!.toLowerCase()) && match![2]!.length >= 3);
    const date = month >= 0 ? calendarDate(Number(match[3]), month + 1, Number(match[1])) : null;
    if (date) return { kind: 'date', date };
  }
  match = /^(\d{1,3})\s*(day|week|month)s?$/i.exec(bare);
  if (match) {
    const amount = Number(match[1]);
    const unit = `${match[2]!.toLowerCase()}s` as DurationUnit;
    if (amount >= 1 && amount <= MAX_DURATION_AMOUNT && DURATION_UNITS.includes(unit)) return { kind: 'duration', amount, unit };
  }
  return { kind: 'text', text };
}

/** "3 months", "1 week". */
export function durationText(amount: number, unit: DurationUnit): string {
  return `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}

/** A timescale in a spreadsheet cell: an ISO date or a duration, so it reads back exactly. */
export function timescaleCell(timescale: Timescale | null): string {
  if (!timescale) return '';
  if (timescale.kind === 'date') return timescale.date;
  if (timescale.kind === 'duration') return durationText(timescale.amount, timescale.unit);
  return timescale.text;
}

/** A timescale in words for a document or the screen: "By 31 March 2027", "Within 3 months". */
export function describeTimescale(timescale: Timescale | null): string {
  if (!timescale) return '';
  if (timescale.kind === 'date') {
    const date = new Date(`${timescale.date}T00:00:00Z`);
    return `By ${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
  }
  if (timescale.kind === 'duration') return `Within ${durationText(timescale.amount, timescale.unit)}`;
  return timescale.text;
}

/** A step as one line of a cell: "[x] Write the paper" when done, "[ ] Write the paper" when not. */
function stepLine(step: { text: string; done: boolean }): string {
  return `${step.done ? '[x]' : '[ ]'} ${step.text}`;
}

/** Steps as the lines of one cell. */
export function stepsCell(steps: readonly { text: string; done: boolean }[]): string {
  return steps.map(stepLine).join('\n');
}

/**
 * Reads the steps out of a cell: one per line, "[x]" or "✓" marking a done
 * step; list marks ("-", "*", "•", "1.") are dropped. A cell written as one
 * sentence is one step.
 */
export function parseStepsCell(cell: string): { text: string; done: boolean }[] {
  const steps: { text: string; done: boolean }[] = [];
  for (const raw of cell.split(/\r\n|\r|\n/)) {
    let line = raw.trim();
    let done = false;
    const mark = /^(?:\[( |x|X)\]|(✓|✔|☑)|(☐))\s*/.exec(line);
    if (mark) {
      done = mark[1] === 'x' || mark[1] === 'X' || mark[2] !== undefined;
      line = line.slice(mark[0].length);
    } else {
      line = line.replace(/^(?:[-*•]|\d{1,2}[.)])\s+/, '');
    }
    if (line) steps.push({ text: line, done });
  }
  return steps;
}

/** Reads a progress cell: the label ("Under way") or the key ("under-way"); anything else is not started. */
export function parseStatus(cell: string): ActionStatus {
  const text = cell.trim().toLowerCase();
  return ACTION_STATUSES.find((status) => status === text || ACTION_STATUS_LABELS[status].toLowerCase() === text) ?? 'not-started';
}
