import { type ReactNode, useCallback } from 'react';
import { JoinCodeOverlay } from '../../components/JoinCode';
import { LiveAnnouncer } from '../../components/LiveAnnouncer';
import { SkipLink } from '../../components/PageChrome';
import { setJoinCodeEnlarged, useBoardUi } from '../../state/boardUi';
import { useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { useDocumentTitle } from '../../useDocumentTitle';
import { BoardHeader } from './BoardHeader';
import { CONTENT_CLASS } from './summons';
import { useBoardUndo, useUndoShortcuts } from './useBoardUndo';
import './shell.css';

interface BoardShellProps {
  /** The title from the link check, shown until the document's own title arrives. */
  title: string;
  /** The participant join code; only the facilitator has it. */
  joinCode: string | null;
  /** What the browser tab names before the board's title (the exercise's phase), if anything. */
  pageTitle?: string;
  /** A class for this screen, beside `board-screen`. */
  className?: string;
  /** The skip link: the element it focuses, and its words. */
  skipLink: { targetId: string; text: string };
  /** Who is here, in the bar under the title (the blank board's presence list). */
  people?: ReactNode;
  /** The facilitator's bar (the exercise's phase buttons, lock, "bring everyone to me", timer), under the header. */
  controls?: ReactNode;
  /** The screen itself, under the header. */
  children: ReactNode;
}

/**
 * The frame every board screen shares, the blank board's and the exercise's:
 * the skip link, the header with the save status, the join code and the lock
 * notice, the live announcements, the join code shown large for the
 * projector, and the keyboard's undo and redo.
 *
 * The header and the facilitator's bar stay at the top, and on a laptop the
 * content scrolls by itself below them (shell.css): the bar stays at hand
 * for "bring everyone to me" wherever the facilitator has scrolled, yet
 * never lies over what people work on, as the sticky bar did.
 */
export function BoardShell({ title, joinCode, pageTitle, className, skipLink, people, controls, children }: BoardShellProps) {
  const boardTitle = useBoardState((state) => state.boardTitle) ?? title;
  const joinCodeEnlarged = useBoardUi((state) => state.joinCodeEnlarged);
  const announcement = useBoardUi((state) => state.announcement);
  // The same function on every render: the overlay hands focus back to its opener whenever it gets a new one.
  const closeJoinCode = useCallback(() => setJoinCodeEnlarged(false), []);
  useDocumentTitle(`${pageTitle ? `${pageTitle} – ` : ''}${boardTitle} – Retain`);
  // Every screen's shared text (an action's fields in the exercise as on the plan) is undone a burst at a time by the board's undo.
  const { undo, redo } = useBoardUndo();
  useUndoShortcuts(useCanChangeBoard(), undo, redo);

  return (
    <div className={className ? `board-screen ${className}` : 'board-screen'}>
      <SkipLink targetId={skipLink.targetId}>{skipLink.text}</SkipLink>
      <BoardHeader title={boardTitle} joinCode={joinCode}>
        {people}
      </BoardHeader>
      {controls}
      <div className={CONTENT_CLASS}>{children}</div>
      <LiveAnnouncer text={announcement.text} serial={announcement.serial} />
      {joinCodeEnlarged && joinCode && <JoinCodeOverlay code={joinCode} origin={window.location.origin} onClose={closeJoinCode} />}
    </div>
  );
}
