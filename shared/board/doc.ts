import * as Y from 'yjs';

/**
 * The names of the top-level shared types in a board's Y.Doc. Changing one
 * is a schema change: it needs a migration (see docs/document-layout.md).
 */
export const DocKey = {
  /** Y.Map of the board's own fields: title, createdAt, schemaVersion. */
  board: 'board',
  /** Y.Map<NoteId, Y.Map> of sticky notes, one nested map per note. */
  notes: 'notes',
} as const;

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

/** Copies a nested record map into a plain object for validation. */
export function recordToObject(record: unknown): Record<string, unknown> | null {
  return record instanceof Y.Map ? (record.toJSON() as Record<string, unknown>) : null;
}
