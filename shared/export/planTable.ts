import type { BoardSnapshot } from './snapshot';
import { ACTION_FIELD_LABELS, ACTION_REVIEW_LABEL, ACTION_STATUS_LABELS, PLAN_COLUMNS, type PlanColumn } from '../schema/exercise';
import { type Rating, RATING_LABELS } from '../schema/assessment';
import { type CycleStage, stageName } from '../schema/cycle';
import type { ActionAtStage } from '../rules/cycle';
import { describeTimescale, stepsCell, timescaleCell } from '../rules/planText';

/**
 * The action table every export shares: the guide's template columns in its
 * order, then where each action is up to (for check-ins).
 */
export const PLAN_TABLE_COLUMNS = [...PLAN_COLUMNS, 'status'] as const;
export type PlanTableColumn = PlanColumn | 'status';

export const PLAN_TABLE_HEADINGS: Record<PlanTableColumn, string> = { ...ACTION_FIELD_LABELS, status: 'Progress' };

/** What a row needs of an action: its written fields, timescale, steps and progress. */
type PlanRowAction = Pick<BoardSnapshot['actions'][number], PlanColumn | 'status'>;

/**
 * One action as the table's cells. `data` is for spreadsheets, where a cell
 * must read back exactly on import (an ISO date, "[x] step" lines);
 * `words` is for documents people read ("By 31 March 2027", ticks).
 */
export function planTableRow(action: PlanRowAction, style: 'data' | 'words'): string[] {
  return PLAN_TABLE_COLUMNS.map((column) => {
    switch (column) {
      case 'timescale':
        return style === 'data' ? timescaleCell(action.timescale) : describeTimescale(action.timescale);
      case 'steps':
        return style === 'data' ? stepsCell(action.steps) : action.steps.map((step) => `${step.done ? '☑' : '☐'} ${step.text}`).join('\n');
      case 'status':
        return ACTION_STATUS_LABELS[action.status];
      default:
        return action[column];
    }
  });
}

/**
 * A stage of the cycle as a column of "what changed": its name, the last
 * column (the board being exported) marked as now, as the cycle's chart
 * names it (shared/charts/cycleHistory.ts).
 */
export function stageColumnHeading(stage: CycleStage, index: number, count: number): string {
  return index === count - 1 ? `${stageName(stage)} (now)` : stageName(stage);
}

/** What the counts in the self-assessment's table are, said once above it while the ratings are revealed. */
export function ratersSentence(raters: number): string {
  return `${raters} ${raters === 1 ? 'person' : 'people'} rated the topics privately; Red, Amber and Green say how many rated each topic each colour.`;
}

/** The colours' names, as the cycle's tables write a rating. */
const RATING_NAMES: Record<Rating, string> = { red: 'Red', amber: 'Amber', green: 'Green' };

/** A topic's agreed rating in a column of "what changed": the colour's name, or that the group agreed none. */
export function stageRatingCell(rating: Rating | null): string {
  return rating === null ? 'Not agreed' : RATING_NAMES[rating];
}

/** A topic's agreed rating in the self-assessment's table: the colour with what it means (RATING_LABELS), never the colour alone. */
export function agreedRatingCell(rating: Rating | null): string {
  return rating === null ? 'Not agreed' : RATING_LABELS[rating];
}

/** An action's steps at one stage in words: "1 of 2 steps done", or that it had none. */
export function stepsDoneText(at: Pick<ActionAtStage, 'stepsDone' | 'stepsTotal'>): string {
  return at.stepsTotal === 0 ? 'No steps' : `${at.stepsDone} of ${at.stepsTotal} ${at.stepsTotal === 1 ? 'step' : 'steps'} done`;
}

/** What the board at a stage had not: the action was added later, or removed before. */
export const ACTION_NOT_AT_STAGE = 'Not in the plan then';

/**
 * An action at one stage as one cell for documents people read: its
 * progress, its steps done, and the check-in's note (ACTION_REVIEW_LABEL)
 * when there is one, each on a line of its own.
 */
export function actionAtStageCell(at: ActionAtStage | null): string {
  if (!at) return ACTION_NOT_AT_STAGE;
  const lines = [ACTION_STATUS_LABELS[at.status], stepsDoneText(at)];
  if (at.note.trim()) lines.push(`${ACTION_REVIEW_LABEL}: ${at.note}`);
  return lines.join('\n');
}
