import { stageName } from '../../../shared/schema/cycle';
import { boardIdFromPath, usePathname } from '../../router';
import { useBoardIdentity } from '../../sync/BoardProvider';
import { useCycle } from '../../sync/useExerciseState';
import { CheckInAgenda } from './CheckInAgenda';
import { CycleBoards } from './CycleBoards';
import { useCycleHistory } from './useCycleHistory';
import { WhatChanged } from './WhatChanged';
import './cycle.css';

// The presenter view's "What changed" lives in the presenter's folder and loads with this chunk (PresenterScreen.tsx).
export { PresenterCycle } from '../presenter/PresenterCycle';

/** The first heading of "what changed", which the agenda's "Compare with earlier" links to. */
const WHAT_CHANGED_ID = 'what-changed';

/**
 * "What changed", the activity on every board of a retention cycle
 * (docs/client.md): on a check-in its agenda first,
 * then, for the facilitator, the boards of the cycle with their links, then
 * each topic's agreed rating and each action's progress at every stage.
 * Its own chunk, loaded when first opened (ActivitySwitch.tsx).
 */
export function CycleView() {
  const { stage } = useCycle();
  const identity = useBoardIdentity();
  const boardId = boardIdFromPath(usePathname());
  const history = useCycleHistory();
  return (
    <div className="cycle-view">
      <h2 className="cycle-view__title">What changed</h2>
      <p className="cycle-view__intro">
        This board is the {stageName(stage).replace(/^W/, 'w')}
        {history.stages.length > 1 ? `, compared with the ${history.stages.length - 1 === 1 ? 'board' : 'boards'} before it.` : '.'}
      </p>
      {stage > 0 && <CheckInAgenda stage={stage} history={history} whatChangedId={WHAT_CHANGED_ID} />}
      {identity.role === 'facilitator' && <CycleBoards boardId={boardId} />}
      <WhatChanged history={history} anchorId={WHAT_CHANGED_ID} />
    </div>
  );
}
