import * as Y from 'yjs';
import type { WireMessage } from '../../shared/protocol';

/**
 * Knowing, truthfully, which changes made on this device the server has
 * stored. The server applies and stores every update before it sends it to
 * anyone (the sender included), so whatever the server sends is durable; this
 * module keeps what that tells us and compares it with what was done here.
 *
 * Everything here is pure: no sockets, no timers, so it can be tested alone.
 */

/** Per client id, the next clock not yet known: the shape of a Yjs state vector. */
export type StateVector = Map<number, number>;

/** A run of deleted item ids of one client: clocks `clock` to `clock + length - 1`. */
export interface DeletedRange {
  client: number;
  clock: number;
  length: number;
}

/**
 * One transaction made on this device. It is saved once the server's state
 * vector reaches `clock` for `client` (its new content) and the server has
 * sent back every range in `deletes` (its deletions, which carry no clock).
 */
export interface LocalChange {
  client: number;
  clock: number;
  deletes: DeletedRange[];
  /**
   * The records it touched (`notes/<id>`, `board/title`). The banner counts
   * records, not transactions: adding a note and typing its text is one
   * unsaved change to a person. A change without records counts on its own.
   */
  records?: string[];
}

/**
 * A sync message from the server, as the protocol's codec reads it: its
 * whole state vector (sync step 1, sent first on every connection), or
 * content it has stored (sync step 2, or an update).
 */
export type ServerSyncMessage =
  | Extract<WireMessage, { type: 'syncStep1' }>
  | (Extract<WireMessage, { type: 'syncStep2' | 'syncUpdate' }> & {
      /**
       * The document's state vector just before and just after it applied
       * this update (from the applying transaction), when known: what lets
       * the tracker skip reading the update a second time (see
       * `SaveTracker.receiveFromServer`).
       */
      applied?: { before: StateVector; after: StateVector };
    });

/** What one update proves the server holds. */
export interface UpdateSummary {
  /** Per client, the clock range [start, end) the update carries without gaps. */
  runs: Map<number, { start: number; end: number }>;
  deletes: DeletedRange[];
}

/**
 * Summarises an update. Y.encodeStateVectorFromUpdate is not enough here: it
 * only reports clients whose content starts at clock 0, and an incremental
 * update almost never does.
 */
export function summariseUpdate(update: Uint8Array): UpdateSummary {
  const { structs, ds } = Y.decodeUpdate(update);
  const runs = new Map<number, { start: number; end: number }>();
  for (const struct of structs) {
    // A skip marks a gap in a merged update: nothing after it is contiguous.
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const run = runs.get(client);
    if (!run) runs.set(client, { start: clock, end: clock + struct.length });
    else if (clock === run.end) run.end += struct.length;
  }
  const deletes: DeletedRange[] = [];
  for (const [client, items] of ds.clients) {
    for (const item of items) deletes.push({ client, clock: item.clock, length: item.len });
  }
  return { runs, deletes };
}

/**
 * The server's state vector after it sent an update. A run only counts when
 * it continues what the server is already known to hold, so the result never
 * claims more than the server has.
 */
export function advanceStateVector(server: StateVector, summary: UpdateSummary): StateVector {
  const next = new Map(server);
  for (const [client, run] of summary.runs) {
    const known = next.get(client) ?? 0;
    if (run.start <= known && run.end > known) next.set(client, run.end);
  }
  return next;
}

/** The parts of `ranges` that `covered` does not include. */
export function subtractRanges(ranges: readonly DeletedRange[], covered: readonly DeletedRange[]): DeletedRange[] {
  let remaining = [...ranges];
  for (const cover of covered) {
    const coverEnd = cover.clock + cover.length;
    remaining = remaining.flatMap((range) => {
      const end = range.clock + range.length;
      if (range.client !== cover.client || coverEnd <= range.clock || cover.clock >= end) return [range];
      const left = cover.clock > range.clock ? [{ ...range, length: cover.clock - range.clock }] : [];
      const right = coverEnd < end ? [{ client: range.client, clock: coverEnd, length: end - coverEnd }] : [];
      return [...left, ...right];
    });
    if (remaining.length === 0) break;
  }
  return remaining;
}

/** The deleted ranges of a Yjs delete set, as plain data. */
export function rangesOfDeleteSet(deleteSet: { clients: Map<number, Array<{ clock: number; len: number }>> }): DeletedRange[] {
  const ranges: DeletedRange[] = [];
  for (const [client, items] of deleteSet.clients) {
    for (const item of items) ranges.push({ client, clock: item.clock, length: item.len });
  }
  return ranges;
}

/** True when `server` holds at least every clock of `local`. */
function covers(server: StateVector, local: StateVector): boolean {
  for (const [client, clock] of local) if (clock > (server.get(client) ?? 0)) return false;
  return true;
}

/** Each client's higher clock of the two. */
function highest(a: StateVector, b: StateVector): StateVector {
  const result = new Map(a);
  for (const [client, clock] of b) if (clock > (result.get(client) ?? 0)) result.set(client, clock);
  return result;
}

/** True when the server holds everything the change did. */
function isChangeSaved(change: LocalChange, server: StateVector): boolean {
  return change.clock <= (server.get(change.client) ?? 0) && change.deletes.length === 0;
}

/**
 * How many changes the server has not confirmed.
 *
 * Every record (a note, a board field) with an unconfirmed local change
 * counts one, however many times it was changed. Content in the
 * local document beyond what the server is known to hold, and not explained
 * by a recorded change (restored from IndexedDB, or from another tab), counts
 * one per client: we cannot tell how many edits it was, only that it exists.
 * That second rule needs the server's state vector, so it only applies once
 * a connection has delivered one (`server` is null before that).
 */
export function countUnsavedChanges(
  pending: readonly LocalChange[],
  server: StateVector | null,
  local: StateVector,
): number {
  const known = server ?? new Map<number, number>();
  const unsaved = pending.filter((change) => !isChangeSaved(change, known));
  const records = new Set<string>();
  let count = 0;
  for (const change of unsaved) {
    if (!change.records?.length) count += 1;
    for (const record of change.records ?? []) records.add(record);
  }
  count += records.size;
  if (server) {
    for (const [client, clock] of local) {
      const explained = Math.max(server.get(client) ?? 0, ...unsaved.filter((c) => c.client === client).map((c) => c.clock));
      if (clock > explained) count += 1;
    }
  }
  return count;
}

/**
 * The list of this device's unconfirmed changes and what the server is known
 * to hold, updated from local transactions and from server messages.
 */
export class SaveTracker {
  private server: StateVector | null = null;
  private pending: LocalChange[];

  constructor(restored: readonly LocalChange[] = []) {
    this.pending = [...restored];
  }

  /** The changes the server has not confirmed, oldest first. */
  get pendingChanges(): readonly LocalChange[] {
    return this.pending;
  }

  /** Records a transaction made on this device that added or deleted something. */
  recordLocalChange(change: LocalChange): void {
    this.pending.push({ ...change, deletes: [...change.deletes], records: [...(change.records ?? [])] });
  }

  /**
   * Takes in what a server message says the server holds; returns true if
   * anything was confirmed. An update is read for its ranges only when that
   * can tell something: while this device has changes waiting, or holds
   * content the server is not known to have. Otherwise everything the update
   * added to the document came from the server, and an echo of what the
   * server already had confirms nothing, so the state after applying it is
   * what the server is known to hold, and Yjs's own reading of the update
   * (to apply it) is the only one.
   */
  receiveFromServer(message: ServerSyncMessage): boolean {
    if (message.type === 'syncStep1') {
      // Replace, not merge: a server that lost data must not be trusted for it.
      this.server = Y.decodeStateVector(message.stateVector);
    } else if (message.applied && this.pending.length === 0 && this.server && covers(this.server, message.applied.before)) {
      this.server = highest(this.server, message.applied.after);
      return false;
    } else {
      const summary = summariseUpdate(message.update);
      this.server = advanceStateVector(this.server ?? new Map(), summary);
      if (summary.deletes.length > 0) {
        this.pending = this.pending.map((change) =>
          change.deletes.length === 0 ? change : { ...change, deletes: subtractRanges(change.deletes, summary.deletes) },
        );
      }
    }
    const before = this.pending.length;
    const server = this.server;
    this.pending = this.pending.filter((change) => !isChangeSaved(change, server));
    return this.pending.length !== before;
  }

  /**
   * Drops restored changes whose content the local document does not hold
   * (its stored copy was cleared): they can never be sent, so counting them
   * would keep the banner at "unsaved" for ever.
   */
  forgetChangesMissingFrom(local: StateVector): void {
    this.pending = this.pending.filter((change) => change.clock <= (local.get(change.client) ?? 0));
  }

  /** How many changes are not confirmed, given the local document's state vector. */
  unsavedCount(local: StateVector): number {
    return countUnsavedChanges(this.pending, this.server, local);
  }
}
