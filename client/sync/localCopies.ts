import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { ROLES } from '../../shared/schema/api';
import { recallParticipant } from '../state/credentials';

/**
 * Where this device keeps its copies of a board, in IndexedDB. Each copy is
 * one person's: the board as they last saw it, with what they changed offline,
 * and their private document (drafts, dots). Two people in one browser (the
 * facilitator testing the participant link in a second tab) must never load
 * each other's copy, or the drafts of one would be uploaded as the other's.
 * See docs/client.md, "Copies on this device".
 */

/** Which of a person's documents a copy holds. */
export type LocalCopyKind = 'board' | 'private';

/** The IndexedDB database holding one person's copy of a board, or of their private document. */
export function localDatabaseName(boardId: string, participantId: string, kind: LocalCopyKind): string {
  return `retain-board-${boardId}-by-${participantId}${kind === 'private' ? '-private' : ''}`;
}

/** The database of the same copy when copies were kept per board, not per person. */
function legacyDatabaseName(boardId: string, kind: LocalCopyKind): string {
  return `retain-board-${boardId}${kind === 'private' ? '-private' : ''}`;
}

/**
 * Moves the copies an older release kept per board (the board and the private
 * document) into this person's documents, if they are the only person this
 * browser has registered on the board.
 */
export function claimLegacyCopies(boardId: string, docs: Record<LocalCopyKind, Y.Doc>): void {
  if (!isOnlyPersonHere(boardId)) return;
  void claimLegacyCopy(boardId, 'board', docs.board);
  void claimLegacyCopy(boardId, 'private', docs.private);
}

/**
 * True when this browser has registered exactly one person on the board: then
 * whatever an older release kept per board was that person's, and only then
 * is it theirs to claim. With two registrations (facilitator and participant)
 * nobody can tell whose it was, so nobody claims it.
 */
function isOnlyPersonHere(boardId: string): boolean {
  return ROLES.filter((role) => recallParticipant(boardId, role) !== null).length === 1;
}

/**
 * Moves a copy an older release kept per board into this person's document,
 * then deletes it, so drafts written offline before the upgrade are not lost.
 * Does nothing when there is no such copy or the browser cannot list its
 * databases (nothing is created by looking).
 */
async function claimLegacyCopy(boardId: string, kind: LocalCopyKind, doc: Y.Doc): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const name = legacyDatabaseName(boardId, kind);
  const existing = await indexedDB.databases();
  if (!existing.some((database) => database.name === name)) return;
  const legacyDoc = new Y.Doc();
  const legacy = new IndexeddbPersistence(name, legacyDoc);
  await legacy.whenSynced;
  // Deleted only once it is in the person's own document; a page closed meanwhile claims it next time.
  if (doc.isDestroyed) await legacy.destroy();
  else {
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(legacyDoc));
    await legacy.clearData();
  }
  legacyDoc.destroy();
}
