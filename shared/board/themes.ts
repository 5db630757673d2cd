import * as Y from 'yjs';
import { type Perspective, type Theme, THEME_TITLE_MAX_CHARS, themeSchema } from '../schema/exercise';
import { newRecordId, type NoteId, type PerspectiveId, type ThemeId } from '../schema/ids';
import type { Note } from '../schema/records';
import { DocKey, newRecord, notesMap, readRecords, topMap, writeFields } from './doc';

/** Every theme, oldest first. */
export function readThemes(doc: Y.Doc): Theme[] {
  return readRecords<Theme>(doc, DocKey.themes, themeSchema).sort(
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
    topMap(doc, DocKey.themes).set(id, newRecord({ id, title: cleanTitle(input.title) || 'Untitled theme', createdAt: input.now ?? Date.now() }));
    for (const noteId of input.noteIds ?? []) setNoteTheme(doc, noteId, id);
  }, origin);
  return id;
}

/** Renames a theme; a blank title is ignored. */
export function renameTheme(doc: Y.Doc, id: ThemeId, title: string, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.themes).get(id);
  const cleaned = cleanTitle(title);
  if (!(record instanceof Y.Map) || !cleaned) return false;
  doc.transact(() => writeFields(record, { title: cleaned }), origin);
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

/** How a theme stands across the perspectives. */
export type ThemeKind =
  /** Raised from several perspectives. */
  | 'similarity'
  /** Seen from one perspective only. */
  | 'difference'
  /** No notes yet. */
  | 'empty';

/** One theme in the comparison view. */
export interface ThemeComparison {
  theme: Theme;
  notes: Note[];
  kind: ThemeKind;
  /** Lanes with at least one note in the theme, in lane order. */
  contributing: PerspectiveId[];
  /** Lanes that said nothing on it. */
  silent: PerspectiveId[];
}

/** The comparison of the perspectives: similarities first (most perspectives first), then differences, then empty themes. */
export interface Comparison {
  themes: ThemeComparison[];
  similarities: ThemeComparison[];
  differences: ThemeComparison[];
  /** Notes not yet in any theme. */
  ungrouped: Note[];
}

const KIND_ORDER: Record<ThemeKind, number> = { similarity: 0, difference: 1, empty: 2 };

/**
 * Compares the perspectives theme by theme: which lanes contributed to each,
 * which said nothing, and so which themes are shared (similarities) and
 * which are seen by one lane only (differences). A pure function of what
 * the board holds, so every screen and every export agree.
 */
export function compareThemes(themes: readonly Theme[], notes: readonly Note[], perspectives: readonly Perspective[]): Comparison {
  const laneOrder = new Map(perspectives.map((p, index) => [p.id as string, index]));
  const byTheme = new Map<string, Note[]>(themes.map((t) => [t.id, []]));
  const ungrouped: Note[] = [];
  for (const note of notes) {
    const bucket = note.themeId ? byTheme.get(note.themeId) : undefined;
    if (bucket) bucket.push(note);
    else ungrouped.push(note);
  }
  const compared = themes.map((theme): ThemeComparison => {
    const themeNotes = byTheme.get(theme.id)!;
    const lanes = new Set(themeNotes.map((n) => n.perspectiveId).filter((id): id is PerspectiveId => id !== null && laneOrder.has(id)));
    const contributing = perspectives.filter((p) => lanes.has(p.id)).map((p) => p.id);
    const silent = perspectives.filter((p) => !lanes.has(p.id)).map((p) => p.id);
    const kind: ThemeKind = themeNotes.length === 0 ? 'empty' : contributing.length >= 2 ? 'similarity' : 'difference';
    return { theme, notes: themeNotes, kind, contributing, silent };
  });
  compared.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      b.contributing.length - a.contributing.length ||
      b.notes.length - a.notes.length ||
      a.theme.createdAt - b.theme.createdAt,
  );
  return {
    themes: compared,
    similarities: compared.filter((c) => c.kind === 'similarity'),
    differences: compared.filter((c) => c.kind === 'difference'),
    ungrouped,
  };
}
