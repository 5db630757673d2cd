import { memo, useCallback } from 'react';
import { useDraggable } from '@dnd-kit/core';
import type { Note as NoteRecord } from '../../../shared/schema/records';
import { Note } from '../../components/Note';
import { announce, startEditingNote, stopEditingNote } from '../../state/boardUi';
import { useBoardActions } from '../../sync/BoardProvider';

/** The id of the board's scrolling area, where focus goes when the focused note is deleted. */
export const BOARD_ELEMENT_ID = 'board';

/**
 * A note someone may change: wired to drag-and-drop, the editor and the
 * board's actions. Memoised for the same reason as Note.
 */
export const EditableNote = memo(function EditableNote({ note, editing }: { note: NoteRecord; editing: boolean }) {
  const actions = useBoardActions();
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
      editing={editing}
      drag={{ setNodeRef: setRef, listeners, describedBy: attributes['aria-describedby'], transform, isDragging }}
      onStartEdit={() => startEditingNote(note.id)}
      onSaveText={(text) => {
        stopEditingNote(note.id);
        if (text !== note.text) actions.updateNote(note.id, { text });
      }}
      onCancelEdit={() => stopEditingNote(note.id)}
      onColourChange={(colour) => actions.updateNote(note.id, { colour })}
      onDelete={() => {
        stopEditingNote(note.id);
        actions.deleteNote(note.id);
        document.getElementById(BOARD_ELEMENT_ID)?.focus();
        announce('Note deleted. Use Undo to bring it back.');
      }}
    />
  );
});
