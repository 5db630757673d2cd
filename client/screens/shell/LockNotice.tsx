import { useState } from 'react';
import { StateRefusalReason } from '../../../shared/protocol';
import { useBoardIdentity, useBoardState } from '../../sync/BoardProvider';

/** Why the server refused this device's latest change, as the person is told it (close code 4423; docs/client.md, "The locked board"). */
const REFUSAL_MESSAGES: Record<StateRefusalReason, string> = {
  [StateRefusalReason.locked]: 'Your latest change was not saved: the facilitator has locked the board. The board now shows what everyone sees.',
  [StateRefusalReason.actionsAgreed]:
    'Your latest change was not saved: the actions were agreed before it arrived, and only the facilitator can reopen the agreement to add another. The board now shows the agreed plan.',
  [StateRefusalReason.textFull]:
    'Your latest typing was not saved: someone else filled the same field to its limit at the same moment. The board now shows what everyone sees.',
};

/**
 * Says, on every screen, that the facilitator has locked the board, and that
 * a change this device made while it was locked, or an action it added after
 * the plan was agreed, was refused and dropped, saying which
 * (docs/client.md, "The locked board"). The lock's status region is always
 * in the page, so screen readers announce the words when they arrive; the
 * refusal is an alert, announced as it appears. Viewers never change
 * anything, so the lock is no news to them.
 */
export function LockNotice() {
  const { role, canEdit } = useBoardIdentity();
  const locked = useBoardState((state) => state.exercise.session.locked);
  const refusals = useBoardState((state) => state.lockRefusals);
  const lastRefusal = useBoardState((state) => state.lastStateRefusal);
  const [dismissedRefusals, setDismissedRefusals] = useState(0);
  if (!canEdit) return null;
  const isFacilitator = role === 'facilitator';
  return (
    <div className="lock-notice">
      <p className="lock-notice__locked" role="status">
        {locked &&
          (isFacilitator
            ? 'The board is locked: only you can change it.'
            : 'The facilitator has locked the board for now. You can look, but you cannot change anything until they unlock it.')}
      </p>
      {refusals > dismissedRefusals && (
        <div className="lock-notice__refused" role="alert">
          <p className="lock-notice__refused-text">{REFUSAL_MESSAGES[lastRefusal ?? StateRefusalReason.locked]}</p>
          <button type="button" className="button button--small button--secondary" onClick={() => setDismissedRefusals(refusals)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
