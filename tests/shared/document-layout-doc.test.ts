import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeRefusal } from '../../shared/document/access';
import { BOARD_LAYOUT, type DocumentLayout, PRIVATE_LAYOUT, type RootLayout } from '../../shared/document/layout';
import { MIGRATIONS } from '../../shared/document/migrations';
import { sessionSchema } from '../../shared/schema/exercise';
import { noteSchema } from '../../shared/schema/records';
import { CURRENT_SCHEMA_VERSION } from '../../shared/schema/version';

/**
 * docs/document-layout.md is what an integration writes a client from, so
 * its tables are checked against the code: every top-level type with its
 * kind and who may write it, and every field of every record with its type,
 * limits, whether a new record must carry it and what a reader makes of it
 * when it does not read. A field added to a schema in shared/schema/, or a
 * root added to shared/document/layout.ts, fails here until the page says it.
 */

const PAGE = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/document-layout.md'), 'utf8');

interface Table {
  /** The nearest heading above the table, without its #s. */
  heading: string;
  header: string[];
  rows: string[][];
}

/** Every table of a Markdown page, under the heading it follows. */
function tablesOf(markdown: string): Table[] {
  const tables: Table[] = [];
  let heading = '';
  let current: Table | null = null;
  for (const line of markdown.split('\n')) {
    const trimmed = line.trim();
    if (/^#{1,6} /.test(trimmed)) heading = trimmed.replace(/^#+ /, '');
    if (!trimmed.startsWith('|')) {
      current = null;
      continue;
    }
    const cells = trimmed
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    if (!current) {
      current = { heading, header: cells.map(normalise), rows: [] };
      tables.push(current);
    } else if (!cells.every((cell) => /^:?-+:?$/.test(cell))) current.rows.push(cells);
  }
  return tables;
}

/** A cell as the comparison sees it: no code marks or escapes, digits without thousands separators, one en dash in a range. */
function normalise(cell: string): string {
  return cell
    .replace(/`/g, '')
    .replace(/\\\|/g, '|')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(\d)\s*[-–]\s*(\d)/g, '$1–$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first table under a heading. */
function tableUnder(heading: string): Table | undefined {
  return tablesOf(PAGE).find((table) => table.heading === heading);
}

/** What the page says of one field: its row's cells by column name. */
type PageRow = Record<string, string>;

function rowsOf(table: Table): Map<string, PageRow> {
  const rows = new Map<string, PageRow>();
  for (const cells of table.rows) {
    const row: PageRow = {};
    table.header.forEach((column, index) => (row[column] = normalise(cells[index] ?? '')));
    // A key pattern (`<actionId>/<question>`) is compared by its shape: `<>/<>`.
    rows.set(row[table.header[0]!]!.replace(/<[^>]*>/g, '<>'), row);
  }
  return rows;
}

// --- What the code says -----------------------------------------------------

interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; format?: string; pattern?: RegExp } } }[];
}
const defOf = (schema: z.ZodType) => schema.def as unknown as Def;

/** The schema a writer must match, and whether null is allowed: wrappers that only read (`catch`, `default`) taken off. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let nullable = false;
  for (;;) {
    const def = defOf(schema);
    if (def.type === 'nullable') nullable = true;
    if (['nullable', 'catch', 'default', 'optional', 'readonly'].includes(def.type)) schema = def.innerType!;
    else if (def.type === 'pipe') schema = def.in!;
    else return { inner: schema, nullable };
  }
}

/** The patterns strings are held to, as the page says them. */
const PATTERNS: Record<string, string> = {
  '^\\d{4}-\\d{2}-\\d{2}$': 'YYYY-MM-DD',
  '^(\\d{4}-\\d{2}-\\d{2})?$': 'YYYY-MM-DD or empty',
};

function bounds(min: number | null | undefined, max: number | null | undefined, unit: string): string {
  const real = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER;
  const suffix = unit ? ` ${unit}` : '';
  if (real(min) && real(max)) return ` (${min}–${max}${suffix})`;
  if (real(max)) return ` (at most ${max}${suffix})`;
  if (real(min) && (min > 0 || !unit)) return ` (at least ${min}${suffix})`;
  return '';
}

/** A plain value's type in the page's words. */
function describeScalar(schema: z.ZodType): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const patterns = (def.checks ?? []).map((check) => check._zod.def).filter((check) => check.format === 'regex');
      if (patterns.length > 0) {
        const source = patterns[0]!.pattern!.source;
        const words = PATTERNS[source];
        if (!words) throw new Error(`No words for the pattern ${source}: add them to PATTERNS and to docs/document-layout.md`);
        return `string (${words})`;
      }
      const string = schema as z.ZodString;
      return `string${bounds(string.minLength, string.maxLength, 'characters')}`;
    }
    case 'number': {
      const number = schema as z.ZodNumber;
      return `${number.isInt ? 'integer' : 'number'}${bounds(number.minValue, number.maxValue, '')}`;
    }
    case 'boolean':
      return 'boolean';
    case 'enum':
      return Object.values(def.entries!).join(' | ');
    case 'literal':
      return def.values!.map(String).join(' | ');
    default:
      throw new Error(`No words for a ${def.type} schema: describe it in the test and on the page`);
  }
}

/** One row the page must have: a field (or a key of an object a field holds) and its type. */
interface ExpectedRow {
  name: string;
  type: string;
}

/** The rows a value of `schema` under `name` needs: itself, then each key of an object it holds. */
function rowsForValue(schema: z.ZodType, name: string): ExpectedRow[] {
  const { inner, nullable } = unwrap(schema);
  const orNull = nullable ? ' or null' : '';
  const def = defOf(inner);
  if (def.type === 'object') {
    return [{ name, type: `object${orNull}` }, ...Object.entries(def.shape!).flatMap(([key, value]) => rowsForValue(value, `${name}.${key}`))];
  }
  if (def.type === 'record') return [{ name, type: `object${orNull}` }, ...rowsForValue(def.valueType!, `${name}.<>`)];
  // A list (the evidence lines of a published spread): the list, then what each element holds, as `name[]`.
  if (def.type === 'array') return [{ name, type: `array${orNull}` }, ...rowsForValue(def.element!, `${name}[]`)];
  if (def.type === 'union') {
    // A union of objects (a timescale): each key once; a discriminating literal as the list of its values.
    const byKey = new Map<string, z.ZodType[]>();
    for (const option of def.options!) {
      const optionDef = defOf(unwrap(option).inner);
      if (optionDef.type !== 'object') throw new Error(`${name}: a union of anything but objects needs describing in the test`);
      for (const [key, value] of Object.entries(optionDef.shape!)) byKey.set(key, [...(byKey.get(key) ?? []), value]);
    }
    const rows: ExpectedRow[] = [{ name, type: `object${orNull}` }];
    for (const [key, schemas] of byKey) {
      const keyName = `${name}.${key}`;
      if (schemas.every((schema) => defOf(unwrap(schema).inner).type === 'literal')) {
        rows.push({ name: keyName, type: schemas.map((schema) => describeScalar(unwrap(schema).inner)).join(' | ') });
        continue;
      }
      const variants = schemas.map((schema) => rowsForValue(schema, keyName));
      if (variants.some((variant) => JSON.stringify(variant) !== JSON.stringify(variants[0]))) {
        throw new Error(`${keyName} differs between the variants: describe it in the test and on the page`);
      }
      rows.push(...variants[0]!);
    }
    return rows;
  }
  return [{ name, type: `${describeScalar(inner)}${orNull}` }];
}

/** What a reader makes of a field that does not read: its default, or nothing (the record is skipped). */
function fallback(schema: z.ZodType | undefined): string {
  if (!schema || defOf(schema).type !== 'catch') return 'record skipped';
  const value: unknown = schema.parse(Symbol('unreadable'));
  return `reads as ${typeof value === 'string' && value !== '' ? value : JSON.stringify(value)}`;
}

/** The kind of top-level map, in the page's words. */
function rootType(root: RootLayout): string {
  return root.kind === 'records' ? 'Y.Map<Y.Map>' : root.kind === 'values' ? 'Y.Map<value>' : 'Y.Map';
}

/** Who may write a root, in the page's words, from the rules the server enforces (shared/document/access.ts). */
function writers(root: string): string {
  const unlocked = { locked: false };
  const may = (role: 'facilitator' | 'participant', record: string) => writeRefusal(role, 'p1', unlocked, [{ root, record }]) === null;
  if (!may('facilitator', 'x1')) return 'the server only';
  if (may('participant', 'x1')) return 'facilitator, participants';
  if (may('participant', 'p1') && may('participant', 'a1/p1')) return 'facilitator; a participant only their own';
  return 'facilitator';
}

/** The validators readers use for named-field roots, where the page lists their defaults. */
const NAMED_FIELD_READERS: Record<string, z.ZodObject> = { session: sessionSchema };

// --- Comparing the two ------------------------------------------------------

const FIELD = 'field';
const TYPE = 'type';
const REQUIRED = 'new record must carry';
const FALLBACK = 'if missing or malformed';

/** Every way the page's table for one root differs from the code; empty when they agree. */
function rootProblems(name: string, root: RootLayout, table: Table | undefined): string[] {
  if (!table) return [`${name}: no table under its heading`];
  if (table.header[0] !== FIELD || table.header[1] !== TYPE) return [`${name}: the table's first columns must be "${FIELD}" and "${TYPE}"`];
  const page = rowsOf(table);
  const expected = new Map<string, { type: string; required?: string; fallback?: string }>();
  if (root.kind === 'records') {
    const readerShape = (root.reader as z.ZodObject).shape as Record<string, z.ZodType>;
    for (const [field, shape] of root.fields) {
      const rows = shape.kind === 'text' ? [{ name: field, type: `Y.Text (at most ${shape.maxChars} characters)` }] : rowsForValue(shape.schema, field);
      for (const row of rows) {
        const top = row.name === field;
        expected.set(row.name, {
          type: row.type,
          required: top ? (root.required.has(field) ? 'yes' : 'no') : '',
          fallback: top ? fallback(readerShape[field]) : '',
        });
      }
    }
  } else if (root.kind === 'fields') {
    const reader = NAMED_FIELD_READERS[name]?.shape as Record<string, z.ZodType> | undefined;
    if (table.header.includes(FALLBACK) && !reader) return [`${name}: the page lists defaults; add the root's reader to NAMED_FIELD_READERS`];
    for (const [field, shape] of root.fields) {
      for (const row of rowsForValue(shape.schema, field)) expected.set(row.name, { type: row.type, fallback: row.name === field ? fallback(reader?.[field]) : '' });
    }
  } else {
    // Keys of a values map are patterns (`<actionId>/<question>`): the page's first row names the pattern.
    const pattern = [...page.keys()][0] ?? '<>';
    if (!/^<>(\/<>)*$/.test(pattern)) return [`${name}: the first row must name the keys' pattern, as <…>/<…>`];
    for (const row of rowsForValue(root.value.schema, pattern)) expected.set(row.name, { type: row.type });
  }
  const problems: string[] = [];
  for (const [field, want] of expected) {
    const row = page.get(field);
    if (!row) {
      problems.push(`${name}.${field}: in the code (${want.type}) but not on the page`);
      continue;
    }
    if (row[TYPE] !== want.type) problems.push(`${name}.${field}: the page says "${row[TYPE]}", the code "${want.type}"`);
    if (want.required !== undefined && row[REQUIRED] !== want.required) {
      problems.push(`${name}.${field}: "${REQUIRED}" is "${row[REQUIRED] ?? '(no column)'}" on the page, "${want.required}" in the code`);
    }
    if (want.fallback !== undefined && FALLBACK in row && row[FALLBACK] !== want.fallback) {
      problems.push(`${name}.${field}: "${FALLBACK}" is "${row[FALLBACK]}" on the page, "${want.fallback}" in the code`);
    }
  }
  if (root.kind === 'records' && !table.header.includes(REQUIRED)) problems.push(`${name}: a record's table needs the column "${REQUIRED}"`);
  if (root.kind === 'records' && !table.header.includes(FALLBACK)) problems.push(`${name}: a record's table needs the column "${FALLBACK}"`);
  for (const field of page.keys()) if (!expected.has(field)) problems.push(`${name}.${field}: on the page but not in the code`);
  return problems;
}

/** The root sections of one document: `### \`name\`` for the board, `### \`name\` (private document)` for a private one. */
function rootSections(privateDocument: boolean): Map<string, Table | undefined> {
  const suffix = privateDocument ? ' (private document)' : '';
  const sections = new Map<string, Table | undefined>();
  for (const line of PAGE.split('\n')) {
    const match = /^### `(\w+)`( \(private document\))?$/.exec(line.trim());
    if (match && (match[2] ?? '') === suffix) sections.set(match[1]!, tableUnder(`\`${match[1]}\`${suffix}`));
  }
  return sections;
}

/** Every way the page differs from a document's layout. */
function layoutProblems(layout: DocumentLayout, topTable: Table | undefined, sections: Map<string, Table | undefined>, rootsDescribedElsewhere: Set<string>): string[] {
  if (!topTable) return ['no table of top-level types'];
  const problems: string[] = [];
  const top = rowsOf(topTable);
  for (const [name, root] of layout) {
    const row = top.get(name);
    if (!row) {
      problems.push(`${name}: a top-level type in the code but not in the page's table`);
      continue;
    }
    if (row[TYPE] !== rootType(root)) problems.push(`${name}: the page says "${row[TYPE]}", the code "${rootType(root)}"`);
    if ('who may write it' in row && row['who may write it'] !== writers(name)) {
      problems.push(`${name}: the page says "${row['who may write it']}" may write it, the code "${writers(name)}"`);
    }
    if (!rootsDescribedElsewhere.has(name)) problems.push(...rootProblems(name, root, sections.get(name)));
  }
  for (const name of top.keys()) if (!layout.has(name)) problems.push(`${name}: in the page's table of top-level types but not in the code`);
  for (const name of sections.keys()) if (!layout.has(name)) problems.push(`${name}: a section on the page for a top-level type the code does not have`);
  return problems;
}

function boardProblems(layout: DocumentLayout): string[] {
  return layoutProblems(layout, tableUnder('Top-level types'), rootSections(false), new Set());
}

function privateProblems(layout: DocumentLayout): string[] {
  // A draft is a note: the page points at the board's notes table rather than repeating it.
  const draftsAreNotes = layout.get('notes') === BOARD_LAYOUT.get('notes');
  const problems = draftsAreNotes ? [] : ['notes: drafts no longer share the layout of board notes: give them a table of their own'];
  return [...problems, ...layoutProblems(layout, tableUnder('Private documents'), rootSections(true), new Set(draftsAreNotes ? ['notes'] : []))];
}

describe('docs/document-layout.md', () => {
  it('states the current schema version, and a row for every version', () => {
    expect(PAGE).toContain(`The current schema version is **${CURRENT_SCHEMA_VERSION}**`);
    expect(rowsOf(tableUnder('`board`')!).get('schemaVersion')?.meaning).toContain(`currently ${CURRENT_SCHEMA_VERSION}`);
    const versions = tablesOf(PAGE).find((table) => table.heading === 'Versions and migrations' && table.header[0] === 'version');
    const expected = Array.from({ length: CURRENT_SCHEMA_VERSION }, (_, index) => String(index + 1));
    expect(versions?.rows.map((row) => row[0])).toEqual(expected);
    expect(MIGRATIONS.at(-1)?.to).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('lists every top-level type and field of the board document as the code has them, and nothing else', () => {
    expect(boardProblems(BOARD_LAYOUT)).toEqual([]);
  });

  it('lists every top-level type and field of a private document as the code has them, and nothing else', () => {
    expect(privateProblems(PRIVATE_LAYOUT)).toEqual([]);
  });

  it('fails for a field, a limit, a required field or a root the page does not say', () => {
    const notes = BOARD_LAYOUT.get('notes') as RootLayout & { kind: 'records' };
    const withField = (name: string, schema: z.ZodType, required: boolean): RootLayout => ({
      ...notes,
      fields: new Map([...notes.fields, [name, { kind: 'value', depth: 0, schema }]]),
      required: required ? new Set([...notes.required, name]) : notes.required,
      reader: noteSchema.extend({ [name]: schema }),
    });
    // Only what the change adds is looked at, so this proof holds whatever else the page gets wrong.
    const asIs = new Set(boardProblems(BOARD_LAYOUT));
    const problemsWith = (root: string, layout: RootLayout) => boardProblems(new Map([...BOARD_LAYOUT, [root, layout]])).filter((problem) => !asIs.has(problem));

    expect(problemsWith('notes', withField('pinned', z.boolean(), true))).toEqual(['notes.pinned: in the code (boolean) but not on the page']);
    expect(problemsWith('notes', { ...notes, required: new Set([...notes.required, 'themeId']) })).toEqual([
      'notes.themeId: "new record must carry" is "no" on the page, "yes" in the code',
    ]);
    const shorter = { ...notes, fields: new Map([...notes.fields, ['text', { kind: 'value' as const, depth: 0, schema: z.string().max(500) }]]) };
    expect(problemsWith('notes', shorter)).toEqual([
      'notes.text: the page says "string (at most 1000 characters)", the code "string (at most 500 characters)"',
    ]);
    const withoutField = { ...notes, fields: new Map([...notes.fields].filter(([name]) => name !== 'updatedAt')) };
    expect(problemsWith('notes', withoutField)).toEqual(['notes.updatedAt: on the page but not in the code']);
    expect(problemsWith('stickers', notes)).toEqual(["stickers: a top-level type in the code but not in the page's table"]);
  });
});
