import { memo, useCallback } from 'react';
import { useDraggable } from '@dnd-kit/core';
import type { Note as NoteRecord } from '../../../shared/schema/records';
import { Note } from '../../components/Note';
import { announce, startEditingNote, stopEditingNote } from '../../state/boardUi';
import { useBoardActions, useCanRewriteNote } from '../../sync/BoardProvider';
import { confirm } from '../../components/Confirmation';
import { usePromoteToDiagram } from '../diagram/useDiagram';

/** The id of the board's scrolling area, where focus goes when the focused note is deleted. */
export const BOARD_ELEMENT_ID = 'board';

/** The id of the board's words that Enter edits a note and Delete deletes it, read out only on notes that offer both. */
export const NOTE_REWRITE_HINT_ID = 'note-rewrite-hint';

/**
 * A note someone may change: wired to drag-and-drop, the editor and the
 * board's actions. Anyone who may change the board moves and recolours it;
 * its text and deleting it are its author's and the facilitator's alone.
 * Memoised for the same reason as Note.
 */
export const EditableNote = memo(function EditableNote({ note, editing }: { note: NoteRecord; editing: boolean }) {
  const actions = useBoardActions();
  const canRewrite = useCanRewriteNote(note.authorId);
  const promote = usePromoteToDiagram();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } = useDraggable({
    id: note.id,
    disabled: editing,
  });
  // The whole note moves and the whole note is the handle; a Space pressed on
  // one of its buttons is then not taken for "pick up".
  const setRef = useCallback(
    (element: HTMLElement | null) => {
      setNodeRef(element);
      setActivatorNodeRef(element);
    },
    [setNodeRef, setActivatorNodeRef],
  );

  return (
    <Note
      note={note}
      canEdit
      canRewrite={canRewrite}
      rewriteHintId={NOTE_REWRITE_HINT_ID}
      editing={editing}
      drag={{ setNodeRef: setRef, listeners, describedBy: attributes['aria-describedby'], transform, isDragging }}
      onStartEdit={() => startEditingNote(note.id)}
      onSaveText={(text) => {
        stopEditingNote(note.id);
        if (text !== note.text) actions.updateNote(note.id, { text });
      }}
      onCancelEdit={() => stopEditingNote(note.id)}
      onColourChange={(colour) => actions.updateNote(note.id, { colour })}
      // A note becomes a change idea (docs/driver-diagram.md); the board shows what happened.
      onAddToDiagram={() => confirm(promote({ kind: 'note', id: note.id, label: note.text }))}
      onDelete={() => {
        stopEditingNote(note.id);
        actions.deleteNote(note.id);
        document.getElementById(BOARD_ELEMENT_ID)?.focus();
        announce('Note deleted. Use Undo to bring it back.');
      }}
    />
  );
});
