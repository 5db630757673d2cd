import { stageName } from '../../../shared/schema/cycle';
import { boardIdFromPath, usePathname } from '../../router';
import { showActivity } from '../../state/boardUi';
import { useBoardIdentity } from '../../sync/BoardProvider';
import { useCycle } from '../../sync/useExerciseState';
import { CycleBoards } from './CycleBoards';
import { useCycleHistory } from './useCycleHistory';
import { WhatChanged } from './WhatChanged';
import './cycle.css';

// The presenter view's "What changed" lives in the presenter's folder and loads with this chunk (PresenterScreen.tsx).
export { PresenterCycle } from '../presenter/PresenterCycle';

/** The first heading of "what changed", which the agenda's last item links to. */
const WHAT_CHANGED_ID = 'what-changed';

/**
 * A check-in runs as a short agenda: each action's
 * progress, then the self-assessment again, then the comparison. The
 * buttons switch to the activity where each is done.
 */
function CheckInAgenda() {
  return (
    <section className="cycle-agenda" aria-labelledby="cycle-agenda-heading">
      <h3 id="cycle-agenda-heading" className="cycle-agenda__heading">
        The check-in’s agenda
      </h3>
      <ol className="cycle-agenda__list">
        <li>
          Review each action’s progress: where it is up to, a note, new steps, a changed owner or date.{' '}
          <button type="button" className="button button--small button--secondary" onClick={() => showActivity('plan')}>
            Action plan
          </button>
        </li>
        <li>
          Re-run the self-assessment, and agree a rating for each topic.{' '}
          <button type="button" className="button button--small button--secondary" onClick={() => showActivity('assessment')}>
            Self-assessment
          </button>
        </li>
        <li>
          Compare with earlier: <a href={`#${WHAT_CHANGED_ID}`}>what changed</a>, below.
        </li>
      </ol>
    </section>
  );
}

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
      {stage > 0 && <CheckInAgenda />}
      {identity.role === 'facilitator' && <CycleBoards boardId={boardId} />}
      <WhatChanged history={history} anchorId={WHAT_CHANGED_ID} />
    </div>
  );
}
