import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

/**
 * What this person has typed into a note and not yet added, per lane. It
 * lives outside the phase screens, so that when the facilitator moves the
 * phase on (and the note's field goes away) the text is kept and offered
 * again instead of being lost without a word (docs/exercise.md, "Nothing
 * typed is lost"). It stays in this tab's memory: it was never sent anywhere.
 */
const unfinishedNotes = createStore<Record<string, string>>()(() => ({}));

/** The key of one person's unfinished note in one lane. */
export function unfinishedNoteKey(participantId: string, laneId: string): string {
  return `${participantId}/${laneId}`;
}

/** The unfinished text under a key, empty when there is none. */
export function useUnfinishedNote(key: string): string {
  return useStore(unfinishedNotes, (notes) => notes[key] ?? '');
}

/** Every unfinished note, by key. */
export function useUnfinishedNotes(): Record<string, string> {
  return useStore(unfinishedNotes);
}

/** Replaces the unfinished text under a key; empty text forgets it. */
export function setUnfinishedNote(key: string, text: string): void {
  unfinishedNotes.setState((notes) => {
    const others = Object.fromEntries(Object.entries(notes).filter(([other]) => other !== key));
    return text ? { ...others, [key]: text } : others;
  }, true);
}

/** Adds text to what is kept under a key, on a new line after what is already there. */
export function keepUnfinishedText(key: string, text: string): void {
  const current = unfinishedNotes.getState()[key] ?? '';
  setUnfinishedNote(key, current.trim() ? `${current}\n${text}` : text);
}
