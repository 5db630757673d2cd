import { type KeyboardEvent, memo, type MouseEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { DraggableSyntheticListeners } from '@dnd-kit/core';
import { CSS, type Transform } from '@dnd-kit/utilities';
import {
  type Note as NoteRecord,
  type NoteColour,
  NOTE_COLOURS,
  NOTE_HEIGHT_PX,
  NOTE_TEXT_MAX_CHARS,
  NOTE_WIDTH_PX,
} from '../../shared/schema/records';
import { NOTE_COLOUR_STYLES } from './noteColours';
import './Note.css';

/** What the board's drag-and-drop wiring hands a note; absent when the note cannot move. */
export interface NoteDragBindings {
  /** Receives the note's element: it is both what moves and what starts a move. */
  setNodeRef(element: HTMLElement | null): void;
  listeners: DraggableSyntheticListeners;
  /** The id of the instructions that tell screen-reader users how to move a note. */
  describedBy: string | undefined;
  transform: Transform | null;
  isDragging: boolean;
}

export interface NoteProps {
  note: NoteRecord;
  /** False for viewers: the note can be read but not changed. */
  canEdit: boolean;
  /**
   * The text can be edited and the note deleted: only its author's and the
   * facilitator's (docs/document-layout.md, "Who wrote a note"). Without it
   * an editor still moves and colours the note.
   */
  canRewrite: boolean;
  /** The id of the words telling screen-reader users that Enter edits the note and Delete deletes it. */
  rewriteHintId?: string;
  /** The text is open for editing. */
  editing: boolean;
  onStartEdit?: () => void;
  /** Saves the text and closes the editor. */
  onSaveText?: (text: string) => void;
  /** Closes the editor, keeping the text as it was. */
  onCancelEdit?: () => void;
  onDelete?: () => void;
  onColourChange?: (colour: NoteColour) => void;
  /** Puts the note into the driver diagram as a change idea (docs/driver-diagram.md); absent: no such button. */
  onAddToDiagram?: () => void;
  drag?: NoteDragBindings;
}

const INTERACTIVE = 'button, select, textarea, input, a';

/**
 * A sticky note on the board. It is focusable: Enter edits its text, Delete
 * removes it, Space picks it up to move with the arrow keys (dnd-kit); a
 * click edits, a drag moves. Someone else's note moves and recolours but
 * offers no editor and no delete; viewers get the same note with no controls.
 */
function NoteView({
  note,
  canEdit,
  canRewrite,
  rewriteHintId,
  editing,
  onStartEdit,
  onSaveText,
  onCancelEdit,
  onDelete,
  onColourChange,
  onAddToDiagram,
  drag,
}: NoteProps) {
  const textId = useId();
  const authorId = useId();
  const element = useRef<HTMLDivElement | null>(null);
  const setDragNode = drag?.setNodeRef;
  const setRef = useCallback(
    (node: HTMLDivElement | null) => {
      element.current = node;
      setDragNode?.(node);
    },
    [setDragNode],
  );
  const colour = NOTE_COLOUR_STYLES[note.colour];
  const isDragging = drag?.isDragging ?? false;

  // Keyboard users go back to the note they were editing, not to the top of the page.
  const returnFocus = () => element.current?.focus();
  // Screen readers hear of Enter and Delete only on a note whose editor and delete they are offered.
  const describedBy = canEdit && !editing ? [drag?.describedBy, canRewrite ? rewriteHintId : undefined].filter(Boolean).join(' ') : '';

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (canRewrite && !editing && !isDragging && event.target === event.currentTarget) {
      if (event.key === 'Enter') {
        event.preventDefault();
        onStartEdit?.();
        return;
      }
      if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        onDelete?.();
        return;
      }
    }
    drag?.listeners?.onKeyDown?.(event);
  };

  const handleClick = (event: MouseEvent<HTMLDivElement>) => {
    if (!canRewrite || editing) return;
    if (event.target instanceof Element && event.target.closest(INTERACTIVE)) return;
    onStartEdit?.();
  };

  return (
    <div
      ref={setRef}
      className={`note${editing ? ' note--editing' : ''}${isDragging ? ' note--dragging' : ''}`}
      style={{
        left: note.x,
        top: note.y,
        width: NOTE_WIDTH_PX,
        height: NOTE_HEIGHT_PX,
        backgroundColor: colour.background,
        borderColor: colour.border,
        transform: CSS.Translate.toString(drag?.transform ?? null),
      }}
      role="group"
      aria-roledescription="note"
      aria-labelledby={`${textId} ${authorId}`}
      aria-describedby={describedBy || undefined}
      tabIndex={0}
      data-note-id={note.id}
      {...(canEdit && !editing ? drag?.listeners : undefined)}
      onKeyDown={handleKeyDown}
      onClick={handleClick}
    >
      <p className="note__author" id={authorId}>
        <span className="visually-hidden">by</span> {note.authorName || 'Someone'}
      </p>
      {editing && canRewrite ? (
        <NoteEditor
          initialText={note.text}
          onSave={(text) => onSaveText?.(text)}
          onCancel={() => onCancelEdit?.()}
          returnFocus={returnFocus}
        />
      ) : (
        <p className="note__text" id={textId}>
          {note.text || <span className="note__empty">Empty note</span>}
        </p>
      )}
      {canEdit && !editing && (
        // A press on a control must not start a drag of the whole note.
        <div className="note__tools" onPointerDown={(event) => event.stopPropagation()}>
          <ColourChoice colour={note.colour} onChange={(colour) => onColourChange?.(colour)} />
          {onAddToDiagram && (
            // One small button, not a menu: a menu's list on each of a thousand notes would cost every frame (docs/client.md, "A busy board stays smooth").
            <button type="button" className="note__tool" aria-label="Add to the driver diagram" title="Add to the driver diagram" onClick={onAddToDiagram}>
              <DiagramIcon />
            </button>
          )}
          {canRewrite && (
            <button type="button" className="note__delete" aria-label="Delete note" title="Delete note" onClick={() => onDelete?.()}>
              <span aria-hidden="true">✕</span>
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Three linked boxes, left to right: a driver diagram in little. */
function DiagramIcon() {
  return (
    <svg aria-hidden="true" focusable="false" width="18" height="14" viewBox="0 0 18 14">
      <rect x="0.5" y="5" width="5" height="4" fill="none" stroke="currentColor" />
      <rect x="12.5" y="0.5" width="5" height="4" fill="none" stroke="currentColor" />
      <rect x="12.5" y="9.5" width="5" height="4" fill="none" stroke="currentColor" />
      <path d="M5.5 7h3.5M9 2.5v9M9 2.5h3.5M9 11.5h3.5" fill="none" stroke="currentColor" />
    </svg>
  );
}

/**
 * The note's colour: a button naming it, which turns into the list of colours
 * (a native select, opened at once where the browser can) when pressed, and
 * back into the button once a colour is chosen or focus leaves. A select on
 * every note is what made a busy board slow: a thousand of them cost the
 * browser several milliseconds of layout and compositing on every frame in
 * which any note changes, and one changing note a frame is what a live
 * workshop is.
 */
function ColourChoice({ colour, onChange }: { colour: NoteColour; onChange(colour: NoteColour): void }) {
  const [choosing, setChoosing] = useState(false);
  const select = useRef<HTMLSelectElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Focus goes back to the button only when the choice was made here, not when focus left for elsewhere.
  const refocusButton = useRef(false);

  useEffect(() => {
    if (!choosing) {
      if (refocusButton.current) button.current?.focus();
      refocusButton.current = false;
      return;
    }
    const field = select.current;
    if (!field) return;
    field.focus();
    try {
      // Saves a second press; the focused select still opens with the keyboard or a click where this is refused.
      field.showPicker?.();
    } catch {
      // No user activation left, or the browser cannot: the list stays one press away.
    }
  }, [choosing]);

  const finish = () => {
    refocusButton.current = true;
    setChoosing(false);
  };

  if (!choosing) {
    const label = NOTE_COLOUR_STYLES[colour].label;
    return (
      <button
        ref={button}
        type="button"
        className="note__colour"
        aria-haspopup="listbox"
        aria-label={`Note colour: ${label}`}
        onClick={() => setChoosing(true)}
      >
        {label}
        <span aria-hidden="true" className="note__colour-arrow">
          ▾
        </span>
      </button>
    );
  }
  return (
    <select
      ref={select}
      className="note__colour"
      aria-label="Note colour"
      value={colour}
      onChange={(event) => {
        onChange(event.target.value as NoteColour);
        finish();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // The note's own keys must not act on it.
        event.stopPropagation();
        finish();
      }}
      onBlur={() => setChoosing(false)}
    >
      {NOTE_COLOURS.map((name) => (
        <option key={name} value={name}>
          {NOTE_COLOUR_STYLES[name].label}
        </option>
      ))}
    </select>
  );
}

interface NoteEditorProps {
  initialText: string;
  onSave(text: string): void;
  onCancel(): void;
  returnFocus(): void;
}

/** The note's text, open for editing: Enter or leaving saves, Escape cancels, Shift+Enter is a new line. */
function NoteEditor({ initialText, onSave, onCancel, returnFocus }: NoteEditorProps) {
  const [draft, setDraft] = useState(initialText);
  const hintId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  // Leaving the field saves, but not after Enter or Escape already finished the edit.
  const finished = useRef(false);

  useEffect(() => {
    const field = textarea.current;
    if (!field) return;
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }, []);

  const finish = (save: boolean, refocus: boolean) => {
    if (finished.current) return;
    finished.current = true;
    if (refocus) returnFocus();
    if (save) onSave(draft);
    else onCancel();
  };

  return (
    <>
      <textarea
        ref={textarea}
        className="note__editor"
        aria-label="Note text"
        aria-describedby={hintId}
        value={draft}
        maxLength={NOTE_TEXT_MAX_CHARS}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          // The note's own keys (Delete, Space to move) must not act while typing.
          event.stopPropagation();
          if (event.nativeEvent.isComposing) return;
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            finish(true, true);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            finish(false, true);
          }
        }}
        onBlur={() => finish(true, false)}
      />
      <span id={hintId} className="visually-hidden">
        Enter saves, Shift and Enter starts a new line, Escape cancels.
      </span>
    </>
  );
}

function sameTransform(a: Transform | null | undefined, b: Transform | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.x === b.x && a.y === b.y && a.scaleX === b.scaleX && a.scaleY === b.scaleY;
}

/**
 * Whether a note would draw the same. The handlers are left out on purpose:
 * callers build them afresh on every render, but they act only on the note
 * (compared here, by identity: the note index keeps an unchanged record the
 * same object) and on the board's actions, which never change. So are
 * dnd-kit's pointer and key listeners: dnd-kit makes new ones for every
 * draggable whenever its sensors change, yet the ones a note already has
 * still find that note (by its id and its element). Without this, every note
 * redraws each time the board does: a 1,000-note board then stalls for a
 * tenth of a second per remote note. (BoardCanvas also keeps its sensors
 * constant, so the draggables themselves do not re-render either.)
 */
function sameNote(before: NoteProps, after: NoteProps): boolean {
  if (before.note !== after.note || before.canEdit !== after.canEdit || before.canRewrite !== after.canRewrite || before.editing !== after.editing) return false;
  if (before.rewriteHintId !== after.rewriteHintId) return false;
  const [a, b] = [before.drag, after.drag];
  if (!a || !b) return a === b;
  return (
    a.isDragging === b.isDragging &&
    a.describedBy === b.describedBy &&
    (a.listeners === undefined) === (b.listeners === undefined) &&
    a.setNodeRef === b.setNodeRef &&
    sameTransform(a.transform, b.transform)
  );
}

/**
 * A sticky note. Memoised: the board redraws for every remote pointer move
 * and note change, and a note whose record object is unchanged need not
 * redraw with it (see sameNote).
 */
export const Note = memo(NoteView, sameNote);
