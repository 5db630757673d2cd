import { useState } from 'react';
import { useBoardIdentity, useDeleteBoard } from '../../sync/BoardProvider';
import { ConfirmDialog } from './ConfirmDialog';

/** Whether this person may delete the board: the facilitator, on a board they can change. */
export function useCanDeleteBoard(): boolean {
  const identity = useBoardIdentity();
  return Boolean(useDeleteBoard()) && identity.role === 'facilitator' && identity.canEdit;
}

/**
 * The facilitator deletes the board and everything on it, for everyone, when
 * the workshop is over: what staff wrote should not be kept longer than it is
 * needed. It asks first, in words, because it cannot be undone. Opened from
 * the board's "More" menu; keeping the board calls `onClose`, which puts
 * focus back on that menu's button.
 */
export function DeleteBoardDialog({ title, onClose }: { title: string; onClose(): void }) {
  const deleteBoard = useDeleteBoard();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!deleteBoard) return null;
  return (
    <ConfirmDialog
      title={`Delete “${title}”?`}
      confirmLabel="Delete for everyone"
      cancelLabel="Keep the board"
      danger
      busy={busy}
      problem={problem}
      onCancel={onClose}
      onConfirm={() => {
        setBusy(true);
        setProblem(null);
        deleteBoard().catch((error: Error) => {
          setProblem(`Not deleted: ${error.message}`);
          setBusy(false);
        });
      }}
    >
      <p>
        Delete “{title}” and everything on it, for everyone? This cannot be undone: download the action plan first.
      </p>
    </ConfirmDialog>
  );
}
