import { useMemo } from 'react';
import type { CycleCurrent, CycleStage } from '../../../shared/schema/cycle';
import { actionHistory, type ActionHistory, colourCounts, cycleStages, ratingHistory, type StageColourCounts, type TopicHistory } from '../../../shared/rules/cycle';
import { actionProgress } from '../../../shared/charts';
import { useActions, useAgreedRatings, useAssessmentTopics, useCycle, useSteps } from '../../sync/useExerciseState';

/** "What changed" across the cycle, one column per stage: the earlier boards' snapshots, oldest first, then this board as it is now. */
export interface CycleHistory {
  stages: CycleStage[];
  topics: TopicHistory[];
  counts: StageColourCounts[];
  actions: ActionHistory[];
  /** Whether this board is part of a cycle by its own document: a check-in, or a board with earlier ones. */
  inCycle: boolean;
}

/**
 * The rows of "what changed" (shared/rules/cycle.ts), with this board's
 * agreed ratings and its actions' progress as the last column, so a rating
 * agreed or a step ticked here shows at once. Recomputed only when one of
 * the slices it reads changes (docs/client.md, "Reading the exercise").
 */
export function useCycleHistory(): CycleHistory {
  const { stage, history } = useCycle();
  const topics = useAssessmentTopics();
  const agreed = useAgreedRatings();
  const actions = useActions();
  const steps = useSteps();
  return useMemo(() => {
    // The current board read as shared/document/cycle.ts's readCycleCurrent reads it, from the store's slices instead of the document.
    const current: CycleCurrent = {
      stage,
      ratings: topics.map((topic) => ({ topicId: topic.id, topic: topic.title, rating: agreed[topic.id]?.rating ?? null })),
      actions: actions.map((action) => {
        const progress = actionProgress(action, steps[action.id] ?? []);
        return { actionId: action.id, label: progress.label.trim().replace(/\s+/g, ' '), status: progress.status, stepsDone: progress.stepsDone, stepsTotal: progress.stepsTotal, note: action.review };
      }),
    };
    return {
      stages: cycleStages(history, current),
      topics: ratingHistory(history, current),
      counts: colourCounts(history, current),
      actions: actionHistory(history, current),
      inCycle: stage > 0 || history.length > 0,
    };
  }, [stage, history, topics, agreed, actions, steps]);
}
