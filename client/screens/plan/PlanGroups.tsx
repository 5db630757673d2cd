import { type ReactNode, useId, useMemo } from 'react';
import type { Action } from '../../../shared/schema/exercise';
import { useAgreedRatings, useAssessmentTopics } from '../../sync/useExerciseState';
import { groupByTopic } from './planGroups';

/**
 * The plan's cards under a heading per topic (`groupByTopic`), each card
 * drawn by the plan (`renderCard`) with its number in the plan and a heading
 * one level below its group's. Its own chunk, loaded when someone first
 * groups the plan: the board page's chunk is at its size limit (docs/client.md,
 * "Styles").
 */
export function PlanGroups({ planned, renderCard }: { planned: readonly Action[]; renderCard: (action: Action, index: number, headingLevel: 4) => ReactNode }) {
  const topics = useAssessmentTopics();
  const agreed = useAgreedRatings();
  const groups = useMemo(() => groupByTopic(planned, topics, agreed), [planned, topics, agreed]);
  const idPrefix = useId();
  return (
    <div className="plan-groups">
      {groups.map((group, groupIndex) => (
        <section key={group.key} className="plan-group" aria-labelledby={`${idPrefix}-${groupIndex}`}>
          <h3 id={`${idPrefix}-${groupIndex}`} className="plan-group__heading">
            {group.heading}
          </h3>
          <ol className="plan-cards" aria-label={`Actions: ${group.heading}`}>
            {group.items.map(({ action, index }) => renderCard(action, index, 4))}
          </ol>
        </section>
      ))}
    </div>
  );
}
