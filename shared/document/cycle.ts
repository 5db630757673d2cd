import * as Y from 'yjs';
import {
  type CycleCurrent,
  type CycleSnapshot,
  cycleSnapshotSchema,
  type CycleStage,
  cycleStageSchema,
  type CycleState,
  MAX_CYCLE_HISTORY,
  MAX_SNAPSHOT_ACTIONS,
} from '../schema/cycle';
import { ACTION_FIELD_MAX_CHARS, MAX_STEPS_PER_ACTION } from '../schema/exercise';
import { BOARD_TITLE_MAX_CHARS } from '../schema/records';
import { readActions, readActionSteps, stepKey } from './actions';
import { readAgreedRatings, readAssessmentTopics } from './assessment';
import { DocKey, newRecord, topMap } from './doc';
import { valueDepthBeyond } from './layout';

/**
 * The retention cycle in a board's document (docs/document-layout.md,
 * schema 8, "`cycle`"): the board's stage (workshop, 30-, 60- or 90-day
 * check-in) and a snapshot of each earlier board of its cycle. The server
 * writes it once, when it creates a check-in (`startCheckIn`); everyone
 * reads it, and a board without it reads as a workshop with no history.
 */

/** The keys of the `cycle` map: the server writes these and nothing else. */
const CycleKey = { stage: 'stage', history: 'history' } as const;

/** How deep a snapshot nests: its object, its lists of ratings and actions, each entry. */
const SNAPSHOT_DEPTH = 3;

/**
 * The board's stage and history. A stage that is not one of the four reads
 * as 0; a snapshot that does not read (a tampered or damaged value) is
 * skipped, the others still read (docs/document-layout.md, "Reading a board").
 */
export function readCycle(doc: Y.Doc): CycleState {
  const map = topMap(doc, DocKey.cycle);
  const stage = cycleStageSchema.safeParse(map.get(CycleKey.stage));
  const history: CycleSnapshot[] = [];
  const stored = map.get(CycleKey.history);
  if (Array.isArray(stored)) {
    // Only as many as a cycle can have: a longer list was not written by this server.
    for (const value of stored.slice(0, MAX_CYCLE_HISTORY)) {
      // Looked at without recursion first, so a value nested thousands deep costs one short walk.
      if (valueDepthBeyond(value, SNAPSHOT_DEPTH)) continue;
      const parsed = cycleSnapshotSchema.safeParse(value);
      if (parsed.success) history.push(parsed.data);
    }
  }
  return { stage: stage.success ? stage.data : 0, history };
}

/** Writes the board's place in its cycle (the server, when it creates a check-in), replacing what was there. */
export function writeCycle(doc: Y.Doc, cycle: CycleState, origin: unknown = null): void {
  doc.transact(() => {
    const map = topMap(doc, DocKey.cycle);
    map.set(CycleKey.stage, cycle.stage);
    // Plain JSON, copied: a snapshot is a record of the past, never edited in place.
    map.set(CycleKey.history, structuredClone(cycle.history.slice(-MAX_CYCLE_HISTORY)));
  }, origin);
}

/** An action's name in a snapshot: what it says it does, else the topic it serves, on one line and within bounds. */
function actionLabel(action: string, topic: string): string {
  const label = (action.trim() || topic.trim()).replace(/\s+/g, ' ');
  return label.slice(0, ACTION_FIELD_MAX_CHARS);
}

/**
 * The board as it is now, as a snapshot for the history of the next board:
 * its agreed rating per topic (in the topic order, with the topic's title
 * as it is now) and its actions (oldest first) with their progress and
 * steps ticked.
 */
export function snapshotOf(doc: Y.Doc, stage: CycleStage, title: string, takenAt: number): CycleSnapshot {
  const agreed = readAgreedRatings(doc);
  const ratings: CycleSnapshot['ratings'] = [];
  for (const topic of readAssessmentTopics(doc)) {
    const rating = agreed.get(topic.id);
    if (rating) ratings.push({ topicId: topic.id, topic: topic.title, rating: rating.rating });
  }
  const steps = readActionSteps(doc);
  const actions = readActions(doc)
    .slice(0, MAX_SNAPSHOT_ACTIONS)
    .map((action) => {
      const own = steps.get(action.id) ?? [];
      // Bounded like the snapshot's schema: a tampered client may have stored more steps than an action holds.
      const stepsTotal = Math.min(own.length, MAX_STEPS_PER_ACTION);
      const stepsDone = Math.min(own.filter((step) => step.done).length, stepsTotal);
      return { actionId: action.id, label: actionLabel(action.action, action.topic), status: action.status, stepsDone, stepsTotal, note: action.review };
    });
  return { stage, title: title.slice(0, BOARD_TITLE_MAX_CHARS), takenAt, ratings, actions };
}

/** What `startCheckIn` needs beyond the two documents. */
export interface CheckInInput {
  /** The new board's stage: the one after the source board's. */
  stage: CycleStage;
  /** The source board's title, as its snapshot in the history names it. */
  title: string;
  /** When the check-in is started: the snapshot's `takenAt`. */
  now: number;
}

/**
 * Builds a check-in from the board before it. `to` is a
 * freshly initialised blank board (`initBoard`, template 'blank'); it
 * receives COPIES, never references, so deleting `from` later breaks
 * nothing (docs/api.md, "Check-ins"):
 * - every action that reads, with the same id: its written fields as fresh
 *   `Y.Text` (its check-in note empty: the last one is in the history), its
 *   timescale and its progress, and its steps with their ids,
 *   text, ticks and order. Not its theme (the check-in has no themes), nor
 *   its responses, next-steps check or evaluation plan;
 * - the self-assessment's topics, with the same ids and order, instead of
 *   the seeded defaults, so ratings match topic by topic across the cycle.
 *   The agreed ratings are not copied as agreed: the group rates again, and
 *   the old ratings are the baseline in the history;
 * - `cycle`: the new stage, and the source's history with the source itself
 *   appended as it is now.
 * Notes, themes, driver diagrams and the exercise are not carried over: a
 * check-in is a blank board holding the plan and the topics.
 */
export function startCheckIn(from: Y.Doc, to: Y.Doc, input: CheckInInput, origin: unknown = null): void {
  const source = readCycle(from);
  const snapshot = snapshotOf(from, source.stage, input.title, input.now);
  const actions = readActions(from);
  const steps = readActionSteps(from);
  const topics = readAssessmentTopics(from);
  to.transact(() => {
    const actionMap = topMap(to, DocKey.actions);
    const stepMap = topMap(to, DocKey.actionSteps);
    for (const action of actions) {
      actionMap.set(
        action.id,
        newRecord({
          id: action.id,
          themeId: null,
          topic: new Y.Text(action.topic),
          action: new Y.Text(action.action),
          owner: new Y.Text(action.owner),
          // A timescale is a flat plain object: copied, so the two boards share nothing.
          timescale: action.timescale === null ? null : { ...action.timescale },
          success: new Y.Text(action.success),
          status: action.status,
          // Each check-in writes its own note; the last one is in the history's snapshot.
          review: new Y.Text(),
          importedFrom: action.importedFrom,
          createdAt: action.createdAt,
        }),
      );
      for (const step of (steps.get(action.id) ?? []).slice(0, MAX_STEPS_PER_ACTION)) {
        stepMap.set(stepKey(action.id, step.id), newRecord({ text: new Y.Text(step.text), done: step.done, order: step.order }));
      }
    }
    const topicMap = topMap(to, DocKey.assessmentTopics);
    topicMap.clear();
    topics.forEach((topic, index) => {
      // Renumbered 0, 1, 2…: the order as read, whatever ties the source broke by time or id.
      topicMap.set(topic.id, newRecord({ id: topic.id, title: topic.title, order: index, createdAt: 0 }));
    });
    writeCycle(to, { stage: input.stage, history: [...source.history, snapshot] }, origin);
  }, origin);
}

/** The live board as the rules of shared/rules/cycle.ts take it, beside its history. */
export function readCycleCurrent(doc: Y.Doc): CycleCurrent {
  const { stage } = readCycle(doc);
  const agreed = readAgreedRatings(doc);
  const ratings = readAssessmentTopics(doc).map((topic) => ({ topicId: topic.id, topic: topic.title, rating: agreed.get(topic.id)?.rating ?? null }));
  return { stage, ratings, actions: snapshotOf(doc, stage, '', 0).actions };
}
