import * as Y from 'yjs';
import type { Logger } from 'pino';
import { agreedPlanRefusal, noteAuthorshipRefusal, noteDeletionRefusal, type WriteLocation, type WriteRefusal, writeRefusal } from '../../shared/document/access';
import { initBoard, readSchemaVersion } from '../../shared/document/board';
import { DocKey, notesMap, PrivateDocKey, topMap } from '../../shared/document/doc';
import { MAX_ASSESSMENT_TOPICS, MAX_OWN_RATINGS } from '../../shared/schema/assessment';
import { BOARD_LAYOUT, PRIVATE_LAYOUT } from '../../shared/document/layout';
import { migrateDoc } from '../../shared/document/migrations';
import { isLocked, isPlanAgreed } from '../../shared/document/session';
import { CloseCode, StateRefusalReason } from '../../shared/protocol';
import { roleCanEdit } from '../../shared/schema/api';
import type { BoardRecord } from '../persistence/types';
import type { RoomConnection } from './connection';
import type { PreparationSpec } from './documentLoader';
import { repairDocument, type RepairCounts } from './documentRepair';
import { locateUpdate } from './writeGuard';

/**
 * What the room does with an update a connection sent:
 * - `apply` it (`addsContent` is false when it only deletes: the board-size
 *   limits never refuse that);
 * - `drop` it without telling (it changes nothing: a viewer's answer to the
 *   server's sync request, or an update that builds on changes the server
 *   does not have yet, which the client resends with them);
 * - `refuse` it and close the connection with `code`, saying why: 4403 for a
 *   change the sender may never make, or one that does not fit the layout;
 *   4423 for a participant's change the board's state refuses (the board is
 *   locked, the change adds an action to the agreed plan, or it would leave
 *   a shared-text field longer than it holds, which two people typing into
 *   a nearly full field at once can do), with a `StateRefusalReason` saying
 *   which.
 */
export type Admission = { kind: 'apply'; addsContent: boolean } | { kind: 'drop'; reason: string } | { kind: 'refuse'; reason: string; code: number };

/**
 * What preparing a document did that the room must know: `repaired` counts
 * what was removed because the layout has no place for it
 * (server/rooms/documentRepair.ts), or is null when nothing was.
 */
export interface Preparation {
  repaired: RepairCounts | null;
}

/** What a room's document starts as, and who may write what in it. */
export interface RoomPolicy {
  /** Runs once the stored state is loaded, before any client syncs: initialise, migrate, remove what the layout has no place for. */
  prepare(doc: Y.Doc, log: Logger): Preparation;
  /** Decides, before it is applied, what happens to an update. */
  admit(doc: Y.Doc, connection: RoomConnection, update: Uint8Array): Admission;
  /**
   * The same preparation, as a worker thread rebuilds it to prepare its own
   * copy of a big document (server/rooms/documentLoader.ts). `prepare` must
   * depend on the document alone: when the worker's copy comes out
   * unchanged, the room does not prepare the document again.
   */
  readonly preparation?: PreparationSpec;
}

const UNRESOLVED: Admission = { kind: 'drop', reason: 'refers to items the server does not have' };

function forbidden(reason: string): Admission {
  return { kind: 'refuse', reason, code: CloseCode.forbidden };
}

/** The room's answer to a refusal of the guard's rules (shared/document/access.ts). */
function refusalAdmission(refusal: WriteRefusal): Admission {
  if (refusal.kind === 'locked') return { kind: 'refuse', reason: StateRefusalReason.locked, code: CloseCode.lockedRefused };
  if (refusal.kind === 'actionsAgreed') return { kind: 'refuse', reason: StateRefusalReason.actionsAgreed, code: CloseCode.lockedRefused };
  return forbidden(refusal.reason);
}

/**
 * Refuses what is larger than a field holds, or does not fit the document's
 * layout. A shared-text field left over its limit is refused as the board's
 * state (4423), not as forbidden (4403, after which a client stops
 * reconnecting): each person's binding keeps their own typing within the
 * limit (shared/document/text.ts), so only typing that met someone else's
 * in a nearly full field gets here, and that person must be able to resync
 * and go on (docs/server-promises.md, "Limits").
 */
function shapeRefusal(located: { misshapen: string | null; oversized: string | null; textOverLimit: string | null }): Admission | null {
  if (located.oversized) return forbidden(located.oversized);
  if (located.textOverLimit) return { kind: 'refuse', reason: StateRefusalReason.textFull, code: CloseCode.lockedRefused };
  if (located.misshapen) return forbidden(`Not the board's layout: ${located.misshapen}.`);
  return null;
}

/** The author id a note of the document holds, if any. */
function authorOf(doc: Y.Doc, noteId: string): unknown {
  const note = notesMap(doc).get(noteId);
  return note instanceof Y.Map ? note.get('authorId') : undefined;
}

/**
 * Why an update would leave a top-level map with more entries than it may
 * hold, or null. The layout bounds each value's size, not how many there
 * are: without this a tampered client could fill its private document with
 * ratings of topics that do not exist, which the server reads at every tick
 * (docs/server-promises.md, "Limits"). New entries are the keys the update
 * writes that the map does not hold yet.
 */
function entryCountRefusal(doc: Y.Doc, locations: readonly WriteLocation[], root: string, max: number, what: string): Admission | null {
  const map = topMap(doc, root);
  let added = 0;
  for (const { root: written, record } of locations) if (written === root && record !== null && !map.has(record)) added += 1;
  return added > 0 && map.size + added > max ? forbidden(`A board holds at most ${max} ${what}.`) : null;
}

/** Ids are at most 64 characters: a longer key in a value map never reads (shared/document/assessment.ts), so it is refused. */
function longKeyRefusal(locations: readonly WriteLocation[], root: string): Admission | null {
  for (const { root: written, record } of locations) if (written === root && record !== null && record.length > 64) return forbidden(`Not the board's layout: a key of ${root} is longer than an id.`);
  return null;
}

/** A board's own document: initialised and migrated at load; writes checked against the roles and the layout. */
export function boardPolicy(board: BoardRecord): RoomPolicy {
  return {
    preparation: { kind: 'board', board: { id: board.id, title: board.title, createdAt: board.createdAt } },
    prepare(doc, log) {
      if (readSchemaVersion(doc) === null) initBoard(doc, { title: board.title, createdAt: board.createdAt });
      const migration = migrateDoc(doc);
      if (migration.applied.length > 0) {
        log.info({ boardId: board.id, from: migration.from, to: migration.to }, 'migrated board document');
      }
      // After the migrations, so the document is judged by this release's layout.
      return { repaired: repairDocument(doc, BOARD_LAYOUT) };
    },
    admit(doc, connection, update) {
      const located = locateUpdate(doc, update, BOARD_LAYOUT);
      if (located.kind === 'unresolved') return UNRESOLVED;
      if (!roleCanEdit(connection.role)) {
        // A viewer's client answers the server's sync request with what it has, which is only what it was sent.
        if (located.locations.length === 0 && !located.addsContent) return { kind: 'drop', reason: 'a viewer’s update that changes nothing' };
        return forbidden('Viewers cannot change the board.');
      }
      const shape = shapeRefusal(located);
      if (shape) return shape;
      const refusal = writeRefusal(connection.role, connection.participantId, { locked: isLocked(doc) }, located.locations);
      if (refusal) return refusalAdmission(refusal);
      const authorship = noteAuthorshipRefusal(connection, located.fieldWrites, (noteId) => authorOf(doc, noteId));
      if (authorship) return forbidden(authorship);
      const deletion = noteDeletionRefusal(connection, located.deletedRecords, (noteId) => authorOf(doc, noteId));
      if (deletion) return forbidden(deletion);
      const planRefusal = agreedPlanRefusal(connection.role, { actionsAgreed: isPlanAgreed(doc) }, located.createdRecords);
      if (planRefusal) return refusalAdmission(planRefusal);
      const tooMany =
        entryCountRefusal(doc, located.locations, DocKey.assessmentTopics, MAX_ASSESSMENT_TOPICS, 'self-assessment topics') ??
        longKeyRefusal(located.locations, DocKey.assessmentAgreed);
      if (tooMany) return tooMany;
      return { kind: 'apply', addsContent: located.addsContent };
    },
  };
}

/**
 * A participant's private document: only its owner can connect (the upgrade
 * check sees to that), so whatever they write is theirs to write, within the
 * same layout and limits as a board (a draft note is a note, written by its
 * owner; votes are item id → number; ratings are topic id → exactly
 * `{ rating, evidence }`, at most `MAX_OWN_RATINGS` of them). Locating the update also reads it
 * whole first: an unreadable one closes the connection as malformed before
 * anything of it is applied.
 */
export const privatePolicy: RoomPolicy = {
  preparation: { kind: 'private' },
  prepare(doc) {
    return { repaired: repairDocument(doc, PRIVATE_LAYOUT) };
  },
  admit(doc, connection, update) {
    const located = locateUpdate(doc, update, PRIVATE_LAYOUT);
    if (located.kind === 'unresolved') return UNRESOLVED;
    const shape = shapeRefusal(located);
    if (shape) return shape;
    const authorship = noteAuthorshipRefusal(connection, located.fieldWrites, (noteId) => authorOf(doc, noteId), {
      notesRoot: PrivateDocKey.drafts,
      textByAuthorOnly: false,
    });
    if (authorship) return forbidden(authorship);
    const ratings =
      longKeyRefusal(located.locations, PrivateDocKey.ratings) ??
      entryCountRefusal(doc, located.locations, PrivateDocKey.ratings, MAX_OWN_RATINGS, 'self-assessment ratings per person');
    if (ratings) return ratings;
    return { kind: 'apply', addsContent: located.addsContent };
  },
};
