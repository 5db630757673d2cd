import { useRef, useState } from 'react';
import { type CycleStage, nextStage, stageName } from '../../../shared/schema/cycle';
import type { Action } from '../../../shared/schema/exercise';
import { showActivity } from '../../state/boardUi';
import { usePlanLink } from '../../sync/BoardProvider';
import { plural, useActions, useAgreedRatings, useAssessmentTopics } from '../../sync/useExerciseState';
import { actionName, type PlanPermissions, PlanTextField, StatusSelect, StepsChecklist, TimescaleInput, usePlanPermissions } from '../plan/ActionEditors';
import { PLAN_DOWNLOADS } from '../plan/PlanDownloads';
import { StartCheckInDialog, useNextCheckIn } from '../shell/StartCheckIn';
import type { CycleHistory } from './useCycleHistory';
import { ActionNote, describeActionAt } from './WhatChanged';

/** "30-day check-in" → "the 30-day check-in", "Workshop" → "the workshop", for sentences. */
function theStage(stage: CycleStage): string {
  return `the ${stageName(stage).replace(/^W/, 'w')}`;
}

/**
 * Where an action was up to on the earlier boards of the cycle, and the
 * note each check-in wrote on it (the history's snapshots,
 * shared/rules/cycle.ts): what the facilitator reads out before asking
 * what has moved since.
 */
function EarlierProgress({ action, history }: { action: Action; history: CycleHistory }) {
  const row = history.actions.find((candidate) => candidate.actionId === action.id);
  // The last column is this board as it is now; the agenda's fields show that.
  const earlier = (row?.byStage.slice(0, -1) ?? []).flatMap((at, index) => (at ? [{ at, stage: history.stages[index]! }] : []));
  if (earlier.length === 0) return <p className="cycle-agenda__earlier">New at this check-in: no earlier board had it.</p>;
  return (
    <ul className="cycle-agenda__earlier">
      {earlier.map(({ at, stage }, index) => (
        <li key={index}>
          At {theStage(stage)}: {describeActionAt(at)}.{at.note.trim() && <ActionNote note={at.note} />}
        </li>
      ))}
    </ul>
  );
}

/**
 * One action on the agenda, numbered as on the plan: what it was before,
 * then what to go through now, each field the plan's own editor (live, with
 * the plan's permissions): progress, the check-in's note, the owner, the
 * timescale and the steps.
 */
function AgendaAction({ action, index, history, permissions }: { action: Action; index: number; history: CycleHistory; permissions: PlanPermissions }) {
  const name = actionName(action, index);
  return (
    <li className="cycle-agenda__item cycle-agenda__action">
      <h4 className="cycle-agenda__title">
        {index + 1}. {name}
      </h4>
      <EarlierProgress action={action} history={history} />
      <StatusSelect action={action} name={name} readOnly={!permissions.canTrack} />
      <div className="action-fields cycle-agenda__fields">
        {/* The note is progress, not the plan: whoever may set progress writes it, as on the plan's cards. */}
        <PlanTextField action={action} field="review" name={name} readOnly={!permissions.canTrack} />
        <PlanTextField action={action} field="owner" name={name} readOnly={!permissions.canWrite} />
        <div className="action-fields__field" data-field="timescale">
          <TimescaleInput action={action} name={name} readOnly={!permissions.canWrite} />
        </div>
        <div className="action-fields__field" data-field="steps">
          <StepsChecklist action={action} name={name} permissions={permissions} />
        </div>
      </div>
    </li>
  );
}

/** The self-assessment again: how far the group has got, and the way there. */
function RateAgain() {
  const topics = useAssessmentTopics();
  const agreed = useAgreedRatings();
  const agreedCount = topics.filter((topic) => Object.prototype.hasOwnProperty.call(agreed, topic.id)).length;
  return (
    <li className="cycle-agenda__item">
      <h4 className="cycle-agenda__title">Rate the topics again</h4>
      <p>
        Everyone rates each topic in private, then the group agrees a colour for each.{' '}
        {topics.length === 0 ? 'There are no topics yet.' : `${agreedCount} of ${plural(topics.length, 'topic')} agreed so far.`}
      </p>
      <button type="button" className="button button--small button--secondary" onClick={() => showActivity('assessment')}>
        Open the self-assessment
      </button>
    </li>
  );
}

/**
 * The 90-day check-in ends the cycle: the plan's Word document and Excel
 * workbook carry the actions, the self-assessment and what changed at each
 * stage (docs/plan-export.md, "Downloading"), which is what the organisation's retention
 * plan needs. The same links as the plan's downloads (PlanDownloads.tsx).
 */
function RetentionPlan() {
  const planLink = usePlanLink();
  return (
    <li className="cycle-agenda__item">
      <h4 className="cycle-agenda__title">The team’s retention plan</h4>
      <p>
        The cycle ends here. Take what the team did into your organisation’s retention plan: the Word document and the Excel workbook carry the actions, the
        self-assessment and what changed at each stage.
      </p>
      {planLink ? (
        <ul className="cycle-agenda__downloads">
          {PLAN_DOWNLOADS.filter(({ format }) => format === 'docx' || format === 'xlsx').map(({ format, label, hint }) => (
            <li key={format}>
              <a href={planLink(format)} download>
                {label}
              </a>{' '}
              <span className="cycle-agenda__hint">– {hint}</span>
            </li>
          ))}
        </ul>
      ) : (
        <button type="button" className="button button--small button--secondary" onClick={() => showActivity('plan')}>
          Open the action plan to download it
        </button>
      )}
    </li>
  );
}

/**
 * After a 30- or 60-day check-in, the next one: the facilitator starts it
 * here with the "More" menu's own dialog (StartCheckIn.tsx); anyone else is
 * told who does.
 */
function NextCheckIn({ stage }: { stage: CycleStage }) {
  const startable = useNextCheckIn();
  const next = nextStage(stage);
  const [starting, setStarting] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  if (next === null) return null;
  return (
    <li className="cycle-agenda__item">
      <h4 className="cycle-agenda__title">Start the next check-in</h4>
      <p>
        When the team meets again, {theStage(next)} reviews the plan and the self-assessment once more, on a new board that carries over the plan and the ratings
        agreed here.
      </p>
      {startable !== null ? (
        <button ref={button} type="button" className="button button--small button--secondary" onClick={() => setStarting(true)}>
          Start {theStage(startable)}…
        </button>
      ) : (
        <p>The facilitator starts it from this board’s “More” menu.</p>
      )}
      {starting && startable !== null && (
        <StartCheckInDialog
          stage={startable}
          onClose={() => {
            setStarting(false);
            button.current?.focus();
          }}
        />
      )}
    </li>
  );
}

/**
 * A check-in's agenda, which the facilitator runs through with the team
 * (docs/client.md, "The action plan and a check-in's agenda"): each action
 * in the plan's order, reviewed in place; the self-assessment again; the comparison with the
 * earlier boards; then, at 90 days, the retention plan to take away, or
 * else the next check-in.
 */
export function CheckInAgenda({ stage, history, whatChangedId }: { stage: CycleStage; history: CycleHistory; whatChangedId: string }) {
  const planned = useActions();
  const permissions = usePlanPermissions();
  return (
    <section className="cycle-agenda" aria-labelledby="cycle-agenda-heading">
      <h3 id="cycle-agenda-heading" className="cycle-agenda__heading">
        The check-in’s agenda
      </h3>
      <p className="cycle-agenda__intro">Go through it in order: each action, then the self-assessment, then what changed.</p>
      <ol className="cycle-agenda__list">
        {planned.length === 0 ? (
          <li className="cycle-agenda__item">
            <h4 className="cycle-agenda__title">The actions</h4>
            <p>The plan has no actions yet.</p>
            <button type="button" className="button button--small button--secondary" onClick={() => showActivity('plan')}>
              Open the action plan
            </button>
          </li>
        ) : (
          planned.map((action, index) => <AgendaAction key={action.id} action={action} index={index} history={history} permissions={permissions} />)
        )}
        <RateAgain />
        <li className="cycle-agenda__item">
          <h4 className="cycle-agenda__title">Compare with earlier</h4>
          <p>
            <a href={`#${whatChangedId}`}>What changed</a>, below: each topic’s agreed colour and each action’s progress at every stage of the cycle.
          </p>
        </li>
        {stage === 90 ? <RetentionPlan /> : <NextCheckIn stage={stage} />}
      </ol>
    </section>
  );
}
