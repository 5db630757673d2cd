import type { Rating } from '../schema/assessment';
import type { ActionStatus } from '../schema/exercise';
import type { CycleCurrent, CycleSnapshot, CycleStage } from '../schema/cycle';

/**
 * "What changed" across a retention cycle: the rows and
 * counts the Cycle section and its chart show, from a board's history
 * (`readCycle`) and the board as it is now (`readCycleCurrent`), both in
 * shared/document/cycle.ts. Pure functions. Every result has one column per
 * stage, in the order of `cycleStages`: the history's snapshots, oldest
 * first, then the current board.
 */

/** The columns of "what changed": the stage of each snapshot, then the current board's. */
export function cycleStages(history: readonly CycleSnapshot[], current: Pick<CycleCurrent, 'stage'>): CycleStage[] {
  return [...history.map((snapshot) => snapshot.stage), current.stage];
}

/** One topic across the cycle: its title (the latest known) and its agreed rating at each stage, null where it had none. */
export interface TopicHistory {
  topicId: string;
  topic: string;
  byStage: (Rating | null)[];
}

/**
 * Each topic's agreed rating at every stage. Topics are matched by id (a
 * check-in keeps its topics' ids: `startCheckIn`); the current board's
 * topics come first in its order, then topics only earlier boards had
 * (deleted since), in the order they first appeared.
 */
export function ratingHistory(history: readonly CycleSnapshot[], current: Pick<CycleCurrent, 'stage' | 'ratings'>): TopicHistory[] {
  const columns = [...history.map((snapshot) => snapshot.ratings), current.ratings];
  const rows = new Map<string, TopicHistory>();
  for (const topic of current.ratings) rows.set(topic.topicId, { topicId: topic.topicId, topic: topic.topic, byStage: [] });
  for (const snapshot of history) {
    for (const topic of snapshot.ratings) if (!rows.has(topic.topicId)) rows.set(topic.topicId, { topicId: topic.topicId, topic: topic.topic, byStage: [] });
  }
  for (const row of rows.values()) {
    row.byStage = columns.map((ratings) => ratings.find((entry) => entry.topicId === row.topicId)?.rating ?? null);
  }
  return [...rows.values()];
}

/** How many topics were agreed each colour at one stage. */
export interface StageColourCounts {
  stage: CycleStage;
  red: number;
  amber: number;
  green: number;
}

/** Per stage, how many topics were agreed red, amber and green (topics not agreed are not counted). */
export function colourCounts(history: readonly CycleSnapshot[], current: Pick<CycleCurrent, 'stage' | 'ratings'>): StageColourCounts[] {
  const columns: { stage: CycleStage; ratings: readonly { rating: Rating | null }[] }[] = [...history, current];
  return columns.map(({ stage, ratings }) => {
    const counts: StageColourCounts = { stage, red: 0, amber: 0, green: 0 };
    for (const { rating } of ratings) if (rating !== null) counts[rating] += 1;
    return counts;
  });
}

/** One action at one stage: where it was up to, its steps ticked, and the check-in's note on it ('' for none). */
export interface ActionAtStage {
  status: ActionStatus;
  stepsDone: number;
  stepsTotal: number;
  note: string;
}

/** One action across the cycle: its label (the latest known) and its progress at each stage, null where the board did not have it. */
export interface ActionHistory {
  actionId: string;
  label: string;
  byStage: (ActionAtStage | null)[];
}

/**
 * Each action's progress at every stage, matched by id (a check-in keeps
 * its actions' ids). The current board's actions first, in its order, then
 * those only earlier boards had.
 */
export function actionHistory(history: readonly CycleSnapshot[], current: Pick<CycleCurrent, 'stage' | 'actions'>): ActionHistory[] {
  const columns = [...history.map((snapshot) => snapshot.actions), current.actions];
  const rows = new Map<string, ActionHistory>();
  for (const actions of [current.actions, ...history.map((snapshot) => snapshot.actions)]) {
    for (const action of actions) if (!rows.has(action.actionId)) rows.set(action.actionId, { actionId: action.actionId, label: action.label, byStage: [] });
  }
  for (const row of rows.values()) {
    row.byStage = columns.map((actions) => {
      const found = actions.find((action) => action.actionId === row.actionId);
      return found ? { status: found.status, stepsDone: found.stepsDone, stepsTotal: found.stepsTotal, note: found.note ?? '' } : null;
    });
  }
  return [...rows.values()];
}
