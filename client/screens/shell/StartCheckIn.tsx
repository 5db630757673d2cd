import { useState } from 'react';
import { CheckInConflictError } from '../../api';
import { nextStage, stageName, type CycleStage } from '../../../shared/schema/cycle';
import type { CheckInResponse } from '../../../shared/schema/api';
import { CopyField } from '../../components/CopyField';
import { navigate } from '../../router';
import { useBoardIdentity, useCycleBoards, useLinkWithOwnToken, useStartCheckIn } from '../../sync/BoardProvider';
import { useCycle } from '../../sync/useExerciseState';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * The check-in this board would start, for the "More" menu's item: the
 * 30-day from a workshop, 60 from 30, 90 from 60, none after the 90-day
 * check-in, which ends the cycle. Null for anyone but
 * the facilitator, or where there is no server to start it.
 */
export function useNextCheckIn(): CycleStage | null {
  const identity = useBoardIdentity();
  const start = useStartCheckIn();
  const { stage } = useCycle();
  if (!start || identity.role !== 'facilitator' || !identity.canEdit) return null;
  return nextStage(stage);
}

/** "30-day check-in" → "the 30-day check-in", for sentences. */
function lower(stage: CycleStage): string {
  return stageName(stage).replace(/^W/, 'w');
}

type Step =
  | { kind: 'asking'; busy: boolean; problem: string | null }
  | { kind: 'started'; board: CheckInResponse }
  | { kind: 'exists'; message: string; boardId: string };

/**
 * Starts the next check-in, opened from the "More" menu.
 * It asks first, saying what the new board carries over and what is new,
 * then shows the new board's participant link and join code, to send to
 * the team, and opens it on request with the facilitator's own token (the
 * server gives a check-in the same facilitator token, docs/api.md,
 * "Check-ins"). When the check-in exists already, the server says which
 * board it is, and this offers to open that one. Every step is a
 * ConfirmDialog; closing it calls `onClose`, which puts focus back on the
 * menu's button.
 */
export function StartCheckInDialog({ stage, onClose }: { stage: CycleStage; onClose(): void }) {
  const start = useStartCheckIn();
  const linkTo = useLinkWithOwnToken();
  const cycleBoards = useCycleBoards();
  const [step, setStep] = useState<Step>({ kind: 'asking', busy: false, problem: null });
  if (!start || !linkTo) return null;
  // The app's router, as "Your boards" opens a board: the board page is keyed on the board's id, so this one's connection closes and the other opens from scratch, its token from the link (docs/client.md, "Links, tokens and identity").
  const open = (boardId: string) => navigate(linkTo(boardId));

  if (step.kind === 'started') {
    const { board } = step;
    return (
      <ConfirmDialog title={`The ${lower(board.stage)} has started`} confirmLabel="Open the check-in" cancelLabel="Stay on this board" onConfirm={() => open(board.boardId)} onCancel={onClose}>
        <p>
          “{board.title}” is ready, with the plan and the agreed self-assessment carried over. Send the team its own link or join code: the ones for this board do not open it.
        </p>
        <CopyField label="Participant link" description="For the team: anyone with it can join the check-in and add to it." value={board.links.participant} />
        <p className="start-check-in__code">
          Join code: <strong className="start-check-in__code-value">{board.joinCode}</strong>
        </p>
        <p>Your own link opens it too, as it opens every board of this cycle.</p>
      </ConfirmDialog>
    );
  }

  if (step.kind === 'exists') {
    return (
      <ConfirmDialog title={`The ${lower(stage)} has already been started`} confirmLabel="Open it" cancelLabel="Stay on this board" onConfirm={() => open(step.boardId)} onCancel={onClose}>
        <p>{step.message} Open it to carry on there: it holds the plan as it was when it was started.</p>
      </ConfirmDialog>
    );
  }

  return (
    <ConfirmDialog
      title={`Start the ${lower(stage)}?`}
      confirmLabel={`Start the ${lower(stage)}`}
      cancelLabel="Not now"
      busy={step.busy}
      problem={step.problem}
      onCancel={onClose}
      onConfirm={() => {
        setStep({ kind: 'asking', busy: true, problem: null });
        start()
          .then((board) => {
            setStep({ kind: 'started', board });
            // The new board belongs to the cycle now: the list of its boards (and the "What changed" switch) follows.
            void cycleBoards.reload();
          })
          .catch((error: Error) => {
            if (error instanceof CheckInConflictError && error.existingBoardId) setStep({ kind: 'exists', message: error.message, boardId: error.existingBoardId });
            else setStep({ kind: 'asking', busy: false, problem: `Not started: ${error.message}` });
          });
      }}
    >
      <p>This starts a new board for the {lower(stage)}, linked to this one. It carries over:</p>
      <ul>
        <li>the action plan: every action with its owner, dates, steps and progress;</li>
        <li>the self-assessment’s topics, with the ratings agreed here as the baseline to compare with.</li>
      </ul>
      <p>The new board has its own participant and viewer links and its own join code. This board stays as it is.</p>
    </ConfirmDialog>
  );
}
