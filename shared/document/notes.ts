import * as Y from 'yjs';
import { newNoteId, type NoteId, type ParticipantId, type PerspectiveId } from '../schema/ids';
import {
  clampNotePosition,
  DEFAULT_NOTE_COLOUR,
  DISPLAY_NAME_MAX_CHARS,
  type Note,
  type NoteColour,
  NOTE_COLOURS,
  NOTE_TEXT_MAX_CHARS,
  noteSchema,
} from '../schema/records';
import { DocKey, notesMap, readRecord, readRecords, type RecordMap, recordKeysChangedBy } from './doc';

/** What a person supplies when adding a note; the rest is filled in. */
export interface AddNoteInput {
  text?: string;
  x: number;
  y: number;
  colour?: NoteColour;
  authorId: ParticipantId | null;
  authorName: string;
  /** The perspective lane it is written in, in the exercise. */
  perspectiveId?: PerspectiveId | null;
  /** For tests and imports; defaults to now. */
  now?: number;
  /** For tests and imports; defaults to a fresh id. */
  id?: NoteId;
}

/** The fields of a note a person can change after adding it. */
export interface NoteChanges {
  text?: string;
  x?: number;
  y?: number;
  colour?: NoteColour;
}

/** Adds a sticky note and returns its id. */
export function addNote(doc: Y.Doc, input: AddNoteInput, origin: unknown = null): NoteId {
  const id = input.id ?? newNoteId();
  const now = input.now ?? Date.now();
  const { x, y } = clampNotePosition(input.x, input.y);
  doc.transact(() => {
    const record: RecordMap = new Y.Map();
    record.set('id', id);
    record.set('text', (input.text ?? '').slice(0, NOTE_TEXT_MAX_CHARS));
    record.set('x', x);
    record.set('y', y);
    record.set('colour', input.colour ?? DEFAULT_NOTE_COLOUR);
    record.set('authorId', input.authorId);
    record.set('authorName', input.authorName.slice(0, DISPLAY_NAME_MAX_CHARS));
    record.set('perspectiveId', input.perspectiveId ?? null);
    record.set('themeId', null);
    record.set('createdAt', now);
    record.set('updatedAt', now);
    notesMap(doc).set(id, record);
  }, origin);
  return id;
}

/**
 * Changes some fields of a note. Only the fields given are written, so one
 * person moving a note and another editing its text both keep their change.
 * Returns false when the note no longer exists (someone deleted it).
 */
export function updateNote(
  doc: Y.Doc,
  id: NoteId,
  changes: NoteChanges,
  origin: unknown = null,
  now: number = Date.now(),
): boolean {
  const record = notesMap(doc).get(id);
  if (!(record instanceof Y.Map)) return false;
  doc.transact(() => {
    let changed = false;
    if (changes.text !== undefined) {
      const text = changes.text.slice(0, NOTE_TEXT_MAX_CHARS);
      if (record.get('text') !== text) {
        record.set('text', text);
        changed = true;
      }
    }
    if (changes.x !== undefined || changes.y !== undefined) {
      const current = { x: Number(record.get('x')), y: Number(record.get('y')) };
      const next = clampNotePosition(changes.x ?? current.x, changes.y ?? current.y);
      if (next.x !== current.x) record.set('x', next.x);
      if (next.y !== current.y) record.set('y', next.y);
      changed ||= next.x !== current.x || next.y !== current.y;
    }
    if (changes.colour !== undefined && NOTE_COLOURS.includes(changes.colour)) {
      if (record.get('colour') !== changes.colour) {
        record.set('colour', changes.colour);
        changed = true;
      }
    }
    if (changed) record.set('updatedAt', now);
  }, origin);
  return true;
}

/** Moves a note to a new position on the board (kept inside the board). */
export function moveNote(doc: Y.Doc, id: NoteId, x: number, y: number, origin: unknown = null): boolean {
  return updateNote(doc, id, { x, y }, origin);
}

/** Deletes a note. Returns false when it was already gone. */
export function deleteNote(doc: Y.Doc, id: NoteId, origin: unknown = null): boolean {
  const notes = notesMap(doc);
  if (!notes.has(id)) return false;
  doc.transact(() => notes.delete(id), origin);
  return true;
}

/** One note, validated; null when it does not exist or is malformed. */
export function readNote(doc: Y.Doc, id: NoteId): Note | null {
  return readRecord(doc, DocKey.notes, id, noteSchema);
}

/** Oldest first, ties broken by id, so every replica lists notes in the same order. */
function byCreation(a: Note, b: Note): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Every well-formed note, oldest first (ties broken by id so every replica
 * lists them in the same order). Malformed records are skipped, not thrown on:
 * one bad record must not take the whole board down.
 */
export function readNotes(doc: Y.Doc): Note[] {
  return readRecords(doc, DocKey.notes, noteSchema).sort(byCreation);
}

const NOTE_KEY_PREFIX = `${DocKey.notes}/`;

/**
 * The notes of a document, kept up to date by re-reading only the notes each
 * transaction changed. A view that redraws on every change (a board of a
 * thousand notes, a remote client adding ten a second) then validates one
 * note per change instead of all of them, and unchanged notes keep the same
 * object, so a memoised component need not redraw them.
 */
export class NoteIndex {
  private readonly notes = new Map<NoteId, Note>();
  private readonly changed = new Set<NoteId>();
  private rebuildAll = true;
  private list: Note[] = [];

  constructor(private readonly doc: Y.Doc) {}

  /** Records which notes a transaction changed; call it from the document's `afterTransaction`. */
  noteTransaction(transaction: Y.Transaction): void {
    this.noteChangedRecords(recordKeysChangedBy(transaction));
  }

  /** The same, for a caller that has already worked out the records a transaction changed. */
  noteChangedRecords(records: readonly string[]): void {
    for (const key of records) {
      if (key.startsWith(NOTE_KEY_PREFIX)) this.changed.add(key.slice(NOTE_KEY_PREFIX.length) as NoteId);
    }
  }

  /** Every well-formed note, oldest first, as `readNotes` gives them. */
  readNotes(): Note[] {
    if (this.rebuildAll) {
      this.rebuildAll = false;
      this.changed.clear();
      this.notes.clear();
      for (const note of readNotes(this.doc)) this.notes.set(note.id, note);
      this.list = [...this.notes.values()];
      return this.list;
    }
    if (this.changed.size === 0) return this.list;
    for (const id of this.changed) {
      const note = readNote(this.doc, id);
      if (note) this.notes.set(id, note);
      else this.notes.delete(id);
    }
    this.changed.clear();
    this.list = [...this.notes.values()].sort(byCreation);
    return this.list;
  }
}
