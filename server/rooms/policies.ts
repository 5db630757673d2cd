import type * as Y from 'yjs';
import type { Logger } from 'pino';
import { writeRefusal } from '../../shared/board/access';
import { initBoard, readSchemaVersion } from '../../shared/board/board';
import { migrateDoc } from '../../shared/board/migrations';
import { isLocked } from '../../shared/board/session';
import { roleCanEdit } from '../../shared/schema/api';
import type { BoardRecord } from '../persistence/types';
import type { RoomConnection } from './connection';
import { locateUpdate } from './writeGuard';

/**
 * What the room does with an update a connection sent:
 * - `apply` it;
 * - `drop` it without telling (a change made just as the facilitator locked
 *   the board: the client keeps it and sends it again on its next connection);
 * - `refuse` it and close the connection, saying why (a change the sender's
 *   role may never make: only a tampered client sends one).
 */
export type Admission = { kind: 'apply' } | { kind: 'drop'; reason: string } | { kind: 'refuse'; reason: string };

/** What a room's document starts as, and who may write what in it. */
export interface RoomPolicy {
  /** Runs once the stored state is loaded, before any client syncs: initialise, migrate. */
  prepare(doc: Y.Doc, log: Logger): void;
  /** Decides, before it is applied, what happens to an update. */
  admit(doc: Y.Doc, connection: RoomConnection, update: Uint8Array): Admission;
}

const APPLY: Admission = { kind: 'apply' };

/** A board's own document: initialised and migrated at load; writes checked against the roles. */
export function boardPolicy(board: BoardRecord): RoomPolicy {
  return {
    prepare(doc, log) {
      if (readSchemaVersion(doc) === null) initBoard(doc, { title: board.title, createdAt: board.createdAt });
      const migration = migrateDoc(doc);
      if (migration.applied.length > 0) {
        log.info({ boardId: board.id, from: migration.from, to: migration.to }, 'migrated board document');
      }
    },
    admit(doc, connection, update) {
      // A viewer changes nothing: the update is refused whole and the connection told why (4403).
      if (!roleCanEdit(connection.role)) return { kind: 'refuse', reason: 'Viewers cannot change the board.' };
      const located = locateUpdate(doc, update);
      if (located.kind === 'unresolved') return { kind: 'drop', reason: 'refers to items the server does not have' };
      if (located.oversized) return { kind: 'refuse', reason: located.oversized };
      const refusal = writeRefusal(connection.role, connection.participantId, { locked: isLocked(doc) }, located.locations);
      if (!refusal) return APPLY;
      return refusal.kind === 'locked' ? { kind: 'drop', reason: refusal.reason } : { kind: 'refuse', reason: refusal.reason };
    },
  };
}

/**
 * A participant's private document: only its owner can connect (the upgrade
 * check sees to that), so whatever they write is theirs to write, within the
 * same limits as a board (a draft note is a note). Locating the update also
 * reads it whole first: an unreadable one closes the connection as malformed
 * before anything of it is applied.
 */
export const privatePolicy: RoomPolicy = {
  prepare() {},
  admit(doc, _connection, update) {
    const located = locateUpdate(doc, update);
    if (located.kind === 'unresolved') return { kind: 'drop', reason: 'refers to items the server does not have' };
    if (located.oversized) return { kind: 'refuse', reason: located.oversized };
    return APPLY;
  },
};
