import * as Y from 'yjs';
import { type Member, memberSchema, type Perspective, PERSPECTIVE_NAME_MAX_CHARS, perspectiveSchema } from '../schema/exercise';
import { newRecordId, type ParticipantId, type PerspectiveId } from '../schema/ids';
import { DocKey, newRecord, readRecords, recordToObject, topMap, writeFields } from './doc';

/** The perspective lanes, in their order (ties broken by id, so every replica agrees). */
export function readPerspectives(doc: Y.Doc): Perspective[] {
  return readRecords<Perspective>(doc, DocKey.perspectives, perspectiveSchema).sort(
    (a, b) => a.order - b.order || (a.id < b.id ? -1 : 1),
  );
}

/** Renames a lane; a blank name is ignored. */
export function renamePerspective(doc: Y.Doc, id: PerspectiveId, name: string, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.perspectives).get(id);
  const trimmed = name.trim().slice(0, PERSPECTIVE_NAME_MAX_CHARS);
  if (!(record instanceof Y.Map) || !trimmed) return false;
  doc.transact(() => writeFields(record, { name: trimmed }), origin);
  return true;
}

/** Adds a lane at the end and returns its id. */
export function addPerspective(doc: Y.Doc, name: string, origin: unknown = null): PerspectiveId | null {
  const trimmed = name.trim().slice(0, PERSPECTIVE_NAME_MAX_CHARS);
  if (!trimmed) return null;
  const id = newRecordId<PerspectiveId>();
  const order = Math.max(-1, ...readPerspectives(doc).map((p) => p.order)) + 1;
  doc.transact(() => topMap(doc, DocKey.perspectives).set(id, newRecord({ id, name: trimmed, order })), origin);
  return id;
}

/** Removes a lane; notes already written in it keep their text but belong to no lane. */
export function removePerspective(doc: Y.Doc, id: PerspectiveId, origin: unknown = null): void {
  doc.transact(() => topMap(doc, DocKey.perspectives).delete(id), origin);
}

/** Everyone's group and ready flag, keyed by participant id. */
export function readMembers(doc: Y.Doc): Map<string, Member> {
  const members = new Map<string, Member>();
  for (const [participantId, value] of topMap(doc, DocKey.members).entries()) {
    const parsed = memberSchema.safeParse(recordToObject(value));
    if (parsed.success) members.set(participantId, { participantId, ...parsed.data } as Member);
  }
  return members;
}

function memberRecord(doc: Y.Doc, participantId: ParticipantId): Y.Map<unknown> {
  const members = topMap(doc, DocKey.members);
  const existing = members.get(participantId);
  if (existing instanceof Y.Map) return existing;
  const record = newRecord({ perspectiveId: null, ready: false });
  members.set(participantId, record);
  return record;
}

/** Puts a person in a perspective group (or none). */
export function setGroup(doc: Y.Doc, participantId: ParticipantId, perspectiveId: PerspectiveId | null, origin: unknown = null): void {
  doc.transact(() => writeFields(memberRecord(doc, participantId), { perspectiveId }), origin);
}

/** Marks a person as done writing, or not. */
export function setReady(doc: Y.Doc, participantId: ParticipantId, ready: boolean, origin: unknown = null): void {
  doc.transact(() => writeFields(memberRecord(doc, participantId), { ready }), origin);
}

/** Clears everyone's "done writing" flag, for the next round. */
export function clearReady(doc: Y.Doc, origin: unknown = null): void {
  doc.transact(() => {
    for (const value of topMap(doc, DocKey.members).values()) {
      if (value instanceof Y.Map && value.get('ready') === true) value.set('ready', false);
    }
  }, origin);
}

/** The group with the fewest of the given people in it (the first lane on a tie). */
export function smallestGroup(
  perspectives: readonly Perspective[],
  members: ReadonlyMap<string, Member>,
  among: readonly string[],
): PerspectiveId | null {
  if (perspectives.length === 0) return null;
  const sizes = new Map<string, number>(perspectives.map((p) => [p.id, 0]));
  for (const id of among) {
    const group = members.get(id)?.perspectiveId;
    if (group && sizes.has(group)) sizes.set(group, sizes.get(group)! + 1);
  }
  let best = perspectives[0]!;
  for (const p of perspectives) if (sizes.get(p.id)! < sizes.get(best.id)!) best = p;
  return best.id;
}

/**
 * Spreads people evenly over the lanes, moving as few as possible: everyone
 * keeps their group unless theirs is over the fair share, and those without a
 * group (or moved off a full one) go to the smallest. Returns who goes where.
 */
export function balanceGroups(
  perspectives: readonly Perspective[],
  members: ReadonlyMap<string, Member>,
  people: readonly string[],
): Map<string, PerspectiveId> {
  const result = new Map<string, PerspectiveId>();
  if (perspectives.length === 0) return result;
  const sorted = [...new Set(people)].sort();
  const base = Math.floor(sorted.length / perspectives.length);
  let largerGroups = sorted.length % perspectives.length;
  const kept = new Map<string, string[]>(perspectives.map((p) => [p.id, []]));
  const toPlace: string[] = [];
  for (const id of sorted) {
    const group = members.get(id)?.perspectiveId;
    if (group && kept.has(group)) kept.get(group)!.push(id);
    else toPlace.push(id);
  }
  // A group keeps at most its fair share; one of the larger shares where the split is uneven.
  for (const p of perspectives) {
    const inGroup = kept.get(p.id)!;
    let share = base;
    if (inGroup.length > base && largerGroups > 0) {
      share = base + 1;
      largerGroups--;
    }
    toPlace.push(...inGroup.splice(share));
  }
  for (const id of toPlace) {
    const target = perspectives.reduce((best, p) => (kept.get(p.id)!.length < kept.get(best.id)!.length ? p : best));
    kept.get(target.id)!.push(id);
  }
  for (const [group, ids] of kept) for (const id of ids) result.set(id, group as PerspectiveId);
  return result;
}
