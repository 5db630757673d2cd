import type * as Y from 'yjs';
import { addNote, deleteNote, moveNote, updateNote } from '../../shared/document/notes';
import type { ParticipantId } from '../../shared/schema/ids';
import type { BoardActions } from './types';
import { writeStep, type WritingContext } from './writeStep';

/** What a person can do to the board's sticky notes. */
export type NoteActions = Pick<BoardActions, 'addNote' | 'updateNote' | 'moveNote' | 'deleteNote'>;

/** What the note actions work on. */
export interface NoteContext extends WritingContext {
  doc: Y.Doc;
  origin: object;
  /** The author of the notes added; null for a viewer. */
  participant: { participantId: string; displayName: string } | null;
}

/** The note actions of one connection: everyone who may edit may add, change, move and delete notes. */
export function createNoteActions(ctx: NoteContext): NoteActions {
  const { doc, origin } = ctx;
  const write = writeStep(ctx);
  return {
    addNote: (position, text = '') => {
      const participant = ctx.participant;
      if (!participant) return null;
      return write(
        () =>
          addNote(
            doc,
            { x: position.x, y: position.y, text, authorId: participant.participantId as ParticipantId, authorName: participant.displayName },
            origin,
          ),
        null,
      );
    },
    updateNote: (id, edit) => write(() => void updateNote(doc, id, edit, origin), undefined),
    moveNote: (id, position) => write(() => void moveNote(doc, id, position.x, position.y, origin), undefined),
    deleteNote: (id) => write(() => void deleteNote(doc, id, origin), undefined),
  };
}
