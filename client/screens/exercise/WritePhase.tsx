import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { NoteId } from '../../../shared/schema/ids';
import { NOTE_TEXT_MAX_CHARS, type Note } from '../../../shared/schema/records';
import type { Perspective } from '../../../shared/schema/exercise';
import { announce } from '../../state/boardUi';
import { useBoardIdentity, useBoardState, useCanChangeBoard, useLockedOut } from '../../sync/BoardProvider';
import { Confirmation } from '../../components/Confirmation';
import { AddToDiagram } from '../diagram/AddToDiagram';
import { GroupPicker } from './ParticipantsPanel';
import { plural, useDraftCounts, useExerciseActions, useMembers, useMyDrafts, useMyGroup, usePerspectives, usePrivateStatus, useSession } from '../../sync/useExerciseState';
import { keepUnfinishedText, setUnfinishedNote, unfinishedNoteKey, useUnfinishedNote } from './unfinishedNoteStore';

/** Where what "Add to the driver diagram" did shows, on the lanes. */
const CONFIRM_PLACE = 'lanes';

/** One of this person's drafts: its text, which they can change or delete. */
function Draft({ note }: { note: Note }) {
  const actions = useExerciseActions();
  const lockedOut = useLockedOut();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note.text);
  const id = useId();
  useKeepEditOnLeaving(note, editing ? text : null);
  if (editing) {
    return (
      <li className="lane-note lane-note--mine">
        <label className="visually-hidden" htmlFor={id}>
          Edit your note
        </label>
        <textarea id={id} className="field__input lane-note__editor" value={text} maxLength={NOTE_TEXT_MAX_CHARS} onChange={(e) => setText(e.target.value)} />
        <div className="lane-note__tools">
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              if (text.trim()) actions.updateDraft(note.id, text.trim());
              setEditing(false);
            }}
          >
            Save
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      </li>
    );
  }
  return (
    <li className="lane-note lane-note--mine">
      <p className="lane-note__text">{note.text}</p>
      <div className="lane-note__tools">
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={lockedOut}
          onClick={() => {
            setText(note.text);
            setEditing(true);
          }}
        >
          Edit<span className="visually-hidden"> note “{note.text}”</span>
        </button>
        <button
          type="button"
          className="button button--small button--secondary"
          disabled={lockedOut}
          onClick={() => {
            actions.deleteDraft(note.id as NoteId);
            announce('Note deleted.');
          }}
        >
          Delete<span className="visually-hidden"> note “{note.text}”</span>
        </button>
      </div>
    </li>
  );
}

/**
 * A draft that leaves the screen while it is being changed (revealed onto the
 * board, or the phase moved on) takes the change with it only if it is kept:
 * the changed text goes to the lane's unfinished note, where the person finds
 * it (docs/exercise.md, "Nothing typed is lost").
 */
function useKeepEditOnLeaving(note: Note, editedText: string | null) {
  const { participantId } = useBoardIdentity();
  const latest = useRef({ editedText, original: note.text });
  latest.current = { editedText, original: note.text };
  useEffect(
    () => () => {
      const { editedText: edited, original } = latest.current;
      if (!participantId || edited === null || !edited.trim() || edited.trim() === original.trim()) return;
      keepUnfinishedText(unfinishedNoteKey(participantId, note.perspectiveId ?? ''), edited.trim());
      announce('Your note left this screen while you were changing it: your change is kept as an unfinished note.');
    },
    [participantId, note.perspectiveId],
  );
}

/** Where this person writes a new note in their group's lane. */
function AddDraft({ lane }: { lane: Perspective }) {
  const actions = useExerciseActions();
  const session = useSession();
  const { participantId } = useBoardIdentity();
  const key = unfinishedNoteKey(participantId ?? '', lane.id);
  const text = useUnfinishedNote(key);
  const setText = (value: string) => setUnfinishedNote(key, value);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    // Refused (offline lock, say): the text stays in the field.
    if (actions.addDraft(lane.id, text) === null) return;
    setText('');
    announce(session.revealed ? 'Note added to the board.' : 'Note saved. Only you can read it until the reveal.');
  };
  return (
    <form className="add-draft" onSubmit={submit}>
      {/* The lane's heading is just above, so the label shows "Your note"; screen readers, who may arrive at the field on its own, hear which lane. */}
      <label className="field__label" htmlFor={id}>
        Your note{' '}
        <span className="visually-hidden">for “{lane.name}”</span>
      </label>
      <textarea
        id={id}
        className="field__input add-draft__text"
        rows={3}
        value={text}
        maxLength={NOTE_TEXT_MAX_CHARS}
        disabled={session.locked}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          // Enter adds the note, as on a sticky pad; Shift+Enter starts a new line.
          if (event.key === 'Enter' && !event.shiftKey) submit(event);
        }}
      />
      <button type="submit" className="button" disabled={session.locked}>
        Add note
      </button>
    </form>
  );
}

function authorOf(note: Note, anonymous: boolean): string | null {
  return anonymous || !note.authorName ? null : note.authorName;
}

/**
 * Writing in private, then the reveal: before it, each lane shows only how
 * many notes it holds (and this person's own drafts in their lane); after
 * it, every note in its lane.
 */
export function WritePhase() {
  const session = useSession();
  const perspectives = usePerspectives();
  const draftCounts = useDraftCounts();
  const myDrafts = useMyDrafts();
  const privateStatus = usePrivateStatus();
  const members = useMembers();
  const notes = useBoardState((state) => state.notes);
  const identity = useBoardIdentity();
  const actions = useExerciseActions();
  const myGroup = useMyGroup();
  const ready = identity.participantId ? Boolean(members[identity.participantId]?.ready) : false;
  const canWrite = identity.canEdit && myGroup !== null;
  const revealing = session.phase === 'reveal' && !session.revealed;
  const canChange = useCanChangeBoard();

  return (
    <section className="phase-panel" aria-label={session.revealed ? 'The four perspectives' : 'Write'}>
      {identity.canEdit && !myGroup && <GroupPicker />}
      {revealing && (
        <p className="phase-panel__status" role="status">
          Revealing everyone’s notes…
        </p>
      )}
      {canWrite && privateStatus === 'offline' && !session.revealed && (
        <p className="phase-panel__status" role="status">
          You are offline. Your notes are kept on this device and reach the board when you are back.
        </p>
      )}
      <div className="lanes">
        {perspectives.map((lane) => {
          const mine = myDrafts.filter((note) => note.perspectiveId === lane.id);
          const revealed = notes.filter((note) => note.perspectiveId === lane.id);
          const hidden = draftCounts[lane.id] ?? 0;
          const total = session.revealed ? revealed.length + mine.length : Math.max(hidden, mine.length);
          const isMine = myGroup?.id === lane.id;
          return (
            <section key={lane.id} className={`lane${isMine ? ' lane--mine' : ''}`} aria-labelledby={`lane-${lane.id}`}>
              <h3 id={`lane-${lane.id}`} className="lane__title">
                {lane.name}
                {isMine && <span className="lane__yours"> (your group)</span>}
              </h3>
              {/*
                The heading names the lane, so the count says only the count
                (labels not repeated). It is a live region, and an
                update is heard away from the heading, so screen readers get
                the lane's name with it: aria-atomic reads the whole line.
              */}
              <p className="lane__count" aria-live="polite" aria-atomic="true">
                <span className="visually-hidden">{lane.name}: </span>
                {plural(total, 'note')}
              </p>
              {session.revealed && (
                <ul className="lane__notes">
                  {revealed.map((note) => (
                    <li key={note.id} className="lane-note">
                      <p className="lane-note__text">{note.text}</p>
                      {authorOf(note, session.anonymous) && <p className="lane-note__author">{authorOf(note, session.anonymous)}</p>}
                      {canChange && <AddToDiagram source={{ kind: 'note', id: note.id, label: note.text }} place={CONFIRM_PLACE} />}
                    </li>
                  ))}
                </ul>
              )}
              {mine.length > 0 && (
                <>
                  <h4 className="lane__mine-title">{session.revealed ? 'On their way to the board' : 'Your notes (only you can read them)'}</h4>
                  <ul className="lane__notes">
                    {mine.map((note) => (
                      <Draft key={note.id} note={note} />
                    ))}
                  </ul>
                </>
              )}
              {isMine && canWrite && <AddDraft lane={lane} />}
            </section>
          );
        })}
      </div>
      <Confirmation place={CONFIRM_PLACE} />
      {identity.role === 'participant' && canWrite && session.phase === 'write' && (
        <button type="button" className="button button--secondary" aria-pressed={ready} disabled={session.locked} onClick={() => actions.setReady(!ready)}>
          {ready ? 'Done writing ✓ (press to keep writing)' : 'I’m done writing'}
        </button>
      )}
    </section>
  );
}
