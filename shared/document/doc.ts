import * as Y from 'yjs';
import type { z } from 'zod';
import { DIAGRAM_TEXT_MAX_CHARS, DIAGRAM_TITLE_MAX_CHARS } from '../schema/driverRecords';
import { ACTION_FIELD_MAX_CHARS, ACTION_STEP_MAX_CHARS, THEME_TITLE_MAX_CHARS } from '../schema/exercise';

/**
 * The names of the top-level shared types in a board's Y.Doc. Changing one
 * is a schema change: it needs a migration (see docs/document-layout.md).
 */
export const DocKey = {
  /** Y.Map of the board's own fields: title, createdAt, schemaVersion. */
  board: 'board',
  /** Y.Map<NoteId, Y.Map> of sticky notes, one nested map per note. */
  notes: 'notes',
  /** Y.Map of what the facilitator steers: template, phase, settings, timer (schema 2). */
  session: 'session',
  /** Y.Map<PerspectiveId, Y.Map> of perspective lanes. */
  perspectives: 'perspectives',
  /** Y.Map<ParticipantId, Y.Map> of each person's group and "done writing" flag. */
  members: 'members',
  /**
   * Y.Map of three keys, `drafts`, `voters` and `dots`: the Progress of everyone
   * together, never per person, written by the server.
   */
  progress: 'progress',
  /** Y.Map<ThemeId, Y.Map> of themes. */
  themes: 'themes',
  /** Y.Map of two keys, `items` and `voters`: the VoteTally the server publishes when voting closes; empty before. */
  votes: 'votes',
  /** Y.Map<ActionId, Y.Map> of draft actions. */
  actions: 'actions',
  /** Y.Map<`${ActionId}/${ParticipantId}`, 'agree' | 'concern'>. */
  actionResponses: 'actionResponses',
  /** Y.Map<DiagramId, Y.Map> of driver diagrams, each with its aim (schema 3). */
  diagrams: 'diagrams',
  /** Y.Map<DriverNodeId, Y.Map> of every diagram's drivers and change ideas. */
  driverNodes: 'driverNodes',
  /** Y.Map<`${ActionId}/${question}`, { done, note }>: the next-steps check of each action (schema 4). */
  actionChecks: 'actionChecks',
  /** Y.Map<`${ActionId}/${step}`, string>: the evaluation plan of each action (schema 4). */
  actionEvaluations: 'actionEvaluations',
  /** Y.Map<`${ActionId}/${ActionStepId}`, Y.Map>: each action's steps to take, as a checklist (schema 5), one record `{ text, done, order }` each (schema 6). */
  actionSteps: 'actionSteps',
  /** Y.Map<TopicId, Y.Map> of the self-assessment's topics, each `{ id, title, order, createdAt }` (schema 7); the facilitator writes them. */
  assessmentTopics: 'assessmentTopics',
  /** Y.Map of two keys, `raters` and `topics`: the AssessmentSpread the server publishes while the ratings are revealed; empty before. */
  assessmentSpread: 'assessmentSpread',
  /** Y.Map<TopicId, { rating, note, agreedAt }>: the rating the group agreed per topic; the facilitator writes them. */
  assessmentAgreed: 'assessmentAgreed',
  /**
   * Y.Map of two keys, `stage` (0, 30, 60 or 90) and `history` (a plain array
   * of CycleSnapshot, oldest first): where the board stands in its retention
   * cycle (schema 8). The server writes it, once, when it creates a check-in;
   * a board without it is a workshop with no history.
   */
  cycle: 'cycle',
} as const;

/**
 * The top-level types of a participant's private document, which only that
 * person and the server can read: drafts before the reveal, dots before
 * voting closes, and self-assessment ratings (only their counts and evidence
 * ever leave, at the facilitator's reveal).
 */
export const PrivateDocKey = {
  /**
   * Y.Map<NoteId, Y.Map> of draft notes, in the same shape as board notes and
   * under the same name, so the note functions work on drafts unchanged.
   */
  drafts: 'notes',
  /** Y.Map<item id, number>: this person's dots. */
  votes: 'votes',
  /** Y.Map<TopicId, { rating, evidence }>: this person's self-assessment ratings (schema 7). */
  ratings: 'ratings',
} as const;

/**
 * The fields people co-edit as live text (schema 6): each a `Y.Text` of
 * plain characters, by top-level name, with the most characters it holds
 * (docs/document-layout.md, "Shared text").
 */
export const SHARED_TEXT_FIELDS: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map([
  [DocKey.themes, new Map([['title', THEME_TITLE_MAX_CHARS]])],
  [DocKey.actions, new Map([['topic', ACTION_FIELD_MAX_CHARS], ['action', ACTION_FIELD_MAX_CHARS], ['owner', ACTION_FIELD_MAX_CHARS], ['success', ACTION_FIELD_MAX_CHARS], ['review', ACTION_FIELD_MAX_CHARS]])],
  [DocKey.actionSteps, new Map([['text', ACTION_STEP_MAX_CHARS]])],
  [DocKey.diagrams, new Map([['title', DIAGRAM_TITLE_MAX_CHARS], ['aim', DIAGRAM_TEXT_MAX_CHARS], ['aimMeasure', DIAGRAM_TEXT_MAX_CHARS]])],
  [DocKey.driverNodes, new Map([['text', DIAGRAM_TEXT_MAX_CHARS], ['measure', DIAGRAM_TEXT_MAX_CHARS]])],
]);

/** The names of a root's shared-text fields (none for a root without any). */
export function sharedTextFieldsOf(root: string): ReadonlySet<string> {
  return new Set(SHARED_TEXT_FIELDS.get(root)?.keys() ?? []);
}

/** A top-level map of a document, by name. */
export function topMap(doc: Y.Doc, name: string): Y.Map<unknown> {
  return doc.getMap(name);
}

/** A record stored in the document: a nested Y.Map so concurrent edits merge field by field. */
export type RecordMap = Y.Map<unknown>;

/** The board's own fields. */
export function boardMap(doc: Y.Doc): RecordMap {
  return doc.getMap(DocKey.board);
}

/** All notes, keyed by note id. */
export function notesMap(doc: Y.Doc): Y.Map<RecordMap> {
  return doc.getMap<RecordMap>(DocKey.notes);
}

/** The most keys a plain JSON field value may have; the layout's widest (a timer) has five. */
const FLAT_VALUE_MAX_KEYS = 16;

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * A plain JSON value that is an object one level deep (`{ kind, date }`,
 * `{ text, done, order }`, `{ done, note }`), or null when it is anything
 * else. The layout's object values are all flat (docs/document-layout.md),
 * so a value holding an object, an array or a shared type is refused by
 * looking at its own keys only, never by walking what a hostile writer
 * nested inside it.
 */
export function readFlatObject(value: unknown): Record<string, string | number | boolean | null> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return null;
  const keys = Object.keys(value);
  if (keys.length > FLAT_VALUE_MAX_KEYS) return null;
  const fields: Record<string, string | number | boolean | null> = {};
  for (const key of keys) {
    const field = (value as Record<string, unknown>)[key];
    if (!isPrimitive(field)) return null;
    fields[key] = field;
  }
  return fields;
}

/**
 * Reads a record's fields one by one into a plain object for validation, or
 * null when the record is not a `Y.Map`. A field holds what the layout allows
 * (docs/document-layout.md): a string, number, boolean or null, or a flat
 * object, or for one of `textFields` a `Y.Text`, read as its characters.
 * Anything else (a nested `Y.Map`, a `Y.Text` where the layout has none, a
 * `Y.Array`, an array, a deeper object) is left out, so the validator sees
 * the field as missing: it defaults it or refuses the record. Nothing is
 * copied recursively, so a record nested thousands of levels deep costs one
 * look per field.
 */
export function readRecordFields(record: unknown, textFields: ReadonlySet<string> = new Set()): Record<string, unknown> | null {
  if (!(record instanceof Y.Map)) return null;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of (record as Y.Map<unknown>).entries()) {
    if (isPrimitive(value)) fields[key] = value;
    else if (value instanceof Y.Text && value.constructor === Y.Text) {
      if (textFields.has(key)) fields[key] = value.toString();
    } else {
      const flat = readFlatObject(value);
      if (flat) fields[key] = flat;
    }
  }
  return fields;
}

/** Any shared type of a document, as Yjs types the keys of `Transaction.changed`. */
type SharedType = Parameters<Y.Transaction['changed']['get']>[0];

/**
 * The records a transaction changed, as `<top-level name>/<key>` (for
 * example `notes/abc123`, or `board/title`). Several transactions on one note
 * (add it, then type its text) name the same record, which is how a person
 * counts changes: by the things they changed, not by keystrokes.
 */
export function recordKeysChangedBy(transaction: Y.Transaction): string[] {
  const topLevelNames = new Map<SharedType, string>();
  for (const [name, type] of transaction.doc.share) topLevelNames.set(type, name);
  const keys = new Set<string>();
  for (const [type, changedKeys] of transaction.changed) {
    const topName = topLevelNames.get(type);
    if (topName !== undefined) {
      // A top-level map: each changed key is a record (added, replaced or deleted).
      for (const key of changedKeys) keys.add(key === null ? topName : `${topName}/${key}`);
      continue;
    }
    // A nested type: climb to the child of a top-level type; that child is the record.
    let child: SharedType = type;
    while (child.parent && !topLevelNames.has(child.parent)) child = child.parent;
    const parentName = child.parent ? topLevelNames.get(child.parent) : undefined;
    const recordKey = child._item?.parentSub;
    if (parentName !== undefined && recordKey) keys.add(`${parentName}/${recordKey}`);
  }
  return [...keys].sort();
}

/** The validator of a record that carries its own id (equal to its key); the record's type is what it reads. */
type RecordSchema = z.ZodType<{ id: string }>;

/**
 * A record read field by field and validated, or null when it does not read
 * or its id is not the key it is filed under.
 */
function parseRecord<Schema extends RecordSchema>(key: string, record: unknown, schema: Schema, textFields: ReadonlySet<string>): z.output<Schema> | null {
  const parsed = schema.safeParse(readRecordFields(record, textFields));
  return parsed.success && parsed.data.id === key ? parsed.data : null;
}

/** One record of a top-level map, validated; null when there is none under the key or it does not read. */
export function readRecord<Schema extends RecordSchema>(doc: Y.Doc, name: string, key: string, schema: Schema): z.output<Schema> | null {
  return parseRecord(key, topMap(doc, name).get(key), schema, sharedTextFieldsOf(name));
}

/**
 * Every record of a top-level map that passes its validator: a record a
 * tampered client wrote badly is skipped, not thrown on.
 */
export function readRecords<Schema extends RecordSchema>(doc: Y.Doc, name: string, schema: Schema): z.output<Schema>[] {
  const records: z.output<Schema>[] = [];
  const textFields = sharedTextFieldsOf(name);
  for (const [key, value] of topMap(doc, name).entries()) {
    const record = parseRecord(key, value, schema, textFields);
    if (record !== null) records.push(record);
  }
  return records;
}

/** Writes the given fields of a nested record, skipping those that already hold the value. */
export function writeFields(record: RecordMap, fields: Record<string, unknown>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || record.get(key) === value) continue;
    record.set(key, value);
    changed = true;
  }
  return changed;
}

/** A new nested record holding the given fields. */
export function newRecord(fields: Record<string, unknown>): RecordMap {
  const record: RecordMap = new Y.Map();
  for (const [key, value] of Object.entries(fields)) record.set(key, value);
  return record;
}
