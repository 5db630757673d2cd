import { type MouseEvent, useEffect, useId, useRef, useState } from 'react';
import type { Role } from '../../../shared/schema/api';
import { navigate } from '../../router';
import { forgetOpenedBoard, listOpenedBoards, type OpenedBoard } from '../../state/openedBoards';

const ROLE_NAMES: Record<Role, string> = {
  facilitator: 'Facilitator',
  participant: 'Participant',
  viewer: 'Viewer',
};

const WHEN = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** The boards list, kept in step with other tabs of this browser, which open and forget boards too. */
function useOpenedBoards(): [OpenedBoard[], () => void] {
  const [boards, setBoards] = useState(listOpenedBoards);
  const reread = () => setBoards(listOpenedBoards());
  useEffect(() => {
    const onStorage = () => setBoards(listOpenedBoards());
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  return [boards, reread];
}

/** Opens a board in this tab without reloading the app; a click with a modifier (new tab, new window) is the browser's. */
function openInApp(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}

/**
 * The boards this browser has opened (client/state/openedBoards.ts), newest
 * first: a facilitator finds their workshop again without the link. Shown
 * only once there is one, so a first visit is not told about an empty list.
 */
export function OpenedBoards() {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [boards, reread] = useOpenedBoards();
  const [forgotten, setForgotten] = useState('');
  if (boards.length === 0 && !forgotten) return null;

  const forget = (board: OpenedBoard) => {
    forgetOpenedBoard(board.boardId, board.role);
    reread();
    setForgotten(`“${board.title}” is no longer in your list. The board itself is not deleted.`);
    // The button has gone with its row: put focus somewhere that still makes sense, the list's heading.
    heading.current?.focus();
  };

  return (
    <section className="opened-boards" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Your boards
      </h2>
      <p className="opened-boards__hint">
        Boards opened in this browser, newest first. Anyone using this browser can open them: on a shared computer, forget
        the ones you have finished with.
      </p>
      <p className="opened-boards__status" role="status">
        {forgotten}
      </p>
      {boards.length > 0 && (
        <ul className="opened-boards__list">
          {boards.map((board) => (
            <li key={`${board.boardId}:${board.role}`} className="opened-boards__item">
              <a
                className="opened-boards__link"
                href={board.path}
                // The role too, since one board can be listed twice (as facilitator and as participant); it starts with the visible title (WCAG 2.5.3).
                aria-label={`${board.title}, as ${ROLE_NAMES[board.role].toLowerCase()}`}
                onClick={(event) => openInApp(event, board.path)}
              >
                {board.title}
              </a>
              <p className="opened-boards__meta">
                <span className={`opened-boards__role opened-boards__role--${board.role}`}>{ROLE_NAMES[board.role]}</span>
                <span>
                  Last opened <time dateTime={new Date(board.openedAt).toISOString()}>{WHEN.format(board.openedAt)}</time>
                </span>
              </p>
              <button type="button" className="button button--small button--secondary opened-boards__forget" onClick={() => forget(board)}>
                Forget
                <span className="visually-hidden">
                  {' '}
                  “{board.title}” ({ROLE_NAMES[board.role].toLowerCase()})
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
