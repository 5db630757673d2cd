import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';

/**
 * Notes as a store holds them, for tests that write to storage and read it
 * back without a server in between.
 */

/** A document's state with one note, as a Yjs update. */
export function noteUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  addNote(doc, { text, x: 0, y: 0, authorId: null, authorName: '' });
  return Y.encodeStateAsUpdate(doc);
}

/** The notes' texts a document's stored parts make, applied in the order loaded. */
export function textsOf(parts: Uint8Array[]): string[] {
  const doc = new Y.Doc();
  for (const part of parts) Y.applyUpdate(doc, part);
  return readNotes(doc).map((note) => note.text);
}
