import * as Y from 'yjs';
import {
  type Action,
  ACTION_FIELD_MAX_CHARS,
  type ActionResponse,
  actionResponseSchema,
  actionSchema,
  type ActionTextField,
  EVALUATION_STEPS,
  type EvaluationStep,
  NEXT_STEP_QUESTIONS,
  type NextStepCheck,
  nextStepCheckSchema,
  type NextStepQuestion,
} from '../schema/exercise';
import { type ActionId, newRecordId, type ParticipantId, type ThemeId } from '../schema/ids';
import { DocKey, newRecord, readRecords, topMap, writeFields } from './doc';

/** Every draft action, oldest first. */
export function readActions(doc: Y.Doc): Action[] {
  return readRecords<Action>(doc, DocKey.actions, actionSchema).sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1),
  );
}

/** Drafts an action, its topic pre-filled from the theme it comes from. */
export function addAction(
  doc: Y.Doc,
  input: { themeId?: ThemeId | null; topic?: string; now?: number; id?: ActionId },
  origin: unknown = null,
): ActionId {
  const id = input.id ?? newRecordId<ActionId>();
  doc.transact(() => {
    topMap(doc, DocKey.actions).set(
      id,
      newRecord({
        id,
        themeId: input.themeId ?? null,
        topic: (input.topic ?? '').slice(0, ACTION_FIELD_MAX_CHARS),
        action: '',
        owner: '',
        timescale: '',
        steps: '',
        success: '',
        createdAt: input.now ?? Date.now(),
      }),
    );
  }, origin);
  return id;
}

/** Changes some of an action's written fields. Returns false when the action is gone. */
export function updateAction(
  doc: Y.Doc,
  id: ActionId,
  changes: Partial<Record<ActionTextField, string>>,
  origin: unknown = null,
): boolean {
  const record = topMap(doc, DocKey.actions).get(id);
  if (!(record instanceof Y.Map)) return false;
  const fields = Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [key, value === undefined ? undefined : value.slice(0, ACTION_FIELD_MAX_CHARS)]),
  );
  doc.transact(() => writeFields(record, fields), origin);
  return true;
}

/** Deletes a draft action and the responses to it. */
export function deleteAction(doc: Y.Doc, id: ActionId, origin: unknown = null): void {
  doc.transact(() => {
    topMap(doc, DocKey.actions).delete(id);
    for (const name of [DocKey.actionResponses, DocKey.actionChecks, DocKey.actionEvaluations]) {
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
    const current = nextStepCheckSchema.safeParse(checks.get(key));
    const next = { ...(current.success ? current.data : { done: false, note: '' }), ...check };
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
  return readPerAction(doc, DocKey.actionChecks, NEXT_STEP_QUESTIONS.map((q) => q.key), (value) => {
    const parsed = nextStepCheckSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  });
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

