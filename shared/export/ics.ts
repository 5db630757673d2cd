import { createEvents, type EventAttributes } from 'ics';
import { type BoardSnapshot, workshopDate } from './snapshot';
import { describeTimescale } from '../rules/planText';

/** Days after the workshop of the check-ins of the 90-day improvement cycle. */
const CHECK_IN_DAYS = [30, 60, 90] as const;

/**
 * One all-day calendar event for each check-in, 30, 60 and 90 days after the
 * start (the workshop's date unless another is given), each listing the
 * actions to review. Each event's UID is made from the board's id and the
 * check-in's day, so downloading the same board's calendar again updates its
 * events, and another board's (even one with the same title, made the same
 * day) never replaces them.
 */
export function planToIcs(snapshot: BoardSnapshot, boardId: string, start: Date = new Date(snapshot.createdAt)): string {
  const agenda = snapshot.actions
    .map((action, index) => `${index + 1}. ${action.action || action.topic} (owner: ${action.owner || 'not set'}; timescale: ${describeTimescale(action.timescale) || 'not set'})`)
    .join('\n');
  const events = CHECK_IN_DAYS.map((days): EventAttributes & { timestamp: number } => {
    const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + days));
    const next = new Date(day.getTime() + 24 * 60 * 60 * 1000);
    return {
      uid: `retain-board-${boardId}-check-in-day-${days}@retain`,
      title: `Retention plan check-in, day ${days}: ${snapshot.title}`,
      description: `Review progress on the actions agreed at the workshop of ${workshopDate(snapshot)}:\n${agenda}`,
      start: [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()],
      end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
      productId: 'retain/action-plan',
      timestamp: snapshot.takenAt,
    };
  });
  const { error, value } = createEvents(events);
  if (error || !value) throw error ?? new Error('Could not write the calendar.');
  return value;
}
