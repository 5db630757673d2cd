import * as Y from 'yjs';
import {
  type Action,
  ACTION_FIELD_MAX_CHARS,
  ACTION_STEP_MAX_CHARS,
  type ActionStatus,
  type ActionStep,
  actionStepSchema,
  type ActionResponse,
  actionResponseSchema,
  actionSchema,
  ACTION_TEXT_FIELDS,
  type ActionTextField,
  EVALUATION_STEPS,
  type EvaluationStep,
  NEXT_STEP_QUESTIONS,
  type NextStepCheck,
  nextStepCheckSchema,
  type NextStepQuestion,
  MAX_STEPS_PER_ACTION,
  type Timescale,
  timescaleSchema,
} from '../schema/exercise';
import { type ActionId, type ActionStepId, newRecordId, type ParticipantId, type ThemeId } from '../schema/ids';
import { DocKey, newRecord, readFlatObject, readRecordFields, readRecords, type RecordMap, sharedTextFieldsOf, topMap, writeFields } from './doc';
import { isSharedText, writeTextField } from './text';
import { readSession, setSessionFlag } from './session';

/** Every draft action, oldest first. */
export function readActions(doc: Y.Doc): Action[] {
  return readRecords(doc, DocKey.actions, actionSchema).sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  );
}

/** Drafts an action, its topic pre-filled from the theme it comes from. */
export function addAction(
  doc: Y.Doc,
  input: { themeId?: ThemeId | null; topic?: string; now?: number; id?: ActionId; importedFrom?: string },
  origin: unknown = null,
): ActionId {
  const id = input.id ?? newRecordId<ActionId>();
  doc.transact(() => {
    topMap(doc, DocKey.actions).set(
      id,
      newRecord({
        id,
        themeId: input.themeId ?? null,
        topic: new Y.Text((input.topic ?? '').slice(0, ACTION_FIELD_MAX_CHARS)),
        action: new Y.Text(),
        owner: new Y.Text(),
        timescale: null,
        success: new Y.Text(),
        status: 'not-started',
        review: new Y.Text(),
        importedFrom: input.importedFrom ?? null,
        createdAt: input.now ?? Date.now(),
      }),
    );
  }, origin);
  return id;
}

/** What people change on an action: its written fields, its timescale and where it is up to. */
export type ActionChanges = Partial<Record<ActionTextField, string>> & { timescale?: Timescale | null; status?: ActionStatus };

/** Changes some of an action's fields. Returns false when the action is gone or a value is not valid. */
export function updateAction(doc: Y.Doc, id: ActionId, changes: ActionChanges, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.actions).get(id);
  if (!(record instanceof Y.Map)) return false;
  const { timescale, status, ...text } = changes;
  if (timescale && !timescaleSchema.safeParse(timescale).success) return false;
  const fields: Record<string, unknown> = {};
  // Objects are compared by content: rewriting an equal timescale would be an edit that changes nothing.
  if (timescale !== undefined && !holdsTimescale(record.get('timescale'), timescale)) fields.timescale = timescale;
  if (status !== undefined) fields.status = status;
  doc.transact(() => {
    for (const [field, value] of Object.entries(text)) {
      if (value !== undefined && ACTION_TEXT_FIELDS.includes(field as ActionTextField)) writeTextField(record, field, value.slice(0, ACTION_FIELD_MAX_CHARS));
    }
    writeFields(record, fields);
  }, origin);
  return true;
}

/**
 * Whether a stored timescale is the given one. The stored value is read as a
 * flat object first (a tampered client may have written anything), and one
 * that does not read is never equal, so setting a timescale replaces it.
 */
function holdsTimescale(stored: unknown, timescale: Timescale | null): boolean {
  if (stored === null || stored === undefined || timescale === null) return (stored ?? null) === timescale;
  const current = readFlatObject(stored);
  if (!current) return false;
  const wanted = Object.entries(timescale);
  return Object.keys(current).length === wanted.length && wanted.every(([key, value]) => current[key] === value);
}

/**
 * A step as stored, validated; null when it does not read. Since schema 6 a
 * step is a record (`Y.Map` of `text` as a `Y.Text`, `done`, `order`); one
 * stored as a plain object (`{ text, done, order }`, before schema 6) still
 * reads.
 */
function parseStep(value: unknown): Omit<ActionStep, 'id' | 'actionId'> | null {
  const fields = value instanceof Y.Map ? readRecordFields(value, sharedTextFieldsOf(DocKey.actionSteps)) : readFlatObject(value);
  const parsed = actionStepSchema.safeParse(fields);
  return parsed.success ? parsed.data : null;
}

/** A new step record. */
function newStepRecord(step: { text: string; done: boolean; order: number }): RecordMap {
  return newRecord({ text: new Y.Text(step.text), done: step.done, order: step.order });
}

/** A next-steps check as stored (`{ done, note }`), validated; null when it does not read. */
function parseNextStepCheck(value: unknown): NextStepCheck | null {
  const parsed = nextStepCheckSchema.safeParse(readFlatObject(value));
  return parsed.success ? parsed.data : null;
}

/** A step's key in `actionSteps`: its action's id and its own (docs/document-layout.md). */
export const stepKey = (actionId: ActionId, stepId: ActionStepId) => `${actionId}/${stepId}`;
/** Steps are one line each, so that a spreadsheet cell can hold them one per line. */
const stepText = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, ACTION_STEP_MAX_CHARS);

/** Every action's steps, in order, keyed by action id. */
export function readActionSteps(doc: Y.Doc): Map<string, ActionStep[]> {
  const result = new Map<string, ActionStep[]>();
  for (const [key, value] of topMap(doc, DocKey.actionSteps).entries()) {
    const slash = key.indexOf('/');
    const step = parseStep(value);
    if (slash <= 0 || slash === key.length - 1 || !step) continue;
    const actionId = key.slice(0, slash) as ActionId;
    const steps = result.get(actionId) ?? [];
    steps.push({ id: key.slice(slash + 1) as ActionStepId, actionId, ...step });
    result.set(actionId, steps);
  }
  for (const steps of result.values()) steps.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
  return result;
}

/**
 * Adds steps to the end of an action's list. Each step is its own record, so
 * two people adding steps at once both keep theirs. Returns the new ids;
 * none once the action has its most steps.
 */
export function addActionSteps(
  doc: Y.Doc,
  actionId: ActionId,
  steps: readonly { text: string; done?: boolean }[],
  origin: unknown = null,
): ActionStepId[] {
  const existing = readActionSteps(doc).get(actionId) ?? [];
  let order = existing.reduce((max, step) => Math.max(max, step.order), 0);
  const room = Math.max(0, MAX_STEPS_PER_ACTION - existing.length);
  const ids: ActionStepId[] = [];
  doc.transact(() => {
    for (const step of steps.slice(0, room)) {
      const text = stepText(step.text);
      if (!text) continue;
      const id = newRecordId<ActionStepId>();
      topMap(doc, DocKey.actionSteps).set(stepKey(actionId, id), newStepRecord({ text, done: step.done ?? false, order: ++order }));
      ids.push(id);
    }
  }, origin);
  return ids;
}

/** Ticks a step, or rewrites it; blank text deletes it. */
export function updateActionStep(
  doc: Y.Doc,
  actionId: ActionId,
  stepId: ActionStepId,
  changes: { text?: string; done?: boolean },
  origin: unknown = null,
): void {
  const steps = topMap(doc, DocKey.actionSteps);
  const stored = steps.get(stepKey(actionId, stepId));
  const current = parseStep(stored);
  if (!current) return;
  const text = changes.text === undefined ? current.text : stepText(changes.text);
  const done = changes.done ?? current.done;
  doc.transact(() => {
    if (!text) steps.delete(stepKey(actionId, stepId));
    else if (stored instanceof Y.Map && isSharedText(stored.get('text'))) {
      writeTextField(stored, 'text', text);
      writeFields(stored, { done });
    } else steps.set(stepKey(actionId, stepId), newStepRecord({ ...current, text, done }));
  }, origin);
}

/** Deletes one step. */
export function deleteActionStep(doc: Y.Doc, actionId: ActionId, stepId: ActionStepId, origin: unknown = null): void {
  doc.transact(() => topMap(doc, DocKey.actionSteps).delete(stepKey(actionId, stepId)), origin);
}

/** Deletes a draft action and the responses to it. */
export function deleteAction(doc: Y.Doc, id: ActionId, origin: unknown = null): void {
  doc.transact(() => {
    topMap(doc, DocKey.actions).delete(id);
    for (const name of [DocKey.actionResponses, DocKey.actionChecks, DocKey.actionEvaluations, DocKey.actionSteps]) {
      const records = topMap(doc, name);
      for (const key of [...records.keys()]) if (key.startsWith(`${id}/`)) records.delete(key);
    }
  }, origin);
}

/** Ticks (or unticks) a question of an action's next-steps check, and keeps a note against it. */
export function setNextStepCheck(
  doc: Y.Doc,
  actionId: ActionId,
  question: NextStepQuestion,
  check: Partial<NextStepCheck>,
  origin: unknown = null,
): void {
  doc.transact(() => {
    const checks = topMap(doc, DocKey.actionChecks);
    const key = `${actionId}/${question}`;
    const next = { ...(parseNextStepCheck(checks.get(key)) ?? { done: false, note: '' }), ...check };
    checks.set(key, { done: next.done, note: next.note.slice(0, ACTION_FIELD_MAX_CHARS) });
  }, origin);
}

/**
 * Reads a map keyed `<actionId>/<item>` into action id, then item, keeping
 * only the items listed and the values the parser accepts (a tampered client
 * may have written anything).
 */
function readPerAction<Item extends string, Value>(
  doc: Y.Doc,
  root: string,
  items: readonly Item[],
  parse: (value: unknown) => Value | null,
): Map<string, Partial<Record<Item, Value>>> {
  const known = new Set<string>(items);
  const result = new Map<string, Partial<Record<Item, Value>>>();
  for (const [key, value] of topMap(doc, root).entries()) {
    const slash = key.lastIndexOf('/');
    const item = key.slice(slash + 1);
    const parsed = parse(value);
    if (slash <= 0 || !known.has(item) || parsed === null) continue;
    const actionId = key.slice(0, slash);
    result.set(actionId, { ...result.get(actionId), [item]: parsed });
  }
  return result;
}

/** Every action's next-steps check: action id, then question, then its tick and note. */
export function readNextStepChecks(doc: Y.Doc): Map<string, Partial<Record<NextStepQuestion, NextStepCheck>>> {
  return readPerAction(doc, DocKey.actionChecks, NEXT_STEP_QUESTIONS.map((q) => q.key), parseNextStepCheck);
}

/** Writes one step of an action's evaluation plan (empty clears it). */
export function setEvaluationStep(doc: Y.Doc, actionId: ActionId, step: EvaluationStep, text: string, origin: unknown = null): void {
  doc.transact(() => {
    const steps = topMap(doc, DocKey.actionEvaluations);
    const key = `${actionId}/${step}`;
    if (text.trim()) steps.set(key, text.slice(0, ACTION_FIELD_MAX_CHARS));
    else steps.delete(key);
  }, origin);
}

/** Every action's evaluation plan: action id, then step, then what the group wrote. */
export function readEvaluationPlans(doc: Y.Doc): Map<string, Partial<Record<EvaluationStep, string>>> {
  return readPerAction(doc, DocKey.actionEvaluations, EVALUATION_STEPS.map((s) => s.key), (value) =>
    typeof value === 'string' ? value.slice(0, ACTION_FIELD_MAX_CHARS) : null,
  );
}

/** The key of one person's response to one action. */
function actionResponseKey(actionId: ActionId, participantId: ParticipantId | string): string {
  return `${actionId}/${participantId}`;
}

/** Signals "agree" or "concern" on a draft, or takes the signal back with null. */
export function respondToAction(
  doc: Y.Doc,
  actionId: ActionId,
  participantId: ParticipantId,
  response: ActionResponse | null,
  origin: unknown = null,
): void {
  doc.transact(() => {
    const responses = topMap(doc, DocKey.actionResponses);
    const key = actionResponseKey(actionId, participantId);
    if (response === null) responses.delete(key);
    else responses.set(key, response);
  }, origin);
}

/** The responses to each action: who agrees and who has a concern. */
export interface ActionResponses {
  agree: string[];
  concern: string[];
}

/** Every action's responses, keyed by action id. */
export function readActionResponses(doc: Y.Doc): Map<string, ActionResponses> {
  const result = new Map<string, ActionResponses>();
  for (const [key, value] of topMap(doc, DocKey.actionResponses).entries()) {
    const slash = key.indexOf('/');
    const parsed = actionResponseSchema.safeParse(value);
    if (slash <= 0 || !parsed.success) continue;
    const actionId = key.slice(0, slash);
    const entry = result.get(actionId) ?? { agree: [], concern: [] };
    entry[parsed.data].push(key.slice(slash + 1));
    result.set(actionId, entry);
  }
  return result;
}

/** An action to add from an imported plan. */
export interface PlanActionInput {
  topic: string;
  action: string;
  owner: string;
  timescale: Timescale | null;
  steps: { text: string; done: boolean }[];
  success: string;
  status: ActionStatus;
}

/**
 * Adds a plan's actions to a board, with their steps, each marked with where
 * it came from. An action already imported from the same plan (same source,
 * topic and action) is skipped, so importing a file twice adds nothing.
 * Importing into an agreed plan reopens the agreement, as adding any action
 * to it does (the 3-to-5 rule; docs/exercise.md, "Agreeing the actions").
 */
export function importPlanActions(
  doc: Y.Doc,
  plan: { source: string; actions: readonly PlanActionInput[] },
  now: number,
  origin: unknown = null,
): { added: number; skipped: number } {
  const source = plan.source.slice(0, ACTION_FIELD_MAX_CHARS);
  const sameAction = (a: { topic: string; action: string }, b: { topic: string; action: string }) => a.topic === b.topic && a.action === b.action;
  const already = readActions(doc)
    .filter((action) => action.importedFrom === source)
    .map(({ topic, action }) => ({ topic, action }));
  let added = 0;
  let skipped = 0;
  doc.transact(() => {
    plan.actions.forEach((input, index) => {
      if (already.some((action) => sameAction(action, input))) {
        skipped++;
        return;
      }
      // Consecutive times keep the plan's order when the board lists actions oldest first.
      const id = addAction(doc, { topic: input.topic, now: now + index, importedFrom: source }, origin);
      updateAction(doc, id, { action: input.action, owner: input.owner, success: input.success, timescale: input.timescale, status: input.status }, origin);
      addActionSteps(doc, id, input.steps, origin);
      already.push({ topic: input.topic, action: input.action });
      added++;
    });
    if (added > 0 && readSession(doc).actionsAgreed) setSessionFlag(doc, 'actionsAgreed', false, origin);
  }, origin);
  return { added, skipped };
}
