import { useMemo, useRef } from 'react';
import { cycleHistoryChart, describeCycleHistory } from '../../../shared/charts';
import { useCycleHistory } from '../cycle/useCycleHistory';
import { describeActionAt, stageHeading } from '../cycle/WhatChanged';
import { Chart } from '../../components/Chart';
import { useAutoScroll } from './useAutoScroll';
import './presenterCycle.css';

/**
 * What changed across the cycle on the projector ("the spread
 * per topic, then the agreed ratings, then the history chart"): the chart
 * of each topic's agreed rating at every stage, as large as the screen
 * allows, with its words as a caption for screen readers (Chart.tsx), and
 * beside it each action's progress at every stage. The action list scrolls
 * by itself when longer than the screen, never the page.
 */
export function PresenterCycle() {
  const history = useCycleHistory();
  const { stages, topics, counts, actions } = history;
  const list = useRef<HTMLOListElement>(null);
  useAutoScroll(list);
  const svg = useMemo(() => cycleHistoryChart({ stages, topics, counts }, { width: 960, maxRows: 40 }), [stages, topics, counts]);
  const description = useMemo(() => describeCycleHistory({ stages, topics, counts }), [stages, topics, counts]);
  return (
    <div className="presenter-cycle">
      <div className="presenter-cycle__chart">
        <Chart className="presenter-chart" imageClassName="presenter-chart__image" svg={svg} description={description} />
      </div>
      <div className="presenter-cycle__actions">
        <h3 className="presenter-cycle__heading">Each action’s progress</h3>
        {actions.length === 0 ? (
          <p>No actions yet.</p>
        ) : (
          <ol ref={list} className="presenter-cycle__list" aria-label="Each action’s progress">
            {actions.map((action) => (
              <li key={action.actionId} className="presenter-cycle__action">
                <span className="presenter-cycle__label">{action.label || '(unnamed action)'}</span>
                <ol className="presenter-cycle__stages">
                  {action.byStage.map((at, index) => (
                    <li key={index} className={at ? `presenter-cycle__stage presenter-cycle__stage--${at.status}` : 'presenter-cycle__stage'}>
                      {stageHeading(stages[index]!, index, stages)}: {describeActionAt(at)}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
