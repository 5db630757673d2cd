import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, deleteNote, moveNote, NoteIndex, readNote, readNotes, updateNote } from '../../shared/document/notes';
import { notesMap, recordKeysChangedBy } from '../../shared/document/doc';
import { initBoard, renameBoard } from '../../shared/document/board';
import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX, NOTE_HEIGHT_PX, NOTE_TEXT_MAX_CHARS, NOTE_WIDTH_PX } from '../../shared/schema/records';
import type { NoteId, ParticipantId } from '../../shared/schema/ids';

const author = { authorId: 'p1' as ParticipantId, authorName: 'Priya' };

function sync(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('notes', () => {
  it('adds a note with every field filled in', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, text: 'More flexible rotas', x: 10, y: 20, now: 1000 });
    expect(readNote(doc, id)).toEqual({
      id,
      text: 'More flexible rotas',
      x: 10,
      y: 20,
      colour: 'yellow',
      authorId: 'p1',
      authorName: 'Priya',
      perspectiveId: null,
      themeId: null,
      createdAt: 1000,
      updatedAt: 1000,
    });
  });

  it('stores each note as a nested map so fields merge separately', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, x: 0, y: 0 });
    expect(notesMap(doc).get(id)).toBeInstanceOf(Y.Map);
  });

  it('keeps notes inside the board and rounds positions', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, x: -50, y: 99999.7 });
    expect(readNote(doc, id)).toMatchObject({ x: 0, y: BOARD_HEIGHT_PX - NOTE_HEIGHT_PX });
    moveNote(doc, id, BOARD_WIDTH_PX + 1, Number.NaN);
    expect(readNote(doc, id)).toMatchObject({ x: BOARD_WIDTH_PX - NOTE_WIDTH_PX, y: 0 });
  });

  it('cuts text at the maximum length instead of refusing it', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, x: 0, y: 0, text: 'a'.repeat(NOTE_TEXT_MAX_CHARS + 50) });
    expect(readNote(doc, id)!.text).toHaveLength(NOTE_TEXT_MAX_CHARS);
    updateNote(doc, id, { text: 'b'.repeat(NOTE_TEXT_MAX_CHARS * 2) });
    expect(readNote(doc, id)!.text).toHaveLength(NOTE_TEXT_MAX_CHARS);
  });

  it('updates only the fields given and stamps the update time only on a real change', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, x: 0, y: 0, text: 'a', now: 1 });
    updateNote(doc, id, { text: 'a' }, null, 5);
    expect(readNote(doc, id)!.updatedAt).toBe(1);
    updateNote(doc, id, { colour: 'pink' }, null, 6);
    expect(readNote(doc, id)).toMatchObject({ text: 'a', colour: 'pink', updatedAt: 6 });
  });

  it('reports a change to a deleted note instead of recreating it', () => {
    const doc = new Y.Doc();
    const id = addNote(doc, { ...author, x: 0, y: 0 });
    expect(deleteNote(doc, id)).toBe(true);
    expect(deleteNote(doc, id)).toBe(false);
    expect(updateNote(doc, id, { text: 'x' })).toBe(false);
    expect(readNotes(doc)).toEqual([]);
  });

  it('runs each function in one transaction with the given origin', () => {
    const doc = new Y.Doc();
    const origin = { who: 'me' };
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const id = addNote(doc, { ...author, x: 0, y: 0 }, origin);
    updateNote(doc, id, { text: 'x', x: 5, colour: 'blue' }, origin);
    deleteNote(doc, id, origin);
    expect(origins).toEqual([origin, origin, origin]);
  });

  it('merges a concurrent move and text edit of one note from two replicas', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const id = addNote(a, { ...author, x: 0, y: 0, text: 'start' });
    sync(a, b);
    updateNote(a, id, { text: 'edited on a' });
    moveNote(b, id, 300, 200);
    sync(a, b);
    expect(readNote(a, id)).toMatchObject({ text: 'edited on a', x: 300, y: 200 });
    expect(readNotes(a)).toEqual(readNotes(b));
  });

  it('skips malformed records written by a tampered client instead of failing', () => {
    const doc = new Y.Doc();
    addNote(doc, { ...author, x: 0, y: 0, text: 'good' });
    const bad = new Y.Map<unknown>();
    notesMap(doc).set('bad' as NoteId, bad);
    bad.set('text', 42);
    notesMap(doc).set('worse' as NoteId, 'not a map' as unknown as Y.Map<unknown>);
    expect(readNotes(doc).map((n) => n.text)).toEqual(['good']);
  });

  it('lists notes oldest first, in the same order on every replica', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addNote(a, { ...author, x: 0, y: 0, text: 'second', now: 2, id: 'b' as NoteId });
    addNote(b, { ...author, x: 0, y: 0, text: 'first', now: 1, id: 'z' as NoteId });
    addNote(b, { ...author, x: 0, y: 0, text: 'tie', now: 2, id: 'a' as NoteId });
    sync(a, b);
    expect(readNotes(a).map((n) => n.text)).toEqual(['first', 'tie', 'second']);
    expect(readNotes(b)).toEqual(readNotes(a));
  });
});

describe('which records a transaction changed', () => {
  function keysOf(doc: Y.Doc, change: () => void): string[] {
    let keys: string[] = [];
    const listener = (tr: Y.Transaction) => (keys = recordKeysChangedBy(tr));
    doc.on('afterTransaction', listener);
    change();
    doc.off('afterTransaction', listener);
    return keys;
  }

  it('names the note that was added, edited, moved or deleted, and the board field that changed', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    let id = '' as NoteId;
    expect(keysOf(doc, () => (id = addNote(doc, { ...author, x: 0, y: 0 })))).toEqual([`notes/${id}`]);
    expect(keysOf(doc, () => updateNote(doc, id, { text: 'x', x: 40 }))).toEqual([`notes/${id}`]);
    expect(keysOf(doc, () => deleteNote(doc, id))).toEqual([`notes/${id}`]);
    expect(keysOf(doc, () => renameBoard(doc, 'New title'))).toEqual(['board/title']);
  });

  it('names every note one transaction touched', () => {
    const doc = new Y.Doc();
    const a = addNote(doc, { ...author, x: 0, y: 0 });
    const b = addNote(doc, { ...author, x: 0, y: 0 });
    const keys = keysOf(doc, () => doc.transact(() => {
      updateNote(doc, a, { text: 'one' });
      updateNote(doc, b, { text: 'two' });
    }));
    expect(keys).toEqual([`notes/${a}`, `notes/${b}`].sort());
  });
});

describe('the note index', () => {
  function indexed(doc: Y.Doc) {
    const index = new NoteIndex(doc);
    doc.on('afterTransaction', (tr: Y.Transaction) => index.noteTransaction(tr));
    return index;
  }

  it('lists what readNotes lists after every kind of local and remote change', () => {
    const here = new Y.Doc();
    const there = new Y.Doc();
    const index = indexed(here);
    const a = addNote(here, { ...author, x: 0, y: 0, text: 'a', now: 2 });
    expect(index.readNotes()).toEqual(readNotes(here));
    const b = addNote(there, { ...author, x: 0, y: 0, text: 'b', now: 1 });
    sync(here, there);
    expect(index.readNotes()).toEqual(readNotes(here));
    updateNote(there, b, { text: 'b edited', x: 90 });
    deleteNote(there, a);
    sync(here, there);
    expect(index.readNotes().map((n) => n.text)).toEqual(['b edited']);
    expect(index.readNotes()).toEqual(readNotes(here));
    const bad = new Y.Map<unknown>();
    here.transact(() => notesMap(here).set('bad' as NoteId, bad));
    expect(index.readNotes()).toEqual(readNotes(here));
  });

  it('keeps the same object for every note a change did not touch', () => {
    const doc = new Y.Doc();
    const index = indexed(doc);
    const a = addNote(doc, { ...author, x: 0, y: 0, text: 'a' });
    const b = addNote(doc, { ...author, x: 0, y: 0, text: 'b' });
    const before = index.readNotes();
    updateNote(doc, a, { text: 'a edited' });
    const after = index.readNotes();
    expect(after.find((n) => n.id === b)).toBe(before.find((n) => n.id === b));
    expect(after.find((n) => n.id === a)).not.toBe(before.find((n) => n.id === a));
    expect(index.readNotes()).toBe(after);
  });
});
