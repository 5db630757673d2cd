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
