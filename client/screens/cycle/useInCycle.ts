import { useBoardIdentity, useCycleBoards } from '../../sync/BoardProvider';
import { useCycle } from '../../sync/useExerciseState';

/**
 * Whether this board is part of a retention cycle, so that "What changed"
 * is offered: a check-in, or a board holding earlier
 * boards' snapshots, knows it from its own document; a workshop knows it only
 * once a check-in has been started from it, which only the facilitator can
 * ask the server (`GET /api/boards/<id>/cycle`).
 */
export function useInCycle(): boolean {
  const { stage, history } = useCycle();
  const { role } = useBoardIdentity();
  const cycleBoards = useCycleBoards();
  if (stage > 0 || history.length > 0) return true;
  return role === 'facilitator' && cycleBoards.boards.length > 1;
}
