import { type RefObject, useMemo, useRef } from 'react';
import { type Announcements, DndContext, type DragEndEvent, type ScreenReaderInstructions, type UniqueIdentifier } from '@dnd-kit/core';
import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX, type Note as NoteRecord, NOTE_HEIGHT_PX, NOTE_WIDTH_PX } from '../../../shared/schema/records';
import { Cursor } from '../../components/Cursor';
import { Note } from '../../components/Note';
import { startEditingNote, useBoardUi } from '../../state/boardUi';
import { useBoardActions, useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { BOARD_ELEMENT_ID, EditableNote, NOTE_REWRITE_HINT_ID } from './BoardNote';
import { useNoteDragSensors } from '../../components/noteDragSensors';
import { Confirmation } from '../../components/Confirmation';
import './board.css';

/*
 * Every note an editor sees can move; only their own (or, for the
 * facilitator, any) can be edited and deleted, so those keys are told apart,
 * on the notes that offer them (NOTE_REWRITE_HINT_ID).
 */
const SCREEN_READER_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable: 'To move this note, press Space to pick it up, use the arrow keys to move it, then press Space again to drop it, or Escape to cancel.',
};

function describeNote(notes: readonly NoteRecord[], id: UniqueIdentifier): string {
  const text = notes.find((note) => note.id === id)?.text.trim();
  if (!text) return 'the empty note';
  return `“${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
}

function announcementsFor(notes: readonly NoteRecord[]): Announcements {
  return {
    onDragStart: ({ active }) => `Picked up note ${describeNote(notes, active.id)}.`,
    // There are no drop zones on the board: only where the note ends up matters.
    onDragOver: () => undefined,
    onDragEnd: ({ active }) => `Dropped note ${describeNote(notes, active.id)}.`,
    onDragCancel: ({ active }) => `Moving cancelled. Note ${describeNote(notes, active.id)} is back where it was.`,
  };
}

/**
 * The board itself: a large scrolling area with the notes, where notes are
 * dragged, added by double-click, and others' pointers are drawn.
 */
export function BoardCanvas({ viewportRef }: { viewportRef: RefObject<HTMLDivElement | null> }) {
  const notes = useBoardState((state) => state.notes);
  const cursors = useBoardState((state) => state.cursors);
  const canEdit = useCanChangeBoard();
  const actions = useBoardActions();
  const editingNoteId = useBoardUi((state) => state.editingNoteId);
  const canvas = useRef<HTMLDivElement>(null);

  // Mouse and pen after a short move, a finger after a short rest, the keyboard with Space (Enter edits).
  const sensors = useNoteDragSensors();
  const accessibility = useMemo(
    () => ({ announcements: announcementsFor(notes), screenReaderInstructions: SCREEN_READER_INSTRUCTIONS }),
    [notes],
  );

  const toBoardPoint = (clientX: number, clientY: number) => {
    const rect = canvas.current?.getBoundingClientRect();
    return { x: clientX - (rect?.left ?? 0), y: clientY - (rect?.top ?? 0) };
  };

  const handleDragEnd = ({ active, delta }: DragEndEvent) => {
    const note = notes.find((candidate) => candidate.id === active.id);
    if (!note || (delta.x === 0 && delta.y === 0)) return;
    actions.moveNote(note.id, { x: note.x + delta.x, y: note.y + delta.y });
  };

  return (
    <>
    <div id={BOARD_ELEMENT_ID} ref={viewportRef} className="board-viewport" tabIndex={-1} role="region" aria-label="Board">
      <DndContext sensors={sensors} onDragEnd={handleDragEnd} accessibility={accessibility}>
        <div
          ref={canvas}
          className="board-canvas"
          style={{ width: BOARD_WIDTH_PX, height: BOARD_HEIGHT_PX }}
          onPointerMove={(event) => {
            // A finger scrolling the board is not a pointer others need to see.
            if (event.pointerType !== 'touch') actions.setCursor(toBoardPoint(event.clientX, event.clientY));
          }}
          onPointerLeave={() => actions.setCursor(null)}
          onDoubleClick={(event) => {
            if (!canEdit || event.target !== event.currentTarget) return;
            const point = toBoardPoint(event.clientX, event.clientY);
            const id = actions.addNote({ x: point.x - NOTE_WIDTH_PX / 2, y: point.y - NOTE_HEIGHT_PX / 2 });
            if (id) startEditingNote(id);
          }}
        >
          {notes.map((note) =>
            canEdit ? (
              <EditableNote key={note.id} note={note} editing={editingNoteId === note.id} />
            ) : (
              <Note key={note.id} note={note} canEdit={false} canRewrite={false} editing={false} />
            ),
          )}
          {canEdit && (
            <p id={NOTE_REWRITE_HINT_ID} hidden>
              Press Enter to edit its text and Delete to delete it.
            </p>
          )}
          {cursors.map((cursor) => (
            <Cursor key={cursor.clientId} name={cursor.name} colour={cursor.colour} x={cursor.x} y={cursor.y} />
          ))}
        </div>
      </DndContext>
    </div>
    {/* What "Add to the driver diagram" did, over the board's corner, outside its scrolling area so it stays in view. */}
    <Confirmation className="board-confirmation" />
    </>
  );
}
