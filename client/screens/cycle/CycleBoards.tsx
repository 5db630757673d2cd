import type { MouseEvent } from 'react';
import { stageName } from '../../../shared/schema/cycle';
import { navigate } from '../../router';
import { useCycleBoards } from '../../sync/BoardProvider';

/** Opens a board in this tab without reloading the app (as "Your boards" does); a click with a modifier (new tab, new window) is the browser's. */
function openInApp(event: MouseEvent<HTMLAnchorElement>, link: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link);
}

/**
 * The facilitator's way back to every board of the cycle: the workshop and each check-in in order, each a link with the
 * facilitator's own token, which opens all of them (docs/api.md,
 * "Check-ins"); this board is marked, not linked. Only the facilitator may
 * ask the server for the list, so nobody else sees it.
 */
export function CycleBoards({ boardId }: { boardId: string | null }) {
  const { status, boards, problem, reload } = useCycleBoards();
  if (status === 'none') return null;
  return (
    <section className="cycle-boards" aria-labelledby="cycle-boards-heading">
      <h3 id="cycle-boards-heading" className="cycle-boards__heading">
        The boards of this cycle
      </h3>
      {status === 'loading' && <p role="status">Finding the boards of this cycle…</p>}
      {status === 'failed' && (
        <div role="alert">
          <p>Could not list the boards of this cycle: {problem}</p>
          <button type="button" className="button button--small button--secondary" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      )}
      {boards.length > 0 && (
        <ol className="cycle-boards__list">
          {boards.map((board) => {
            const current = board.boardId === boardId;
            return (
              <li key={board.boardId} className={`cycle-boards__item${current ? ' cycle-boards__item--current' : ''}`}>
                <span className="cycle-boards__stage">{stageName(board.stage)}</span>{' '}
                {current ? (
                  <span aria-current="page" className="cycle-boards__title">
                    {board.title} <span className="cycle-boards__here">(this board)</span>
                  </span>
                ) : (
                  <a className="cycle-boards__title" href={board.link} onClick={(event) => openInApp(event, board.link)}>
                    {board.title}
                  </a>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p className="cycle-boards__hint">Your facilitator link opens every board of the cycle.</p>
    </section>
  );
}
