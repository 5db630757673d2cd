import { useEffect, useRef } from 'react';
import { PresenceList } from '../../components/PresenceList';
import { announce, setTemplateSwitch, showActivity, startEditingNote, useBoardUi } from '../../state/boardUi';
import { useExerciseActions } from '../../sync/useExerciseState';
import { useBoardActions, useBoardIdentity, useBoardState, useBoardStateReader, useCanChangeBoard } from '../../sync/BoardProvider';
import { BoardCanvas } from './BoardCanvas';
import { BOARD_ELEMENT_ID } from './BoardNote';
import { findFreeSpot } from './placement';
import { useBoardUndo } from '../shell/useBoardUndo';
import { BoardShell } from '../shell/BoardShell';
import { ActivityContent, ActivitySwitch } from '../shell/ActivitySwitch';

interface BoardScreenProps {
  /** The title from the link check, shown until the document's own title arrives. */
  title: string;
  /** The participant join code; only the facilitator has it. */
  joinCode: string | null;
}

/**
 * Said to the facilitator who has just switched the exercise's set-up to
 * this blank board, with the way back (the switch asks first and
 * can be undone). The undo manager does not take back session changes
 * (client/sync/undoHistory.ts), so "Undo" writes the template back. The
 * message takes focus when it appears, since the choice that opened it is
 * gone with the set-up. It is offered only straight after the switch: once
 * a note is added or removed, people are using the blank board, and going
 * back would take their notes out of sight, so the message goes.
 */
function TemplateSwitched() {
  const templateSwitch = useBoardUi((state) => state.templateSwitch);
  const noteCount = useBoardState((state) => state.notes.length);
  const actions = useExerciseActions();
  const message = useRef<HTMLDivElement>(null);
  const notesAtSwitch = useRef(noteCount);
  const shown = templateSwitch !== null && !templateSwitch.undone && templateSwitch.from !== 'blank';
  useEffect(() => {
    if (shown) message.current?.focus();
  }, [shown]);
  useEffect(() => {
    if (shown && noteCount !== notesAtSwitch.current) setTemplateSwitch(null);
  }, [shown, noteCount]);
  if (!shown) return null;
  return (
    <div ref={message} className="template-switched" tabIndex={-1}>
      <p className="template-switched__text">This is now a blank board for everyone. The exercise’s perspectives and settings are kept.</p>
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          // Back to the set-up itself, which then takes focus (SetupPhase), whichever activity was showing here.
          showActivity('workshop');
          setTemplateSwitch({ from: templateSwitch.from, undone: true });
          actions.chooseTemplate(templateSwitch.from);
          announce('Back to the exercise’s set-up, for everyone.');
        }}
      >
        Undo<span className="visually-hidden">: back to the exercise</span>
      </button>
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={() => {
          setTemplateSwitch(null);
          // The message goes: focus goes on to the board, where the skip link would take it.
          document.getElementById(BOARD_ELEMENT_ID)?.focus();
        }}
      >
        Dismiss
      </button>
    </div>
  );
}

/** The blank board: in the shared frame, undo and the free canvas of notes, or the diagrams or the plan. */
export function BoardScreen({ title, joinCode }: BoardScreenProps) {
  const identity = useBoardIdentity();
  const canChange = useCanChangeBoard();
  const actions = useBoardActions();
  const people = useBoardState((state) => state.people);
  const presenceSettled = useBoardState((state) => state.presenceSettled);
  const { canUndo, canRedo, undo, redo } = useBoardUndo();
  // Read when a note is added, not subscribed to: the whole screen need not redraw for every note that arrives.
  const readBoard = useBoardStateReader();
  const viewport = useRef<HTMLDivElement>(null);

  const addNote = () => {
    const view = viewport.current;
    const spot = findFreeSpot(readBoard().notes, {
      left: view?.scrollLeft ?? 0,
      top: view?.scrollTop ?? 0,
      width: view?.clientWidth || 800,
      height: view?.clientHeight || 600,
    });
    const id = actions.addNote(spot);
    if (id) startEditingNote(id);
  };

  return (
    <BoardShell
      title={title}
      joinCode={joinCode}
      skipLink={{ targetId: BOARD_ELEMENT_ID, text: 'Skip to the board' }}
      people={<PresenceList people={people} announceChanges={presenceSettled} />}
    >
      <main className="board-main">
        {identity.role === 'facilitator' && <TemplateSwitched />}
        <div className="board-activity">
          {/* "Notes", not "The board": the page is the board already, and its notes are what this shows. */}
          <ActivitySwitch workshopLabel="Notes" />
        </div>
        <ActivityContent
          frames={{ diagrams: 'board-diagrams', plan: 'board-plan', assessment: 'board-assessment', cycle: 'board-cycle' }}
          workshop={
            <>
              {canChange ? (
                <div className="board-toolbar">
                  <button type="button" className="button" onClick={addNote}>
                    Add note
                  </button>
                  {/* aria-disabled, not disabled: a button that goes disabled while focused drops focus to the page. */}
                  <button
                    type="button"
                    className="button button--secondary"
                    aria-disabled={!canUndo}
                    aria-keyshortcuts="Control+Z Meta+Z"
                    onClick={undo}
                  >
                    Undo
                  </button>
                  <button
                    type="button"
                    className="button button--secondary"
                    aria-disabled={!canRedo}
                    aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
                    onClick={redo}
                  >
                    Redo
                  </button>
                  <p className="board-toolbar__hint">Double-click an empty spot to add a note there. Undo only undoes your own changes.</p>
                </div>
              ) : identity.canEdit ? null : (
                <p className="board-toolbar board-toolbar__hint">You are viewing this board: changes appear as they happen, but you cannot make any.</p>
              )}
              <BoardCanvas viewportRef={viewport} />
            </>
          }
        />
      </main>
    </BoardShell>
  );
}
