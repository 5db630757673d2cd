import { useMemo } from 'react';
import { actionProgress, describePlanProgress, planProgressChart } from '../../../shared/charts';
import { describeTimescale } from '../../../shared/rules/planText';
import { ACTION_FIELD_LABELS, ACTION_STATUS_LABELS } from '../../../shared/schema/exercise';
import { useActions, useSteps } from '../../sync/useExerciseState';
import { Chart } from '../../components/Chart';

/** Each action as the room reads it: its topic and action large, then who owns it, by when, and where it is up to. Read only. */
function ActionCards() {
  const actions = useActions();
  return (
    <ol className="presenter-actions" aria-label="Actions">
      {actions.map((action) => (
        <li key={action.id} className="presenter-action">
          <h3 className="presenter-action__topic">{action.topic.trim() || 'An action still to be named'}</h3>
          {action.action.trim() && <p className="presenter-action__what">{action.action}</p>}
          <dl className="presenter-action__facts">
            <div>
              <dt>{ACTION_FIELD_LABELS.owner}</dt>
              <dd>{action.owner.trim() || 'Not yet named'}</dd>
            </div>
            <div>
              <dt>{ACTION_FIELD_LABELS.timescale}</dt>
              <dd>{describeTimescale(action.timescale) || 'Not yet set'}</dd>
            </div>
            <div>
              <dt>Progress</dt>
              <dd>{ACTION_STATUS_LABELS[action.status]}</dd>
            </div>
          </dl>
        </li>
      ))}
    </ol>
  );
}

/** The agreed (or draft) actions large, for the actions phase and the summary. */
export function PresenterActions() {
  const actions = useActions();
  if (actions.length === 0) return <p className="presenter__empty">No actions drafted yet.</p>;
  return <ActionCards />;
}

/** The action plan, when the facilitator shows it: the actions, and their progress as a chart (shared/charts). */
export function PresenterPlan() {
  const actions = useActions();
  const steps = useSteps();
  const progress = useMemo(() => actions.map((action) => actionProgress(action, steps[action.id] ?? [])), [actions, steps]);
  if (actions.length === 0) return <p className="presenter__empty">The action plan has no actions yet.</p>;
  return (
    <div className="presenter-plan">
      <ActionCards />
      <div className="presenter-plan__chart">
        <Chart className="presenter-chart" imageClassName="presenter-chart__image" svg={planProgressChart(progress, { width: 640, maxRows: 8 })} description={describePlanProgress(progress)} />
      </div>
    </div>
  );
}
