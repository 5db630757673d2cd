import type * as Y from 'yjs';
import { type Progress, progressSchema } from '../schema/exercise';
import type { NoteId } from '../schema/ids';
import { DocKey, newRecord, notesMap, topMap } from './doc';
import { readNotes } from './notes';
import { readOwnBallot } from './votes';
import { dotsUsed } from '../exercise/votes';

/**
 * Private writing. Before the reveal a participant's notes live in their
 * private document, which only they and the server can read; the board
 * shows only counts. At the reveal the server moves every draft onto the
 * board. The private document uses the board's note layout, so `addNote`,
 * `updateNote`, `deleteNote` and `readNotes` work on drafts as they are.
 */

/** How many drafts a private document holds in each lane. */
function countDraftsByLane(privateDoc: Y.Doc): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const note of readNotes(privateDoc)) {
    const lane = note.perspectiveId ?? '';
    counts[lane] = (counts[lane] ?? 0) + 1;
  }
  return counts;
}

/** What a private document shows the others: how many drafts in each lane, how many dots placed. */
export function progressOf(privateDoc: Y.Doc): Progress {
  return { drafts: countDraftsByLane(privateDoc), dots: dotsUsed(readOwnBallot(privateDoc)) };
}

/** Records a person's progress on the board; returns false when it had not changed. */
export function writeProgress(doc: Y.Doc, participantId: string, progress: Progress, origin: unknown = null): boolean {
  const map = topMap(doc, DocKey.progress);
  if (JSON.stringify(map.get(participantId)) === JSON.stringify(progress)) return false;
  doc.transact(() => map.set(participantId, progress), origin);
  return true;
}

/** Everyone's progress, keyed by participant id. */
export function readProgress(doc: Y.Doc): Map<string, Progress> {
  const result = new Map<string, Progress>();
  for (const [participantId, value] of topMap(doc, DocKey.progress).entries()) {
    const parsed = progressSchema.safeParse(value);
    if (parsed.success) result.set(participantId, parsed.data);
  }
  return result;
}

/** Drafts in each lane across everyone: the live counts people see before the reveal. */
export function draftCountsByLane(doc: Y.Doc): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { drafts } of readProgress(doc).values()) {
    for (const [lane, count] of Object.entries(drafts)) totals.set(lane, (totals.get(lane) ?? 0) + count);
  }
  return totals;
}

/**
 * Moves every draft of a private document onto the board, in one
 * transaction on each document. With anonymity on, the notes reach the
 * board with no author; they are written by the caller's document (the
 * server's), so not even the Yjs client id ties a note to its author.
 * Notes keep their ids, so moving the same draft twice (after a crash
 * between the two writes) leaves one note. Returns the ids moved.
 *
 * The board write happens first: the caller must make it durable before it
 * lets the private deletion be stored, so a draft is never in neither place.
 */
export function copyDraftsToBoard(boardDoc: Y.Doc, privateDoc: Y.Doc, anonymous: boolean, origin: unknown = null): NoteId[] {
  const drafts = readNotes(privateDoc);
  if (drafts.length === 0) return [];
  boardDoc.transact(() => {
    const notes = notesMap(boardDoc);
    for (const draft of drafts) {
      notes.set(
        draft.id,
        newRecord({
          ...draft,
          themeId: null,
          authorId: anonymous ? null : draft.authorId,
          authorName: anonymous ? '' : draft.authorName,
        }),
      );
    }
  }, origin);
  return drafts.map((draft) => draft.id);
}

/** Deletes the given drafts from a private document (after they reached the board). */
export function deleteDrafts(privateDoc: Y.Doc, ids: readonly NoteId[], origin: unknown = null): void {
  if (ids.length === 0) return;
  privateDoc.transact(() => {
    const notes = notesMap(privateDoc);
    for (const id of ids) notes.delete(id);
  }, origin);
}

