import { useEffect, useId, useRef, useState } from 'react';
import { useBoardIdentity, useDeleteBoard } from '../../sync/BoardProvider';

/**
 * The facilitator deletes the board and everything on it, for everyone, when
 * the workshop is over: what staff wrote should not be kept longer than it is
 * needed. It asks first, in words, because it cannot be undone.
 */
export function DeleteBoard({ title }: { title: string }) {
  const identity = useBoardIdentity();
  const deleteBoard = useDeleteBoard();
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const questionId = useId();
  const openerRef = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);
  // Back on the button that opened the question, for a keyboard user who chose to keep the board.
  useEffect(() => {
    if (!asking && cancelled.current) {
      cancelled.current = false;
      openerRef.current?.focus();
    }
  }, [asking]);
  if (!deleteBoard || identity.role !== 'facilitator' || !identity.canEdit) return null;

  if (!asking) {
    return (
      <button type="button" ref={openerRef} className="button button--small button--secondary delete-board__open" onClick={() => setAsking(true)}>
        Delete board
      </button>
    );
  }
  return (
    <div className="delete-board" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="delete-board__question">
        Delete “{title}” and everything on it, for everyone? This cannot be undone: download the action plan first.
      </p>
      <button
        type="button"
        className="button button--small button--warning"
        disabled={busy}
        // Focus lands here first, so a keyboard user hears the question with it.
        autoFocus
        onClick={() => {
          setBusy(true);
          setProblem(null);
          deleteBoard().catch((error: Error) => {
            setProblem(`Not deleted: ${error.message}`);
            setBusy(false);
          });
        }}
      >
        Delete for everyone
      </button>
      <button
        type="button"
        className="button button--small button--secondary"
        disabled={busy}
        onClick={() => {
          cancelled.current = true;
          setAsking(false);
        }}
      >
        Keep the board
      </button>
      <p role="alert" className="delete-board__problem">
        {problem ?? ''}
      </p>
    </div>
  );
}
