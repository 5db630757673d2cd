import { lazy, Suspense, useId, useMemo } from 'react';
import { type ActionProgress, actionProgress, planProgressChart } from '../../../shared/charts';
import { actionWarnings } from '../../../shared/rules/actionReadiness';
import { describeTimescale } from '../../../shared/rules/planText';
import { type Action, ACTION_REVIEW_LABEL, ACTION_STATUS_LABELS, type ActionTextField } from '../../../shared/schema/exercise';
import { announce, setPlanGrouping, useBoardUi } from '../../state/boardUi';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useActions, useCycle, useExerciseActions, useSession, useSteps } from '../../sync/useExerciseState';
import { PlanDownloads } from './PlanDownloads';
import { actionName, DeleteActionButton, type PlanPermissions, PlanTextField, StatusSelect, StepsChecklist, TimescaleInput, usePlanPermissions } from './ActionEditors';
import { PlanImport } from './PlanImport';
import { type AddToPlan, useAddToPlan } from './useAddToPlan';
import { PLAN_TABLE_COLUMNS, planTableRow } from '../../../shared/export/planTable';
import { PlanTableHead } from './PlanTableHead';
import { Chart } from '../../components/Chart';
import { useServedTopic, useTopicsNeedingWork } from '../assessment/needingWork';
import './plan.css';

/** The id of an action's card heading, where the summary's buttons take focus. */
function cardHeadingId(action: Action): string {
  return `plan-action-${action.id}`;
}

/**
 * One action as a card: its number, name and progress on top, then the
 * template's six columns as a grid of fields wide enough to read (two side by
 * side where the card has room, one above the other on a phone), on a
 * check-in board the check-in's note, then what is missing and, for whoever
 * may rewrite the plan, Delete. Its number is its place in the plan, grouped
 * or not (`value`, so a list of a group says it too).
 */
function PlanCard({ action, index, permissions, checkIn, headingLevel }: { action: Action; index: number; permissions: PlanPermissions; checkIn: boolean; headingLevel: 3 | 4 }) {
  const name = actionName(action, index);
  const warnings = actionWarnings(action);
  const readOnly = !permissions.canWrite;
  const text = (field: ActionTextField) => <PlanTextField action={action} field={field} name={name} readOnly={readOnly} />;
  const Heading = `h${headingLevel}` as 'h3' | 'h4';
  return (
    <li className={`plan-card plan-card--${action.status}`} value={index + 1}>
      <div className="plan-card__head">
        <Heading className="plan-card__title" id={cardHeadingId(action)} tabIndex={-1}>
          <span className="plan-card__number">{index + 1}.</span> {name}
        </Heading>
        <StatusSelect action={action} name={name} readOnly={!permissions.canTrack} />
      </div>
      {action.importedFrom && <p className="plan-card__source">Imported from {action.importedFrom}</p>}
      <ServedTopic text={action.topic} />
      <div className="action-fields">
        {text('topic')}
        {text('action')}
        {text('owner')}
        <div className="action-fields__field" data-field="timescale">
          <TimescaleInput action={action} name={name} readOnly={readOnly} />
        </div>
        <div className="action-fields__field" data-field="steps">
          <StepsChecklist action={action} name={name} permissions={permissions} />
        </div>
        {text('success')}
        {/* A check-in's note is progress, not the plan: whoever may set progress writes it (docs/client.md, "The action plan and a check-in's agenda"). */}
        {checkIn && <PlanTextField action={action} field="review" name={name} readOnly={!permissions.canTrack} />}
      </div>
      {(warnings.length > 0 || permissions.canWrite) && (
        <div className="plan-card__foot">
          {warnings.length > 0 && (
            <ul className="action__warnings plan-card__warnings" aria-label={`Missing from “${name}”`}>
              {warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          {permissions.canWrite && (
            <DeleteActionButton action={action} name={name} className="plan-card__delete" />
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The self-assessment topic an action serves, when its "Topic and objective"
 * is a topic's title, with the colour the group agreed for it in words.
 */
function ServedTopic({ text }: { text: string }) {
  const served = useServedTopic(text);
  if (!served) return null;
  return (
    <p className="plan-card__serves">
      Serves: {served.topic.title}
      {served.colour ? ` — agreed ${served.colour}` : ' — not agreed yet'}
    </p>
  );
}

/**
 * The topics the group agreed red or amber in the self-assessment, red
 * first, each with a button that starts an action for it: the topic's title
 * becomes the action's "Topic and objective". Adding
 * follows the same path as "Add an action" (`useAddToPlan`), its question
 * about an agreed plan shown beside the topic's own button.
 */
function StartFromTopics({ addToPlan, promptAt }: Pick<AddToPlan, 'addToPlan' | 'promptAt'>) {
  const needing = useTopicsNeedingWork();
  const actions = useExerciseActions();
  const headingId = useId();
  if (needing.length === 0) return null;
  return (
    <section className="plan-view__from-topics" aria-labelledby={headingId}>
      <h3 id={headingId} className="plan-view__from-topics-title">
        Start an action from a topic that needs work
      </h3>
      <ul className="plan-view__topics">
        {needing.map(({ topic, rating, colour }) => (
          <li key={topic.id} className={`plan-view__topic plan-view__topic--${rating}`}>
            <span className="plan-view__topic-name">
              {topic.title} <span className="plan-view__topic-rating">(agreed {colour})</span>
            </span>{' '}
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() =>
                addToPlan(
                  () => {
                    actions.addAction(null, topic.title);
                    announce(`Added an action for “${topic.title}” at the end of the plan.`);
                  },
                  `topic:${topic.id}`,
                )
              }
            >
              Add an action for “{topic.title}”
            </button>
            {promptAt(`topic:${topic.id}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The plan at a glance, above the cards: each action's owner, timescale and
 * progress in one short row, as a facilitator runs down the plan at a
 * check-in. Each action's name takes focus to its card.
 */
function PlanSummary({ planned, checkIn }: { planned: readonly Action[]; checkIn: boolean }) {
  const steps = useSteps();
  const goTo = (action: Action) => {
    // Focus, not a #fragment link: the board page's address keeps its fragment for the token (docs/client.md, "Links, tokens and identity").
    document.getElementById(cardHeadingId(action))?.focus();
  };
  return (
    <div className="plan-summary">
      <table className="plan-summary__table">
        <caption className="plan-summary__caption">
          The plan at a glance
        </caption>
        <thead>
          <tr>
            <th scope="col">Action</th>
            <th scope="col">Owner</th>
            <th scope="col">Timescale</th>
            <th scope="col">Progress</th>
            {checkIn && <th scope="col">{ACTION_REVIEW_LABEL}</th>}
          </tr>
        </thead>
        <tbody>
          {planned.map((action, index) => {
            const name = actionName(action, index);
            const actionSteps = steps[action.id] ?? [];
            const done = actionSteps.filter((step) => step.done).length;
            return (
              <tr key={action.id} className={`plan-summary__row plan-summary__row--${action.status}`}>
                <th scope="row">
                  <span className="plan-summary__number">{index + 1}.</span>{' '}
                  <button type="button" className="plan-summary__jump" onClick={() => goTo(action)}>
                    {name}
                  </button>
                  {action.topic.trim() && action.topic.trim() !== name && <span className="plan-summary__topic">{action.topic}</span>}
                </th>
                <td data-label="Owner">{action.owner.trim() || <span className="plan-summary__unset">No owner yet</span>}</td>
                <td data-label="Timescale">{describeTimescale(action.timescale) || <span className="plan-summary__unset">Not set</span>}</td>
                <td data-label="Progress">
                  <span className={`plan-summary__status plan-summary__status--${action.status}`}>{ACTION_STATUS_LABELS[action.status]}</span>
                  {actionSteps.length > 0 && (
                    <span className="plan-summary__steps">
                      {done} of {plural(actionSteps.length, 'step')} done
                    </span>
                  )}
                </td>
                {checkIn && (
                  <td data-label={ACTION_REVIEW_LABEL} className="plan-summary__review">
                    {action.review.trim() || <span className="plan-summary__unset">No note yet</span>}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The width the progress chart is drawn at: wide enough for its bar, legend
 * and a row of steps per action at their 14 px size; a phone shrinks the
 * picture to fit (Chart.css).
 */
const PROGRESS_CHART_WIDTH = 640;

/**
 * The plan's progress as a chart (shared/charts/planProgress.ts): how many
 * actions are at each stage, and each action's steps ticked off. The summary
 * table below says the same in words for each action, and is what screen
 * readers read, so the picture is decorative (Chart.tsx).
 *
 * Drawn again only when what it shows changes: each action's name, progress
 * and steps ticked. Every keystroke in a card's Owner or Success field makes
 * a new action object, so the drawing is keyed on the rows' content, not on
 * the actions themselves.
 */
function PlanProgressChart({ planned }: { planned: readonly Action[] }) {
  const steps = useSteps();
  const rowsKey = JSON.stringify(planned.map((action) => actionProgress(action, steps[action.id] ?? [])));
  const svg = useMemo(() => planProgressChart(JSON.parse(rowsKey) as ActionProgress[], { width: PROGRESS_CHART_WIDTH }), [rowsKey]);
  return <Chart svg={svg} className="plan-view__chart" />;
}

/** The plan as plain text in the template's columns, for paper: form fields do not print well. */
function PrintedPlan({ planned }: { planned: readonly Action[] }) {
  const steps = useSteps();
  return (
    <table className="plan-print" aria-hidden="true">
      <PlanTableHead />
      <tbody>
        {planned.map((action) => (
          <tr key={action.id}>
            {planTableRow({ ...action, steps: steps[action.id] ?? [] }, 'words').map((text, index) => (
              <td key={PLAN_TABLE_COLUMNS[index]}>{text}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Whether this person reads the cards in the plan's order or grouped by
 * topic: a toggle button, kept on this screen only (client/state/boardUi.ts),
 * never in the document, so each person reads the plan their own way.
 */
function GroupingToggle() {
  const grouping = useBoardUi((state) => state.planGrouping);
  return (
    <button
      type="button"
      className="button button--small button--secondary plan-view__grouping"
      aria-pressed={grouping === 'topic'}
      onClick={() => setPlanGrouping(grouping === 'topic' ? 'order' : 'topic')}
    >
      Group by topic
    </button>
  );
}

// Grouping by topic loads when first asked for: the board page's chunk is at its size limit (docs/client.md, "Styles").
const PlanGroups = lazy(() => import('./PlanGroups').then((module) => ({ default: module.PlanGroups })));

/**
 * The cards, in the plan's order or under a heading per topic (PlanGroups.tsx);
 * either way each card keeps its number in the plan. Until the grouping has
 * loaded, the cards stay in order.
 */
function PlanCards({ planned, permissions, checkIn }: { planned: readonly Action[]; permissions: PlanPermissions; checkIn: boolean }) {
  const grouping = useBoardUi((state) => state.planGrouping);
  const card = (action: Action, index: number, headingLevel: 3 | 4) => (
    <PlanCard key={action.id} action={action} index={index} permissions={permissions} checkIn={checkIn} headingLevel={headingLevel} />
  );
  const inOrder = (
    <ol className="plan-cards" aria-label="Actions">
      {planned.map((action, index) => card(action, index, 3))}
    </ol>
  );
  if (grouping !== 'topic') return inOrder;
  return (
    <Suspense fallback={inOrder}>
      <PlanGroups planned={planned} renderCard={card} />
    </Suspense>
  );
}

/**
 * The action plan on every board: a summary of the actions, then each action
 * as a card of the guide's columns, edited live by whoever may (see
 * usePlanPermissions), with the downloads, the calendar of check-ins, and
 * importing an earlier plan to review. A table of seven editable columns left
 * each field about 90 px wide at 1366 px, hence the cards; the
 * guide's table is still what prints and what every export writes.
 */
export function PlanView() {
  const planned = useActions();
  const session = useSession();
  const actions = useExerciseActions();
  const permissions = usePlanPermissions();
  const canEdit = useCanChangeBoard();
  const headingId = useId();
  const checkIn = useCycle().stage > 0;
  const { addToPlan, prompt: addToPlanPrompt, promptAt } = useAddToPlan();
  const done = planned.filter((action) => action.status === 'done').length;
  return (
    <section className="plan-view" aria-labelledby={headingId}>
      <h2 id={headingId} className="plan-view__title">
        Action plan
      </h2>
      <p className="plan-view__summary">
        {planned.length === 0
          ? 'No actions yet. Add one below, agree them in the exercise, or import the plan of an earlier workshop to review it.'
          : `${plural(planned.length, 'action')}, ${session.actionsAgreed ? 'agreed' : 'not agreed yet'}; ${done} done.`}
        {canEdit && !permissions.canWrite && ' The actions are agreed: tick steps off and set progress as they move on.'}
      </p>
      {planned.length > 0 && (
        <>
          <PlanProgressChart planned={planned} />
          <PlanSummary planned={planned} checkIn={checkIn} />
          <GroupingToggle />
          <PlanCards planned={planned} permissions={permissions} checkIn={checkIn} />
        </>
      )}
      <PrintedPlan planned={planned} />
      {permissions.canWrite && (
        <button
          type="button"
          className="button button--secondary plan-view__add"
          onClick={() =>
            addToPlan(() => {
              actions.addAction(null, '');
              announce('Added an action at the end of the plan.');
            })
          }
        >
          Add an action
        </button>
      )}
      {permissions.canWrite && <StartFromTopics addToPlan={addToPlan} promptAt={promptAt} />}
      {addToPlanPrompt}
      <PlanDownloads />
      <PlanImport />
    </section>
  );
}
