import * as Y from 'yjs';
import { type Member, memberSchema, type Perspective, PERSPECTIVE_NAME_MAX_CHARS, perspectiveSchema } from '../schema/exercise';
import { newRecordId, type ParticipantId, type PerspectiveId } from '../schema/ids';
import { DocKey, newRecord, readRecordFields, readRecords, topMap, writeFields } from './doc';

/** The perspective lanes, in their order (ties broken by id, so every replica agrees). */
export function readPerspectives(doc: Y.Doc): Perspective[] {
  return readRecords(doc, DocKey.perspectives, perspectiveSchema).sort(
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
    const parsed = memberSchema.safeParse(readRecordFields(value));
    if (parsed.success) members.set(participantId, { participantId, ...parsed.data });
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

