import type { Role } from '../schema/api';
import type { Session } from '../schema/exercise';
import { actionAdditionProblem } from '../rules/actionReadiness';
import { DocKey } from './doc';

/**
 * Who may write which part of a board document. The server checks every
 * update against these rules before applying it (server/rooms/writeGuard.ts),
 * and the client uses them to offer only what a person may do.
 */

/** A place in the document an update writes to: a top-level type and the record in it. */
export interface WriteLocation {
  root: string;
  /** The key of the record in the top-level map, or null for the map itself (or a sequence). */
  record: string | null;
}

/** Anyone who may edit writes these: notes, themes and actions are the group's work. */
const SHARED_ROOTS = new Set<string>([DocKey.notes, DocKey.themes, DocKey.actions, DocKey.diagrams, DocKey.driverNodes, DocKey.actionChecks, DocKey.actionEvaluations, DocKey.actionSteps]);
/**
 * Only the facilitator steers the board; the self-assessment's topics and
 * agreed ratings are theirs to record too (docs/exercise.md, "Self-assessment").
 */
const FACILITATOR_ROOTS = new Set<string>([DocKey.board, DocKey.session, DocKey.perspectives, DocKey.assessmentTopics, DocKey.assessmentAgreed]);
/**
 * Each person writes only their own record here (keyed by their participant
 * id, or ending in `/<participant id>`); the facilitator writes anyone's.
 */
const OWN_RECORD_ROOTS = new Set<string>([DocKey.members, DocKey.actionResponses]);
// progress, votes and assessmentSpread are written by the server alone: they summarise private documents.
// cycle is too: the server writes it once, when it creates a check-in (docs/document-layout.md, schema 8).

/**
 * Why a write is refused: `forbidden` closes the connection with 4403;
 * `locked` (the board is locked) and `actionsAgreed` (the plan is agreed)
 * with 4423, a refusal because of the board's state.
 */
export type WriteRefusal = { kind: 'forbidden' | 'locked' | 'actionsAgreed'; reason: string };

function ownsRecord(record: string | null, participantId: string | null): boolean {
  if (record === null || participantId === null) return false;
  return record === participantId || record.endsWith(`/${participantId}`);
}

/**
 * Whether a person in a role may write all the given locations of a board
 * document; null when they may. The board being locked stops everyone but
 * the facilitator.
 */
export function writeRefusal(
  role: Role,
  participantId: string | null,
  session: Pick<Session, 'locked'>,
  locations: Iterable<WriteLocation>,
): WriteRefusal | null {
  let count = 0;
  for (const { root, record } of locations) {
    count++;
    if (role === 'viewer') return { kind: 'forbidden', reason: 'Viewers cannot change the board.' };
    if (SHARED_ROOTS.has(root)) continue;
    if (FACILITATOR_ROOTS.has(root) && role === 'facilitator') continue;
    if (OWN_RECORD_ROOTS.has(root) && (role === 'facilitator' || ownsRecord(record, participantId))) continue;
    return { kind: 'forbidden', reason: `Not allowed to change ${record === null ? root : `${root}/${record}`}.` };
  }
  if (count > 0 && session.locked && role !== 'facilitator') return { kind: 'locked', reason: 'The facilitator has locked the board.' };
  return null;
}

/**
 * Whether a participant's update adds an action while the plan is agreed,
 * which the 3-to-5 rule forbids (`actionAdditionProblem`; docs/exercise.md,
 * "Agreeing the actions"); null when it does not. The facilitator is never
 * refused: their client reopens the agreement before adding one.
 */
export function agreedPlanRefusal(role: Role, session: Pick<Session, 'actionsAgreed'>, createdRecords: Iterable<WriteLocation>): WriteRefusal | null {
  if (role === 'facilitator') return null;
  const reason = actionAdditionProblem({ actionsAgreed: session.actionsAgreed, actionCount: 0 }, false);
  if (reason === null) return null;
  for (const { root } of createdRecords) if (root === DocKey.actions) return { kind: 'actionsAgreed', reason };
  return null;
}

/**
 * Whether this person may change a note's text or delete it: its author
 * (`authorId` is their participant id) or the facilitator, so a note with no
 * author is the facilitator's (docs/document-layout.md, "Who wrote a note").
 * Anyone who may write still moves, colours and files it. The server's guard
 * and the screens share this rule, so nobody is offered what would be refused.
 */
export function mayRewriteNote(writer: Pick<Writer, 'role' | 'participantId'>, authorId: unknown): boolean {
  if (writer.role === 'facilitator') return true;
  return writer.role === 'participant' && writer.participantId !== null && authorId === writer.participantId;
}

/**
 * Whether the notes an update deletes are the sender's to delete (their own,
 * or any for the facilitator; see `mayRewriteNote`); null when they are. A
 * note replaced under its key counts as deleted.
 */
export function noteDeletionRefusal(writer: Writer, deletedRecords: Iterable<WriteLocation>, authorOf: (noteId: string) => unknown): string | null {
  for (const { root, record } of deletedRecords) {
    if (root !== DocKey.notes || record === null) continue;
    if (!mayRewriteNote(writer, authorOf(record))) return 'Only a note’s author or the facilitator may delete it.';
  }
  return null;
}

/**
 * A field of a record that an update sets (writes a value, or characters of
 * the field's text) or removes. `value` is the plain value set, if any;
 * `recordIsNew` says the record is created by the same update.
 */
export interface FieldWrite {
  root: string;
  record: string;
  field: string;
  value: unknown;
  kind: 'set' | 'remove';
  recordIsNew: boolean;
}

/** Who sends an update, as the server knows them from their connection (never from what the client says). */
export interface Writer {
  role: Role;
  participantId: string | null;
  displayName: string | null;
}

/**
 * Whether the note fields an update writes respect who wrote the note
 * (docs/document-layout.md, "Who wrote a note"); null when they do:
 * - a new note's `authorId` is empty (null or '') or the sender's participant
 *   id, and its `authorName` empty or the sender's display name. The
 *   facilitator may write any author, so that undoing their deletion of
 *   someone's note brings it back as it was;
 * - nobody changes a note's author afterwards;
 * - with `textByAuthorOnly`, only the note's author or the facilitator
 *   changes its text; anyone who may write still moves, colours, files it.
 */
export function noteAuthorshipRefusal(
  writer: Writer,
  writes: Iterable<FieldWrite>,
  authorOf: (noteId: string) => unknown,
  { notesRoot = DocKey.notes, textByAuthorOnly = true }: { notesRoot?: string; textByAuthorOnly?: boolean } = {},
): string | null {
  for (const write of writes) {
    if (write.root !== notesRoot) continue;
    if (write.field === 'authorId' || write.field === 'authorName') {
      if (!write.recordIsNew || write.kind !== 'set') return 'A note’s author cannot be changed.';
      if (writer.role === 'facilitator') continue;
      const own = write.field === 'authorId' ? writer.participantId : writer.displayName;
      const empty = write.value === null || write.value === '';
      if (!empty && (own === null || write.value !== own)) return 'A note’s author is the person who writes it.';
    } else if (write.field === 'text' && textByAuthorOnly && !write.recordIsNew && !mayRewriteNote(writer, authorOf(write.record))) {
      return 'Only a note’s author or the facilitator may change its text.';
    }
  }
  return null;
}
