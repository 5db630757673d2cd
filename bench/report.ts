import type { ServerKind } from './servers';

/** The p-th percentile of sorted values (nearest rank); NaN for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Turning runs into the comparison table. Every run of a scenario gives a
 * set of named figures; repeats are combined (the median, with the range
 * beside it; deliveries are summed), and each figure gets the ratio
 * ours/reference.
 */

/** One figure of one run. `counts` marks a delivered/expected pair, summed over repeats rather than averaged. */
export interface Figure {
  value: number | null;
  unit: string;
  digits: number;
  counts?: { delivered: number; expected: number };
  /** A figure whose ratio means nothing (a signed change, say): the ratio column shows a dash. */
  noRatio?: boolean;
}

export type RunFigures = Map<string, Figure>;

/** One line of the table. */
export interface Row {
  scenario: string;
  figure: string;
  ours: string;
  reference: string;
  ratio: string;
  /** The combined values, for checking targets. */
  oursValue: number | null;
  referenceValue: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function combine(figures: Figure[]): { text: string; value: number | null } {
  const present = figures.filter((figure) => figure.value !== null || figure.counts);
  if (present.length === 0) return { text: '—', value: null };
  const first = present[0]!;
  if (first.counts) {
    const delivered = present.reduce((sum, figure) => sum + (figure.counts?.delivered ?? 0), 0);
    const expected = present.reduce((sum, figure) => sum + (figure.counts?.expected ?? 0), 0);
    if (expected === 0) return { text: '—', value: null };
    const share = delivered / expected;
    const percent = share === 1 ? '100%' : `${formatNumber(share * 100, 3)}%`;
    return { text: `${percent} (${formatNumber(delivered, 0)}/${formatNumber(expected, 0)})`, value: share };
  }
  const values = present.map((figure) => figure.value!);
  const middle = median(values);
  let text = formatNumber(middle, first.digits);
  if (values.length > 1) {
    const low = Math.min(...values);
    const high = Math.max(...values);
    if (formatNumber(low, first.digits) !== formatNumber(high, first.digits)) text += ` (${formatNumber(low, first.digits)}–${formatNumber(high, first.digits)})`;
  }
  return { text, value: middle };
}

/** Builds the rows of one scenario from its runs on both servers. */
export function scenarioRows(scenario: string, runs: Record<ServerKind, RunFigures[]>): Row[] {
  const names: string[] = [];
  for (const run of [...runs.ours, ...runs.reference]) for (const name of run.keys()) if (!names.includes(name)) names.push(name);
  return names.map((name) => {
    const ours = combine(runs.ours.map((run) => run.get(name)).filter((figure): figure is Figure => figure !== undefined));
    const reference = combine(runs.reference.map((run) => run.get(name)).filter((figure): figure is Figure => figure !== undefined));
    const noRatio = [...runs.ours, ...runs.reference].some((run) => run.get(name)?.noRatio);
    let ratio = '—';
    if (noRatio) ratio = '—';
    else if (ours.value !== null && reference.value !== null && reference.value !== 0) ratio = `${formatNumber(ours.value / reference.value, 2)}×`;
    else if (ours.value === 0 && reference.value === 0) ratio = '1.00×';
    const unit = [...runs.ours, ...runs.reference].map((run) => run.get(name)?.unit).find((u) => u !== undefined) ?? '';
    return {
      scenario,
      figure: unit ? `${name} (${unit})` : name,
      ours: ours.text,
      reference: reference.text,
      ratio,
      oursValue: ours.value,
      referenceValue: reference.value,
    };
  });
}

const HEADERS = ['Scenario', 'Figure', 'Ours', 'Reference', 'Ours/ref'];

function cells(row: Row, showScenario: boolean): string[] {
  return [showScenario ? row.scenario : '', row.figure, row.ours, row.reference, row.ratio];
}

/** A plain-text table for the terminal, the scenario named once per group. */
export function textTable(rows: Row[]): string {
  const lines = rows.map((row, i) => cells(row, i === 0 || rows[i - 1]!.scenario !== row.scenario));
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => line.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  const out = [format(HEADERS), widths.map((width) => '-'.repeat(width)).join('  ')];
  rows.forEach((row, i) => {
    if (i > 0 && rows[i - 1]!.scenario !== row.scenario) out.push('');
    out.push(format(lines[i]!));
  });
  return out.join('\n');
}

/** The same table in Markdown. */
export function markdownTable(rows: Row[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [`| ${HEADERS.join(' | ')} |`, '|---|---|--:|--:|--:|'];
  rows.forEach((row, i) => {
    const line = cells(row, i === 0 || rows[i - 1]!.scenario !== row.scenario);
    if (line[0]) line[0] = `**${line[0]}**`;
    out.push(`| ${line.map(escape).join(' | ')} |`);
  });
  return out.join('\n');
}
