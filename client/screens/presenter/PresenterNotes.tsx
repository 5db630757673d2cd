import { useMemo, useRef } from 'react';
import type { Note } from '../../../shared/schema/records';
import { useBoardState } from '../../sync/BoardProvider';
import { plural, useDraftCounts, usePerspectives } from '../../sync/useExerciseState';
import { useAutoScroll } from './useAutoScroll';

/**
 * How closely a list of notes is packed, by how many it holds: a few notes
 * are large, many are smaller and in more columns (presenter.css sets each
 * density's type size and column width), so up to about 40 a lane fit
 * without scrolling; past what fits, the list scrolls by itself.
 */
function density(count: number): 'large' | 'medium' | 'small' | 'tiny' {
  if (count <= 6) return 'large';
  if (count <= 15) return 'medium';
  if (count <= 30) return 'small';
  return 'tiny';
}

/** A list of notes, packed by how many there are and scrolled by itself when they do not fit. */
function NoteList({ notes, label }: { notes: readonly Note[]; label: string }) {
  const list = useRef<HTMLUListElement>(null);
  useAutoScroll(list);
  return (
    <ul ref={list} className={`presenter-notes presenter-notes--${density(notes.length)}`} aria-label={label}>
      {notes.map((note) => (
        <li key={note.id} className={`presenter-note presenter-note--${note.colour}`}>
          <span className="presenter-note__text">{note.text}</span>
          {note.authorName && <span className="presenter-note__author">{note.authorName}</span>}
        </li>
      ))}
    </ul>
  );
}

/** The notes on the board, lane by lane in the lanes' order; notes in no lane (or a removed one) last, if there are any. */
function useNotesByLane(): { id: string; name: string; notes: Note[] }[] {
  const perspectives = usePerspectives();
  const notes = useBoardState((state) => state.notes);
  return useMemo(() => {
    const lanes = perspectives.map((lane) => ({ id: lane.id as string, name: lane.name, notes: [] as Note[] }));
    const byId = new Map(lanes.map((lane) => [lane.id, lane]));
    const elsewhere: Note[] = [];
    for (const note of notes) (note.perspectiveId ? (byId.get(note.perspectiveId)?.notes ?? elsewhere) : elsewhere).push(note);
    return elsewhere.length > 0 ? [...lanes, { id: '', name: 'In no lane', notes: elsewhere }] : lanes;
  }, [perspectives, notes]);
}

/** The lanes side by side, each with its notes: the reveal, and the comparison before there are themes. */
export function PresenterLanes() {
  const lanes = useNotesByLane();
  return (
    <div className="presenter-lanes">
      {lanes.map((lane) => (
        <section key={lane.id} className="presenter-lane" aria-labelledby={`presenter-lane-${lane.id || 'none'}`}>
          <h3 id={`presenter-lane-${lane.id || 'none'}`} className="presenter-lane__name">
            {lane.name} <span className="presenter-lane__count">({lane.notes.length})</span>
          </h3>
          <NoteList notes={lane.notes} label={`Notes of ${lane.name}`} />
        </section>
      ))}
    </div>
  );
}

/**
 * While people write in private: how many notes each lane has so far, and
 * nothing of what they say. The counts are the server's totals of everyone
 * together (`progress.drafts`, docs/exercise.md "Anonymity"), never a note's
 * text or author, as the exercise shows them.
 */
export function PresenterLaneCounts() {
  const perspectives = usePerspectives();
  const counts = useDraftCounts();
  return (
    <ul className="presenter-counts" aria-label="Notes written so far, by lane">
      {perspectives.map((lane) => {
        const count = counts[lane.id] ?? 0;
        return (
          <li key={lane.id} className="presenter-counts__lane">
            <span className="presenter-counts__name">{lane.name}</span>
            <span className="presenter-counts__number" aria-hidden="true">
              {count}
            </span>
            <span className="presenter-counts__words">{plural(count, 'note')} so far</span>
          </li>
        );
      })}
    </ul>
  );
}

/** The blank board's notes, all together, packed to fit the screen (the board's own positions are for a 3000 px canvas, not a projector). */
export function PresenterBoardNotes() {
  const notes = useBoardState((state) => state.notes);
  if (notes.length === 0) return <p className="presenter__empty">No notes on the board yet.</p>;
  return (
    <div className="presenter-board">
      <NoteList notes={notes} label="Notes on the board" />
    </div>
  );
}
