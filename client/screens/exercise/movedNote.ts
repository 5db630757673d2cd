import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { NoteId, ThemeId } from '../../../shared/schema/ids';

/** What focus should land on once a moved note is drawn in its new column. */
export type MovedNoteFocus = 'menu' | 'note' | null;

interface MovedNoteState {
  /** The note this person last moved to a theme, highlighted for a moment where it now is. */
  noteId: NoteId | null;
  /** Still to do: where focus goes when the moved note appears; null once done (or for a mouse drag). */
  focus: MovedNoteFocus;
  /**
   * The theme it went to (null: none). Until the board redraws, the note is
   * still in its old column, and that element must not take the focus meant
   * for the new one.
   */
  themeId: ThemeId | null;
}

const movedNoteStore = createStore<MovedNoteState>()(() => ({ noteId: null, focus: null, themeId: null }));

/**
 * Records a move made here. A note that moves to a theme is a new element in
 * the theme's column (the old one is gone, and focus with it), so the note
 * takes focus itself once it is drawn there (focus
 * follows the moved note).
 */
export function noteMoved(noteId: NoteId, themeId: ThemeId | null, focus: MovedNoteFocus): void {
  movedNoteStore.setState({ noteId, themeId, focus });
}

/** Whether this note (drawn in the column of `themeId`) was the one just moved, and where focus should go on it, if anywhere. */
export function useMovedNote(noteId: NoteId, themeId: ThemeId | null): { moved: boolean; focus: MovedNoteFocus } {
  const moved = useStore(movedNoteStore, (state) => state.noteId === noteId);
  const focus = useStore(movedNoteStore, (state) => (state.noteId === noteId && state.themeId === themeId ? state.focus : null));
  return { moved, focus };
}

/** Says focus has been placed, so a later redraw does not take it again. */
export function movedNoteFocused(): void {
  movedNoteStore.setState({ focus: null });
}
