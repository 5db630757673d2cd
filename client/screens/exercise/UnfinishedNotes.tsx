import { useId } from 'react';
import { NOTE_TEXT_MAX_CHARS } from '../../../shared/schema/records';
import type { Perspective } from '../../../shared/schema/exercise';
import { announce } from '../../state/boardUi';
import { useBoardIdentity } from '../../sync/BoardProvider';
import { useExerciseActions, usePerspectives, useSession } from '../../sync/useExerciseState';
import { setUnfinishedNote, unfinishedNoteKey, useUnfinishedNotes } from './unfinishedNoteStore';

/** One kept note: the person adds it (as it is, or changed), or lets it go. */
function UnfinishedNote({ lane, noteKey, text }: { lane: Perspective; noteKey: string; text: string }) {
  const actions = useExerciseActions();
  const session = useSession();
  const headingId = useId();
  const fieldId = useId();
  return (
    <section className="unfinished-note" aria-labelledby={headingId}>
      <h3 id={headingId} className="unfinished-note__title">
        Your unfinished note
      </h3>
      <label className="field__label" htmlFor={fieldId}>
        You were writing this for “{lane.name}” when the facilitator moved on. It is kept here, on this device only, until you add it or discard it.
      </label>
      <textarea
        id={fieldId}
        className="field__input"
        rows={3}
        value={text}
        maxLength={NOTE_TEXT_MAX_CHARS}
        onChange={(event) => setUnfinishedNote(noteKey, event.target.value)}
      />
      <div className="unfinished-note__tools">
        <button
          type="button"
          className="button button--small"
          disabled={!text.trim()}
          onClick={() => {
            if (actions.addDraft(lane.id, text) === null) return;
            setUnfinishedNote(noteKey, '');
            announce(session.revealed ? 'Note added to the board.' : 'Note saved. Only you can read it until the reveal.');
          }}
        >
          {session.revealed ? 'Add it to the board' : 'Add it to your notes'}
          <span className="visually-hidden"> in “{lane.name}”</span>
        </button>{' '}
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={() => {
            setUnfinishedNote(noteKey, '');
            announce('Unfinished note discarded.');
          }}
        >
          Discard it
        </button>
      </div>
    </section>
  );
}

/**
 * The notes this person had started when the phase moved on from writing,
 * offered again wherever the exercise now is (docs/exercise.md, "Nothing
 * typed is lost").
 */
export function UnfinishedNotes() {
  const { participantId, canEdit } = useBoardIdentity();
  const perspectives = usePerspectives();
  const kept = useUnfinishedNotes();
  if (!participantId || !canEdit) return null;
  return perspectives.map((lane) => {
    const noteKey = unfinishedNoteKey(participantId, lane.id);
    const text = kept[noteKey];
    return text?.trim() ? <UnfinishedNote key={lane.id} lane={lane} noteKey={noteKey} text={text} /> : null;
  });
}
