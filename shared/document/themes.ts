import * as Y from 'yjs';
import { type Theme, THEME_TITLE_MAX_CHARS, themeSchema } from '../schema/exercise';
import { newRecordId, type NoteId, type ThemeId } from '../schema/ids';
import { DocKey, newRecord, notesMap, readRecords, topMap, writeFields } from './doc';
import { writeTextField } from './text';

/** Every theme, oldest first. */
export function readThemes(doc: Y.Doc): Theme[] {
  return readRecords(doc, DocKey.themes, themeSchema).sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  );
}

function cleanTitle(title: string): string {
  return title.trim().slice(0, THEME_TITLE_MAX_CHARS);
}

function setNoteTheme(doc: Y.Doc, noteId: NoteId, themeId: ThemeId | null): boolean {
  const note = notesMap(doc).get(noteId);
  if (!(note instanceof Y.Map)) return false;
  writeFields(note, { themeId, updatedAt: Date.now() });
  return true;
}

/** Creates a theme, optionally holding some notes straight away, and returns its id. */
export function addTheme(
  doc: Y.Doc,
  input: { title: string; noteIds?: readonly NoteId[]; now?: number; id?: ThemeId },
  origin: unknown = null,
): ThemeId {
  const id = input.id ?? newRecordId<ThemeId>();
  doc.transact(() => {
    topMap(doc, DocKey.themes).set(id, newRecord({ id, title: new Y.Text(cleanTitle(input.title) || 'Untitled theme'), createdAt: input.now ?? Date.now() }));
    for (const noteId of input.noteIds ?? []) setNoteTheme(doc, noteId, id);
  }, origin);
  return id;
}

/** Renames a theme; a blank title is ignored. */
export function renameTheme(doc: Y.Doc, id: ThemeId, title: string, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.themes).get(id);
  const cleaned = cleanTitle(title);
  if (!(record instanceof Y.Map) || !cleaned) return false;
  doc.transact(() => writeTextField(record, 'title', cleaned), origin);
  return true;
}

/** Puts a note in a theme, or takes it out of any with null. Returns false when the note or theme is gone. */
export function moveNoteToTheme(doc: Y.Doc, noteId: NoteId, themeId: ThemeId | null, origin: unknown = null): boolean {
  if (themeId !== null && !topMap(doc, DocKey.themes).has(themeId)) return false;
  let moved = false;
  doc.transact(() => {
    moved = setNoteTheme(doc, noteId, themeId);
  }, origin);
  return moved;
}

/**
 * Drops one note onto another: both end up in the target's theme, or, when
 * the target has none, in a new theme named after the target note.
 */
export function groupNotes(doc: Y.Doc, draggedId: NoteId, targetId: NoteId, origin: unknown = null): ThemeId | null {
  if (draggedId === targetId) return null;
  const target = notesMap(doc).get(targetId);
  if (!(target instanceof Y.Map) || !notesMap(doc).has(draggedId)) return null;
  const existing = target.get('themeId');
  if (typeof existing === 'string' && topMap(doc, DocKey.themes).has(existing)) {
    moveNoteToTheme(doc, draggedId, existing as ThemeId, origin);
    return existing as ThemeId;
  }
  const text = String(target.get('text') ?? '').trim();
  return addTheme(doc, { title: text.length > 60 ? `${text.slice(0, 60)}…` : text, noteIds: [targetId, draggedId] }, origin);
}

/** Deletes a theme; its notes go back to having none. */
export function deleteTheme(doc: Y.Doc, id: ThemeId, origin: unknown = null): void {
  doc.transact(() => {
    for (const note of notesMap(doc).values()) {
      if (note instanceof Y.Map && note.get('themeId') === id) note.set('themeId', null);
    }
    topMap(doc, DocKey.themes).delete(id);
  }, origin);
}

