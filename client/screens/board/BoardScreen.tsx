import { useRef } from 'react';
import { PresenceList } from '../../components/PresenceList';
import { startEditingNote } from '../../state/boardUi';
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
        <div className="board-activity">
          <ActivitySwitch workshopLabel="The board" />
        </div>
        <ActivityContent
          frames={{ diagrams: 'board-diagrams', plan: 'board-plan' }}
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
