import type { BoardSnapshot } from './snapshot';
import { ACTION_FIELD_LABELS, ACTION_STATUS_LABELS, PLAN_COLUMNS, type PlanColumn } from '../schema/exercise';
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
