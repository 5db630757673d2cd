import { useCallback, useRef } from 'react';
import { JoinCodeOverlay } from '../../components/JoinCode';
import { LiveAnnouncer } from '../../components/LiveAnnouncer';
import { SkipLink } from '../../components/PageChrome';
import { PresenceList } from '../../components/PresenceList';
import { announce, setJoinCodeEnlarged, startEditingNote, useBoardUi } from '../../state/boardUi';
import { useBoardActions, useBoardIdentity, useBoardState, useBoardStateReader, useCanChangeBoard } from '../../sync/BoardProvider';
import { BoardCanvas } from './BoardCanvas';
import { BOARD_ELEMENT_ID } from './BoardNote';
import { findFreeSpot } from './placement';
import { useUndoShortcuts } from './useUndoShortcuts';
import { useDocumentTitle } from '../../useDocumentTitle';
import { BoardHeader } from './BoardHeader';
import { ActivitySwitch } from './ActivitySwitch';
import { PlanView } from '../plan/PlanView';
import { DiagramsPanel } from '../diagram/DiagramsPanel';

interface BoardScreenProps {
  /** The title from the link check, shown until the document's own title arrives. */
  title: string;
  /** The participant join code; only the facilitator has it. */
  joinCode: string | null;
}

/** The live board: header with status, people and undo, then the notes. */
export function BoardScreen({ title, joinCode }: BoardScreenProps) {
  const identity = useBoardIdentity();
  const canChange = useCanChangeBoard();
  const actions = useBoardActions();
  const boardTitle = useBoardState((state) => state.boardTitle) ?? title;
  const people = useBoardState((state) => state.people);
  const presenceSettled = useBoardState((state) => state.presenceSettled);
  const canUndo = useBoardState((state) => state.canUndo);
  const canRedo = useBoardState((state) => state.canRedo);
  // Read when a note is added, not subscribed to: the whole screen need not redraw for every note that arrives.
  const readBoard = useBoardStateReader();
  const joinCodeEnlarged = useBoardUi((state) => state.joinCodeEnlarged);
  const announcement = useBoardUi((state) => state.announcement);
  const activity = useBoardUi((state) => state.activity);
  const viewport = useRef<HTMLDivElement>(null);
  const closeJoinCode = useCallback(() => setJoinCodeEnlarged(false), []);
  const undo = useCallback(() => {
    if (!canUndo) return;
    actions.undo();
    announce('Undone.');
  }, [actions, canUndo]);
  const redo = useCallback(() => {
    if (!canRedo) return;
    actions.redo();
    announce('Redone.');
  }, [actions, canRedo]);

  useUndoShortcuts(canChange, undo, redo);
  useDocumentTitle(`${boardTitle} – Retain`);

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
    <div className="board-screen">
      <SkipLink targetId={BOARD_ELEMENT_ID}>Skip to the board</SkipLink>
      <BoardHeader title={boardTitle} joinCode={joinCode}>
        <PresenceList people={people} announceChanges={presenceSettled} />
      </BoardHeader>
      <main className="board-main">
        <div className="board-activity">
          <ActivitySwitch workshopLabel="The board" />
        </div>
        {activity === 'diagrams' ? (
          <div className="board-diagrams">
            <DiagramsPanel />
          </div>
        ) : activity === 'plan' ? (
          <div className="board-plan">
            <PlanView />
          </div>
        ) : canChange ? (
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
        {activity === 'workshop' && <BoardCanvas viewportRef={viewport} />}
      </main>
      <LiveAnnouncer text={announcement.text} serial={announcement.serial} />
      {joinCodeEnlarged && joinCode && <JoinCodeOverlay code={joinCode} origin={window.location.origin} onClose={closeJoinCode} />}
    </div>
  );
}
