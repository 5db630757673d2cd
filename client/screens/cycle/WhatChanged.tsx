import { type ReactNode, useId, useMemo } from 'react';
import { cycleHistoryChart } from '../../../shared/charts';
import type { ActionAtStage } from '../../../shared/rules/cycle';
import { type CycleStage, stageName } from '../../../shared/schema/cycle';
import { ACTION_REVIEW_LABEL, ACTION_STATUS_LABELS } from '../../../shared/schema/exercise';
import { Chart } from '../../components/Chart';
import { plural } from '../../sync/useExerciseState';
import { RatingMark } from './RatingMark';
import type { CycleHistory } from './useCycleHistory';

/** A column's heading: the stage's name, and "now" on the last column, which is this board as it is. */
export function stageHeading(stage: CycleStage, index: number, stages: readonly CycleStage[]): string {
  return index === stages.length - 1 ? `${stageName(stage)} (now)` : stageName(stage);
}

/** An action's progress at one stage, in words: "Under way, 2 of 5 steps done". */
export function describeActionAt(at: ActionAtStage | null): string {
  if (!at) return 'Not on that board';
  const status = ACTION_STATUS_LABELS[at.status];
  return at.stepsTotal > 0 ? `${status}, ${at.stepsDone} of ${plural(at.stepsTotal, 'step')} done` : status;
}

/** A check-in's note on an action, below its progress at that stage: named in words, and quoted as written. */
export function ActionNote({ note }: { note: string }) {
  return (
    <span className="cycle-progress__note">
      {ACTION_REVIEW_LABEL}: “{note.trim()}”
    </span>
  );
}

/**
 * A table too wide for a phone scrolls sideways by itself, never the page
 *, and can be scrolled with the keyboard: a focusable region named
 * by the table's caption (axe, "scrollable-region-focusable").
 */
function ScrollingTable({ caption, children }: { caption: string; children: ReactNode }) {
  const captionId = useId();
  return (
    <div className="cycle-table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="cycle-table">
        <caption id={captionId} className="cycle-table__caption">
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}

function StageHeadings({ first, stages }: { first: string; stages: readonly CycleStage[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {stages.map((stage, index) => (
          <th key={index} scope="col">
            {stageHeading(stage, index, stages)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * "What changed" across the cycle: the chart of each
 * topic's agreed rating at every stage with the count of each colour per
 * stage (shared/charts/cycleHistory.ts), then the same in tables, which are
 * what screen readers read (the chart is decorative beside them, as
 * Chart.tsx says), and each action's progress at every stage with the
 * check-in's note on it, where there is one. The last
 * column is this board as it is now, so agreeing a rating or ticking a step
 * shows here at once.
 */
export function WhatChanged({ history, headingLevel = 3, anchorId }: { history: CycleHistory; headingLevel?: 2 | 3; anchorId?: string }) {
  const { stages, topics, counts, actions } = history;
  const Heading = `h${headingLevel}` as 'h2' | 'h3';
  const svg = useMemo(() => cycleHistoryChart({ stages, topics, counts }), [stages, topics, counts]);

  return (
    <div className="what-changed">
      <Heading id={anchorId} className="what-changed__heading">
        The self-assessment at each stage
      </Heading>
      {topics.length === 0 ? (
        <p>No topics to compare yet.</p>
      ) : (
        <>
          {/* Decorative (alt=""): the two tables below say the same in words, and are what a screen reader reads (Chart.tsx). */}
          <Chart svg={svg} className="what-changed__chart" />
          <ScrollingTable caption="How many topics were agreed each colour">
            <StageHeadings first="Colour" stages={stages} />
            <tbody>
              {(['red', 'amber', 'green'] as const).map((rating) => (
                <tr key={rating}>
                  <th scope="row">
                    <RatingMark rating={rating} />
                  </th>
                  {counts.map((count, index) => (
                    <td key={index} className="cycle-table__count">
                      {count[rating]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </ScrollingTable>
          <ScrollingTable caption="The agreed rating of each topic">
            <StageHeadings first="Topic" stages={stages} />
            <tbody>
              {topics.map((topic) => (
                <tr key={topic.topicId}>
                  <th scope="row" className="cycle-table__label">
                    {topic.topic}
                  </th>
                  {topic.byStage.map((rating, index) => (
                    <td key={index}>
                      <RatingMark rating={rating} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </ScrollingTable>
        </>
      )}

      <Heading className="what-changed__heading">Each action’s progress</Heading>
      {actions.length === 0 ? (
        <p>No actions yet.</p>
      ) : (
        <ScrollingTable caption="Where each action was up to at each stage">
          <StageHeadings first="Action" stages={stages} />
          <tbody>
            {actions.map((action) => (
              <tr key={action.actionId}>
                <th scope="row" className="cycle-table__label">
                  {action.label || '(unnamed action)'}
                </th>
                {action.byStage.map((at, index) => (
                  <td key={index} className={at ? `cycle-progress cycle-progress--${at.status}` : 'cycle-progress cycle-progress--none'}>
                    {describeActionAt(at)}
                    {at?.note.trim() && <ActionNote note={at.note} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
    </div>
  );
}
