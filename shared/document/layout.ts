import { z } from 'zod';
import { diagramSchema, driverNodeSchema } from '../schema/driverRecords';
import {
  actionResponseSchema,
  actionSchema,
  actionStepSchema,
  ACTION_FIELD_MAX_CHARS,
  memberSchema,
  nextStepCheckSchema,
  perspectiveSchema,
  progressSchema,
  sessionSchema,
  themeSchema,
  voteTallySchema,
} from '../schema/exercise';
import { boardMetaSchema, noteSchema } from '../schema/records';
import { agreedRatingSchema, assessmentSpreadSchema, assessmentTopicSchema, ownRatingSchema } from '../schema/assessment';
import { cycleMapSchema } from '../schema/cycle';
import { DocKey, PrivateDocKey, SHARED_TEXT_FIELDS } from './doc';

/**
 * The shape of every top-level type of a document, root by root and field
 * by field (docs/document-layout.md, "Records and fields"): the write
 * guard (server/rooms/writeGuard.ts) refuses any update that puts a shared
 * type, or a value, where this table has none. The fields and their types
 * come from the validators in shared/schema/, so the readers and the guard
 * share one source of truth; only what the validators cannot say is written
 * elsewhere: which fields a new record may leave out (here), and which are a
 * `Y.Text` (`SHARED_TEXT_FIELDS` in ./doc.ts, shared with the readers).
 */

/** A plain JSON value of a field: nested no deeper than `depth` (0: a string, number, boolean or null), and valid for `schema`. */
export interface ValueShape {
  kind: 'value';
  depth: number;
  schema: z.ZodType;
}

/** A field held as a `Y.Text` that people co-edit: plain characters only, no formats or embeds, at most `maxChars` of them. */
export interface TextShape {
  kind: 'text';
  maxChars: number;
}

export type FieldShape = ValueShape | TextShape;

/**
 * How a top-level `Y.Map` holds what it holds:
 * - `records`: each key a record, one `Y.Map` of the listed fields (no
 *   other), which a new record must all carry but for `optional` ones; when
 *   the record has an `id` field it equals the record's key; `reader` is the
 *   validator the readers take a record through (a record it refuses does
 *   not read);
 * - `values`: each key a plain JSON value of one shape;
 * - `fields`: the listed keys only, each a plain JSON value of its own shape.
 */
export type RootLayout =
  | { kind: 'records'; fields: ReadonlyMap<string, FieldShape>; required: ReadonlySet<string>; reader: z.ZodType }
  | { kind: 'values'; value: ValueShape }
  | { kind: 'fields'; fields: ReadonlyMap<string, ValueShape> };

/** A document's layout: its top-level maps by name. A name not listed holds nothing. */
export type DocumentLayout = ReadonlyMap<string, RootLayout>;

/** What a zod schema is made of, as far as the layout needs to know. */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return schema.def as unknown as SchemaDef;
}

/**
 * How deeply a value valid for `schema` may nest plain objects and arrays:
 * 0 for a scalar. A value the schema leaves open (`z.unknown()`) may only be
 * a scalar: the layout has no free-form objects.
 */
function schemaDepth(schema: z.ZodType): number {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return 1 + Math.max(0, ...Object.values(def.shape ?? {}).map(schemaDepth));
    case 'record':
      return 1 + schemaDepth(def.valueType!);
    case 'array':
      return 1 + schemaDepth(def.element!);
    case 'union':
      return Math.max(0, ...(def.options ?? []).map(schemaDepth));
    case 'nullable':
    case 'optional':
    case 'catch':
    case 'default':
    case 'readonly':
      return schemaDepth(def.innerType!);
    case 'pipe':
      return schemaDepth(def.in!);
    default:
      return 0;
  }
}

/**
 * What a writer must write: the schema without its `.catch()`, which lets a
 * reader take a broken field as its default but must not let a writer store
 * one (a note whose `x` is a word, say).
 */
function strictSchema(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  return def.type === 'catch' || def.type === 'default' ? strictSchema(def.innerType!) : schema;
}

function valueShape(schema: z.ZodType): ValueShape {
  return { kind: 'value', depth: schemaDepth(schema), schema };
}

/**
 * A record root from the validator of its records: every field of the
 * validator, written as the validator reads it, but for the root's
 * shared-text fields (`SHARED_TEXT_FIELDS`), each a `Y.Text`.
 */
function records(root: string, schema: z.ZodObject, options: { optional?: readonly string[] } = {}): RootLayout {
  const fields = new Map<string, FieldShape>();
  const text = SHARED_TEXT_FIELDS.get(root);
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const maxChars = text?.get(name);
    fields.set(name, maxChars === undefined ? valueShape(strictSchema(field)) : { kind: 'text', maxChars });
  }
  const required = new Set([...fields.keys()].filter((name) => !options.optional?.includes(name)));
  return { kind: 'records', fields, required, reader: schema };
}

function values(schema: z.ZodType): RootLayout {
  return { kind: 'values', value: valueShape(schema) };
}

function namedFields(schema: z.ZodObject): RootLayout {
  const fields = new Map<string, ValueShape>();
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) fields.set(name, valueShape(strictSchema(field)));
  return { kind: 'fields', fields };
}

/** A note: written before schema 2, it had no lane or theme, and absent still reads as null. */
const noteRecords = records(DocKey.notes, noteSchema, { optional: ['perspectiveId', 'themeId'] });

/** The board document (docs/document-layout.md, "Top-level types"). */
export const BOARD_LAYOUT: DocumentLayout = new Map<string, RootLayout>([
  [DocKey.board, namedFields(boardMetaSchema)],
  [DocKey.notes, noteRecords],
  [DocKey.session, namedFields(sessionSchema)],
  [DocKey.perspectives, records(DocKey.perspectives, perspectiveSchema)],
  [DocKey.members, records(DocKey.members, memberSchema)],
  [DocKey.progress, namedFields(progressSchema)],
  [DocKey.themes, records(DocKey.themes, themeSchema)],
  [DocKey.votes, namedFields(voteTallySchema)],
  // An action's check-in note came after the action: records written before it have none.
  [DocKey.actions, records(DocKey.actions, actionSchema, { optional: ['review'] })],
  [DocKey.actionResponses, values(actionResponseSchema)],
  [DocKey.diagrams, records(DocKey.diagrams, diagramSchema)],
  [DocKey.driverNodes, records(DocKey.driverNodes, driverNodeSchema)],
  [DocKey.actionChecks, values(nextStepCheckSchema)],
  [DocKey.actionEvaluations, values(z.string().max(ACTION_FIELD_MAX_CHARS))],
  [DocKey.actionSteps, records(DocKey.actionSteps, actionStepSchema)],
  [DocKey.assessmentTopics, records(DocKey.assessmentTopics, assessmentTopicSchema)],
  [DocKey.assessmentSpread, namedFields(assessmentSpreadSchema)],
  [DocKey.assessmentAgreed, values(agreedRatingSchema)],
  [DocKey.cycle, namedFields(cycleMapSchema)],
]);

/** A participant's private document: drafts are notes; votes are item id → number of dots; ratings are topic id → `{ rating, evidence }`. */
export const PRIVATE_LAYOUT: DocumentLayout = new Map<string, RootLayout>([
  [PrivateDocKey.drafts, noteRecords],
  [PrivateDocKey.votes, values(z.number().int())],
  [PrivateDocKey.ratings, values(ownRatingSchema)],
]);

/**
 * How deeply a plain JSON value nests objects and arrays (0 for a scalar),
 * counted without recursion and only as far as `limit + 1`: a value nested
 * thousands deep costs no more than one just past the limit.
 */
export function valueDepthBeyond(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.value instanceof Uint8Array) return true;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth });
  }
  return false;
}

/** Why a plain value does not fit its shape, or null when it does. */
export function valueProblem(shape: ValueShape, value: unknown): string | null {
  if (valueDepthBeyond(value, shape.depth)) return shape.depth === 0 ? 'holds an object where the layout has a plain value' : 'is nested deeper than the layout allows';
  return shape.schema.safeParse(value).success ? null : 'is not a value the layout allows there';
}
