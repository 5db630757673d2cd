import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import {
  ACTION_FIELD_MAX_CHARS,
  ACTION_STATUSES,
  MAX_STEPS_PER_ACTION,
  timescaleSchema,
} from '../schema/exercise';
import { parseStatus, parseStepsCell, parseTimescale } from '../rules/planText';
import type { PlanActionInput } from '../document/actions';
import { FORMULA_LIKE } from '../export/plan';
import { PLAN_TABLE_COLUMNS, PLAN_TABLE_HEADINGS, type PlanTableColumn } from '../export/planTable';
import { PlanImportError } from './errors';
import { readWorkbookTable, type WorkbookParts } from './workbook';

export { PlanImportError } from './errors';
export type { WorkbookParts } from './workbook';

/**
 * Reads an action plan back in, so that a later check-in board can review
 * progress against it: our JSON (versions 1, 2 and 3), or the CSV or XLSX we
 * export (or a spreadsheet a person made with the same column headings).
 * Pure: bytes in, plain actions out; shared/document writes them to a board.
 * Every reader stops at the action limit rather than reading a whole file
 * first (docs/plan-export.md).
 */

/** The largest plan file accepted: a plan is a few kilobytes; this leaves room for long ones. */
export const MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024;
/** The most actions one import adds. The guide asks for three to five; a merged plan may have more. */
export const MAX_IMPORTED_ACTIONS = 100;

export interface ImportedPlan {
  /** What the plan was: its title and workshop date when the file says them. */
  description: string | null;
  /** The actions as read, each what shared/document adds to a board (`importPlanActions`). */
  actions: PlanActionInput[];
}

export type PlanFileFormat = 'json' | 'csv' | 'xlsx';

/** Tells the format from the bytes: an XLSX is a zip ("PK"), JSON starts with "{", anything else is read as CSV. */
export function detectPlanFormat(bytes: Uint8Array): PlanFileFormat {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx';
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  return start.startsWith('{') ? 'json' : 'csv';
}

/** Written fields are kept as typed (not trimmed), so a plan exported and imported again is the same plan. */
const text = (value: string) => value.slice(0, ACTION_FIELD_MAX_CHARS);

/** Undoes the export's formula neutralising (`neutraliseFormula`): the apostrophe before a formula-like cell. */
const unneutralise = (cell: string) => (cell.startsWith("'") && FORMULA_LIKE.test(cell.slice(1)) ? cell.slice(1) : cell);

const jsonActionV1 = z.object({
  topic: z.string(),
  action: z.string(),
  owner: z.string(),
  timescale: z.string(),
  steps: z.string(),
  success: z.string(),
});
const jsonActionV2 = z.object({
  topic: z.string(),
  action: z.string(),
  owner: z.string(),
  timescale: timescaleSchema.nullable(),
  steps: z.array(z.object({ text: z.string(), done: z.boolean() })).max(MAX_STEPS_PER_ACTION),
  success: z.string(),
  status: z.enum(ACTION_STATUSES),
});
/**
 * Version 3 adds each action's check-in note (`review`) to version 2's
 * shape, and the plan's self-assessment and cycle beside the actions
 * (docs/plan-export.md). The note is checked but not imported: a plan's
 * action comes into a check-in board without one, since each check-in
 * writes its own (`startCheckIn`, shared/document/cycle.ts). The
 * self-assessment and the cycle are not read at all: an import brings
 * actions.
 */
const jsonActionV3 = jsonActionV2.extend({ review: z.string().optional() });
const jsonPlan = z.object({
  format: z.literal('retain-action-plan'),
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  title: z.string(),
  workshopDate: z.string(),
  actions: z.array(z.unknown()).max(MAX_IMPORTED_ACTIONS),
});

function describe(title: string, workshopDate: string | null): string | null {
  const name = title.trim() ? `“${text(title)}”` : null;
  const date = workshopDate ? `the workshop of ${workshopDate}` : null;
  return [name, date].filter(Boolean).join(', ') || null;
}

function readJsonPlan(bytes: Uint8Array): ImportedPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
  } catch {
    throw new PlanImportError('The file is not valid JSON.');
  }
  const plan = jsonPlan.safeParse(raw);
  if (!plan.success) throw new PlanImportError('The JSON is not a Retain action plan (it needs "format": "retain-action-plan", version 1, 2 or 3, and at most 100 actions).');
  const actions = plan.data.actions.map((entry, index): PlanActionInput => {
    if (plan.data.version === 1) {
      const v1 = jsonActionV1.safeParse(entry);
      if (!v1.success) throw new PlanImportError(`Action ${index + 1} in the JSON is not in the version 1 shape.`);
      return { ...tidy(v1.data), timescale: parseTimescale(v1.data.timescale), steps: parseStepsCell(v1.data.steps), status: 'not-started' };
    }
    const shape = plan.data.version === 2 ? jsonActionV2 : jsonActionV3;
    const read = shape.safeParse(entry);
    if (!read.success) throw new PlanImportError(`Action ${index + 1} in the JSON is not in the version ${plan.data.version} shape.`);
    return { ...tidy(read.data), timescale: read.data.timescale, steps: read.data.steps.filter((step) => step.text.trim()), status: read.data.status };
  });
  return { description: describe(plan.data.title, plan.data.workshopDate), actions };
}

function tidy(fields: { topic: string; action: string; owner: string; success: string }) {
  return { topic: text(fields.topic), action: text(fields.action), owner: text(fields.owner), success: text(fields.success) };
}

/** Finds each column by its heading (ours, or the column's key), whatever the case and spacing. */
function columnsFromHeader(header: readonly string[]): Map<PlanTableColumn, number> {
  const normal = (heading: string) => heading.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' ');
  const found = new Map<PlanTableColumn, number>();
  header.forEach((heading, index) => {
    const column = PLAN_TABLE_COLUMNS.find((c) => normal(PLAN_TABLE_HEADINGS[c]) === normal(heading) || c === normal(heading));
    if (column && !found.has(column)) found.set(column, index);
  });
  if (!found.has('action') && !found.has('topic')) {
    throw new PlanImportError(
      `No “${PLAN_TABLE_HEADINGS.action}” or “${PLAN_TABLE_HEADINGS.topic}” column in the first row. Use a plan exported from Retain, or a sheet with the action plan’s headings.`,
    );
  }
  return found;
}

/** A row with nothing but blanks in it, which every reader skips. */
const isBlankRow = (row: readonly string[]) => !row.some((value) => value.trim());

/** How many rows with something in them a table of actions may have: the header, the most actions, and one more to tell it is too many. */
const MAX_TABLE_ROWS = MAX_IMPORTED_ACTIONS + 2;

/** Reads the rows of a table (header first, blank rows already left out) into actions. */
function readTable(rows: readonly (readonly string[])[]): PlanActionInput[] {
  const [header, ...body] = rows;
  if (!header) throw new PlanImportError('The file is empty.');
  const columns = columnsFromHeader(header);
  if (body.length > MAX_IMPORTED_ACTIONS) throw new PlanImportError(`The plan has more than ${MAX_IMPORTED_ACTIONS} actions; one import takes at most ${MAX_IMPORTED_ACTIONS}.`);
  const cell = (row: readonly string[], column: PlanTableColumn) => {
    const index = columns.get(column);
    return index === undefined ? '' : unneutralise(row[index] ?? '');
  };
  return body.map(
    (row): PlanActionInput => ({
      ...tidy({ topic: cell(row, 'topic'), action: cell(row, 'action'), owner: cell(row, 'owner'), success: cell(row, 'success') }),
      timescale: parseTimescale(cell(row, 'timescale')),
      steps: parseStepsCell(cell(row, 'steps')).slice(0, MAX_STEPS_PER_ACTION),
      status: parseStatus(cell(row, 'status')),
    }),
  );
}

function readCsvPlan(bytes: Uint8Array): ImportedPlan {
  const rows: string[][] = [];
  try {
    parseCsv(Buffer.from(bytes), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Keeps only the rows the table needs; the rest of a long file is parsed but not held.
      on_record: (record: string[]) => {
        if (rows.length < MAX_TABLE_ROWS && !isBlankRow(record)) rows.push(record);
        return null;
      },
    });
  } catch (error) {
    throw new PlanImportError(`The CSV could not be read: ${(error as Error).message.split('\n')[0]}`);
  }
  return { description: null, actions: readTable(rows) };
}

/** Opens a workbook's zip as its parts; the server's opener bounds what each part may inflate to. */
export type OpenWorkbook = (bytes: Uint8Array) => WorkbookParts;

function readXlsxPlan(bytes: Uint8Array, openWorkbook: OpenWorkbook): ImportedPlan {
  const table = readWorkbookTable(openWorkbook(bytes), MAX_TABLE_ROWS);
  return { description: describe(table.title.trim() ? table.title : '', null), actions: readTable(table.rows) };
}

/**
 * Reads a plan file, whichever of our formats it is. Throws PlanImportError
 * with a reason a person can act on. A workbook's zip is opened by
 * `openWorkbook` (the server's bounds what it inflates).
 */
export async function readPlanFile(bytes: Uint8Array, openWorkbook: OpenWorkbook): Promise<ImportedPlan> {
  if (bytes.byteLength === 0) throw new PlanImportError('The file is empty.');
  if (bytes.byteLength > MAX_PLAN_FILE_BYTES) throw new PlanImportError('The file is larger than 2 MB: it is not an action plan.');
  const format = detectPlanFormat(bytes);
  const plan = format === 'json' ? readJsonPlan(bytes) : format === 'xlsx' ? readXlsxPlan(bytes, openWorkbook) : readCsvPlan(bytes);
  if (plan.actions.length === 0) throw new PlanImportError('The plan has no actions in it.');
  return plan;
}
