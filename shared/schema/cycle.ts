import { z } from 'zod';
import { ASSESSMENT_TOPIC_MAX_CHARS, MAX_ASSESSMENT_TOPICS, type Rating, RATINGS } from './assessment';
import { ACTION_FIELD_MAX_CHARS, ACTION_STATUSES, type ActionStatus, MAX_STEPS_PER_ACTION } from './exercise';
import { BOARD_TITLE_MAX_CHARS } from './records';

/**
 * The retention cycle (docs/document-layout.md,
 * schema 8): a workshop board, then its check-ins at 30, 60 and 90 days,
 * each a board of its own started from the one before. Each board carries
 * the `cycle` map, written by the server alone when it creates a check-in:
 * the board's stage and a snapshot of every earlier board of the cycle, so
 * a board shows "what changed" without reading any other board (a check-in
 * holds copies, never references: deleting an earlier board breaks nothing).
 */

/** The stages of a cycle, in order: the workshop (day 0), then the check-ins. */
export const CYCLE_STAGES = [0, 30, 60, 90] as const;
export type CycleStage = (typeof CYCLE_STAGES)[number];

/** The stage of a check-in: every stage but the workshop's. */
export type CheckInStage = Exclude<CycleStage, 0>;

/** The stage after this one, or null after the 90-day check-in, which ends the cycle. */
export function nextStage(stage: CycleStage): CheckInStage | null {
  const index = CYCLE_STAGES.indexOf(stage);
  return (CYCLE_STAGES[index + 1] as CheckInStage | undefined) ?? null;
}

/** A stage in words: 'Workshop', '30-day check-in', '60-day check-in', '90-day check-in'. */
export function stageName(stage: CycleStage): string {
  return stage === 0 ? 'Workshop' : `${stage}-day check-in`;
}

/** A stage as stored: one of the four numbers, nothing else. */
export const cycleStageSchema = z.literal(CYCLE_STAGES);

/**
 * The most actions a snapshot lists. A plan has 3 to 5 agreed actions
 * (docs/exercise.md, "Agreeing the actions"); an imported plan may hold
 * more, and this leaves plenty of room without letting one snapshot grow
 * without end.
 */
export const MAX_SNAPSHOT_ACTIONS = 100;

/**
 * The most snapshots a board's history holds: one per earlier board, so at
 * most three (the workshop, 30 and 60 days before the 90-day check-in).
 */
export const MAX_CYCLE_HISTORY = CYCLE_STAGES.length - 1;

const id = z.string().min(1).max(64);
const count = z.number().int().min(0).max(MAX_STEPS_PER_ACTION);

/** One agreed rating in a snapshot, with its topic's title as it was then. */
export const snapshotRatingSchema = z.strictObject({
  topicId: id,
  topic: z.string().max(ASSESSMENT_TOPIC_MAX_CHARS),
  rating: z.enum(RATINGS),
});

/** One action in a snapshot: a label to show (its action, else its topic), where it was up to, and its steps ticked. */
export const snapshotActionSchema = z.strictObject({
  actionId: id,
  label: z.string().max(ACTION_FIELD_MAX_CHARS),
  status: z.enum(ACTION_STATUSES),
  stepsDone: count,
  stepsTotal: count,
  // Its check-in note then; snapshots taken before actions had one lack it.
  note: z.string().max(ACTION_FIELD_MAX_CHARS).optional(),
});

/**
 * One earlier board of the cycle as it was when the next board was started
 * from it. Plain JSON, validated strictly: a snapshot that does not read is
 * skipped by readers (`readCycle` in shared/document/cycle.ts).
 */
export const cycleSnapshotSchema = z.strictObject({
  stage: cycleStageSchema,
  title: z.string().max(BOARD_TITLE_MAX_CHARS),
  takenAt: z.number().finite(),
  ratings: z.array(snapshotRatingSchema).max(MAX_ASSESSMENT_TOPICS),
  actions: z.array(snapshotActionSchema).max(MAX_SNAPSHOT_ACTIONS),
});

export interface CycleSnapshot {
  stage: CycleStage;
  /** That board's title. */
  title: string;
  /** When the next board was started from it. */
  takenAt: number;
  /** Its agreed self-assessment, in its topic order. */
  ratings: { topicId: string; topic: string; rating: Rating }[];
  /** Its actions, oldest first. */
  actions: { actionId: string; label: string; status: ActionStatus; stepsDone: number; stepsTotal: number; note?: string }[];
}

/**
 * The board's `cycle` map as the write guard knows it (shared/document/layout.ts):
 * its two keys. The history's elements are checked loosely here (any plain
 * value, as deep as a snapshot) and strictly by the reader, one by one, so
 * that one bad snapshot does not hide the others.
 */
export const cycleMapSchema = z.object({
  stage: cycleStageSchema,
  history: z.array(cycleSnapshotSchema).max(MAX_CYCLE_HISTORY),
});

/** What a board knows of its cycle: its own stage and the earlier boards, oldest first. */
export interface CycleState {
  stage: CycleStage;
  history: CycleSnapshot[];
}

/**
 * The live board as the last column of "what changed" (shared/rules/cycle.ts):
 * every topic, its rating null while the group has not agreed one, and every
 * action. `readCycleCurrent` in shared/document/cycle.ts reads it.
 */
export interface CycleCurrent {
  stage: CycleStage;
  ratings: { topicId: string; topic: string; rating: Rating | null }[];
  actions: CycleSnapshot['actions'];
}
