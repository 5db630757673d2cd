import * as Y from 'yjs';
import type { Logger } from 'pino';
import {
  CloseCode,
  decodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MalformedMessageError,
  type WireMessage,
} from '../../shared/protocol';
import { type DocumentName, type DocumentStore, OwnershipLostError } from '../persistence/types';
import { closeConnection, sendDocument, sendTo, type RoomConnection } from './connection';
import type { BoardFanout } from './fanout';
import type { RoomPolicy } from './policies';
import { trimLoadedDocument } from './documentMemory';
import { CHUNKED_LOAD_BYTES, type ChunkedLoad, loadInChunks, LoaderWorkerError } from './documentLoader';
import { RoomPresence } from './presence';
import type { Presence } from '../../shared/schema/presence';
import { SizeLimits, type SizeLimitOptions } from './sizeLimits';

/** Settings a room takes from the server configuration. */
export interface RoomOptions extends SizeLimitOptions {
  /** Compact the update log into a snapshot once it holds this many updates. */
  compactAfterUpdates: number;
  /** How many bytes may wait to be sent to one socket before it is dropped (a client that stopped reading). */
  maxBufferedBytes: number;
  /** The largest presence state one client id may publish, in bytes of JSON (see RoomPresence). */
  maxPresenceBytes: number;
}

/** The messages that go through the pipeline: the document's sync messages, and a newcomer's greeting. */
type PipelineMessage = Extract<WireMessage, { type: 'syncStep1' | 'syncStep2' | 'syncUpdate' }> | { type: 'greet' };

type InboxItem = { connection: RoomConnection; message: PipelineMessage };

/** Work that must wait until everything applied so far is durable. */
type PendingReply = { connection: RoomConnection; message: Extract<PipelineMessage, { type: 'greet' | 'syncStep1' }> };

/** The transaction origin of state read back from storage. */
const LOAD_ORIGIN = Symbol('load');
/** The transaction origin of updates another server process made durable. */
const FANOUT_ORIGIN = Symbol('fanout');
/** The transaction origin of the server's own changes (the reveal, progress counts, published votes). */
const SERVER_ORIGIN = Symbol('server');

/**
 * One open document (a board's, or a participant's private one): its Y.Doc,
 * its awareness, and the sockets connected to it. What the document starts
 * as and who may write what in it is the room's policy.
 *
 * Document messages go through a pipeline that runs once per event-loop
 * turn: apply every update received in the turn, store them as one durable
 * append, then broadcast one encoded message to every socket, and only then
 * answer sync requests. So no one, not even a newcomer syncing, ever sees
 * state that a crash could still lose. The store writes the appends of
 * every room made in one turn together (SQLite: one transaction, one fsync).
 *
 * Awareness skips the pipeline: it is presence, never stored, and handled
 * by RoomPresence, which the room gives its sockets to send on. The sockets
 * themselves (reading frames, the rate limit, sending) are
 * server/rooms/connection.ts's; the size limits are server/rooms/sizeLimits.ts's.
 */
export class Room {
  readonly doc = new Y.Doc();
  private readonly connections = new Set<RoomConnection>();
  private readonly presence: RoomPresence;
  private inbox: InboxItem[] = [];
  private pendingUpdates: Uint8Array[] = [];
  private pipelineScheduled = false;
  private pipelineRunning: Promise<void> | null = null;
  private ready = false;
  private unsubscribeFanout: () => void = () => {};
  /** False once the room starts closing: later messages are ignored, and clients resend them on reconnect. */
  private accepting = true;
  private closed = false;

  /** Server work in progress on the document (the reveal, say): it must not unload meanwhile. */
  private holds = 0;
  private readonly size: SizeLimits;
  /**
   * The sync step 2 a newcomer with an empty document is sent: the whole
   * document, encoded once and shared by every join until the document
   * changes. Encoding a big board takes tens of milliseconds in which the
   * server can do nothing else; a crowd joining a quiet board pays it once.
   * One message, so a newcomer goes from nothing to the whole board at once
   * and never acts on a half-loaded one.
   */
  private newcomerSync: Uint8Array | null = null;
  /** How a big document was loaded (server/rooms/documentLoader.ts); null when it was applied at once. For diagnostics and tests. */
  chunkedLoad: ChunkedLoad | null = null;

  constructor(
    readonly name: DocumentName,
    private readonly policy: RoomPolicy,
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly options: RoomOptions,
    private readonly fanout: BoardFanout,
    /**
     * Called when the room fails and must be dropped (the registry forgets
     * it; an OwnershipLostError gives up the whole board).
     */
    private readonly onFailure: (room: Room, error: unknown) => void,
  ) {
    this.size = new SizeLimits(options, log, name);
    const { connections } = this;
    this.presence = new RoomPresence(
      { maxPresenceBytes: options.maxPresenceBytes },
      {
        has: (connection) => connections.has(connection),
        get size() {
          return connections.size;
        },
        send: (connection, message) => this.send(connection, message),
        broadcast: (message, except) => this.broadcast(message, except),
        close: (connection, code, reason) => this.closeWith(connection, code, reason),
      },
      log,
      name,
    );
  }

  /** Everyone's presence (awareness) state by client id, for diagnostics and tests. */
  presenceStates(): Map<number, Presence> {
    return this.presence.getStates();
  }

  /** How many sockets are in the room (for diagnostics and tests). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** True while someone is connected or the server is working on the document. */
  get inUse(): boolean {
    return this.connections.size > 0 || this.holds > 0;
  }

  /** Keeps the room loaded until the matching `release`. */
  hold(): void {
    this.holds++;
  }

  release(): void {
    this.holds = Math.max(0, this.holds - 1);
  }

  /** False once the room has started closing or failed: its document must not be changed any more. */
  get open(): boolean {
    return this.accepting && !this.closed;
  }

  /**
   * Makes a change of the server's own to the document; it is stored and
   * broadcast like any other. Resolves once it is durable; rejects when
   * storage failed, so a caller never acts on a change that was not kept
   * (the reveal deletes a draft only once its copy on the board is stored).
   */
  async transact(change: (doc: Y.Doc, origin: symbol) => void): Promise<void> {
    if (!this.open || !this.ready) throw new Error(`room ${this.name} is not open`);
    change(this.doc, SERVER_ORIGIN);
    this.schedulePipeline();
    await this.settle();
    if (!this.open) throw new Error(`room ${this.name} closed before the change was stored`);
  }

  /**
   * Reads the document from storage and lets the policy prepare it (a board
   * is initialised if it was never written, and migrated), all before any
   * client syncs. A document stored as more than CHUNKED_LOAD_BYTES is read
   * in a worker thread and applied here a chunk a turn, so that loading a
   * big board does not hold up every other board (server/rooms/documentLoader.ts);
   * the room is not ready, and its sockets stay paused, until all of it is
   * applied and prepared.
   */
  async load(): Promise<void> {
    let parts = await this.store.loadDocument(this.name);
    const storedBytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
    this.size.stored(storedBytes);
    // A board stored as one snapshot (as closing leaves it) is already encoded: the first join after a restart sends it as it is.
    if (parts.length === 1) this.newcomerSync = encodeSyncStep2(parts[0]!);
    let prepare = true;
    let applied = false;
    if (storedBytes > CHUNKED_LOAD_BYTES) {
      try {
        const loaded = await loadInChunks(this.doc, parts, this.policy.preparation ?? null, LOAD_ORIGIN);
        this.chunkedLoad = loaded;
        prepare = loaded.prepareChanges;
        applied = true;
        this.log.debug({ room: this.name, bytes: storedBytes, chunks: loaded.chunks, turns: loaded.turns }, 'loaded a big document in chunks');
      } catch (error) {
        if (!(error instanceof LoaderWorkerError)) throw error;
        this.log.warn({ room: this.name, bytes: storedBytes, err: error.message }, 'could not load a big document in a worker; applying it at once');
        // The parts were moved to the worker: read them again.
        parts = await this.store.loadDocument(this.name);
        this.newcomerSync = parts.length === 1 ? encodeSyncStep2(parts[0]!) : null;
      }
    }
    if (!applied) {
      this.doc.transact(() => {
        for (const part of parts) Y.applyUpdate(this.doc, part, LOAD_ORIGIN);
      }, LOAD_ORIGIN);
      trimLoadedDocument(this.doc);
    }
    // From here on every change to the document is stored before it is shared.
    this.doc.on('update', this.handleDocUpdate);
    this.unsubscribeFanout = this.fanout.subscribe(this.name, (update) => {
      if (!this.closed) Y.applyUpdate(this.doc, update, FANOUT_ORIGIN);
    });
    // The worker prepared its copy of a big document and found nothing to change: preparing this one would change nothing either.
    const { repaired } = prepare ? this.policy.prepare(this.doc, this.log) : { repaired: null };
    if (repaired) {
      this.log.warn({ room: this.name, removed: repaired }, 'removed from the document what its layout has no place for');
      await this.storeRepaired();
    } else await this.persistPending();
    this.ready = true;
    this.schedulePipeline();
  }

  /**
   * Adds a socket; it is greeted with the server's state once everything so
   * far is durable. Returns false when the room is already closing, so the
   * caller opens a fresh one.
   */
  join(connection: RoomConnection): boolean {
    if (!this.accepting) return false;
    this.connections.add(connection);
    this.inbox.push({ connection, message: { type: 'greet' } });
    this.schedulePipeline();
    return true;
  }

  /**
   * Handles one binary message from a socket, its envelope read here once.
   * Never throws: a message the server cannot read closes that socket and
   * affects no one else.
   */
  receive(connection: RoomConnection, bytes: Uint8Array): void {
    if (!this.accepting || !this.connections.has(connection)) return;
    try {
      const message = decodeMessage(bytes);
      switch (message.type) {
        case 'syncStep1':
        case 'syncStep2':
        case 'syncUpdate':
          this.inbox.push({ connection, message });
          this.schedulePipeline();
          return;
        case 'awareness':
          this.presence.apply(connection, message.update);
          return;
        case 'queryAwareness':
          this.presence.sendStates(connection);
          return;
        case 'auth':
          throw new MalformedMessageError('an auth message, which only a server sends');
      }
    } catch (error) {
      this.rejectMalformed(connection, error);
    }
  }

  /** Removes a socket and its presence. */
  leave(connection: RoomConnection): void {
    if (!this.connections.delete(connection)) return;
    this.presence.leave(connection);
  }

  /** Resolves once every message received so far has been applied, stored and answered. */
  async settle(): Promise<void> {
    while (this.pipelineRunning || this.pipelineScheduled || (this.ready && !this.closed && this.hasWork())) {
      if (this.pipelineRunning) await this.pipelineRunning;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Stores the whole document as one snapshot, stops the pipeline and frees
   * the document. Sockets still connected are closed with the given code.
   */
  async close(code: number = CloseCode.goingAway, reason = 'Board closed'): Promise<void> {
    if (!this.accepting) return;
    this.accepting = false;
    await this.settle();
    this.closed = true;
    for (const connection of this.connections) connection.socket.close(code, reason);
    this.connections.clear();
    try {
      if (this.ready) await this.store.compactDocument(this.name, Y.encodeStateAsUpdate(this.doc));
    } finally {
      this.destroy();
    }
  }

  /**
   * Closes the room without storing it: the board is being deleted. Waits
   * for what is in flight to finish, so nothing is written after it returns.
   */
  async discard(code: number, reason: string): Promise<void> {
    this.accepting = false;
    await this.settle();
    for (const connection of this.connections) connection.socket.close(code, reason);
    this.connections.clear();
    if (!this.closed) this.destroy();
  }

  private destroy(): void {
    this.accepting = false;
    this.closed = true;
    this.unsubscribeFanout();
    this.presence.destroy();
    this.doc.off('update', this.handleDocUpdate);
    this.doc.destroy();
    this.inbox = [];
    this.pendingUpdates = [];
  }

  private hasWork(): boolean {
    return this.inbox.length > 0 || this.pendingUpdates.length > 0;
  }

  private schedulePipeline(): void {
    if (this.pipelineScheduled || this.pipelineRunning || !this.ready || this.closed) return;
    this.pipelineScheduled = true;
    // setImmediate, not a microtask: every message already read from the sockets in this turn joins the pass.
    setImmediate(() => {
      this.pipelineScheduled = false;
      this.startPipeline();
    });
  }

  private startPipeline(): void {
    if (this.closed) return;
    this.pipelineRunning = this.runPipeline().finally(() => {
      this.pipelineRunning = null;
      // What arrived while this pass waited on storage (messages, or a change of the server's own) goes now,
      // in the turn the store answered, not a turn later: its append joins those of the rooms with new work
      // this turn, in the store's next batch, so that busy rooms stay in step with the rest.
      if (this.hasWork()) this.startPipeline();
    });
  }

  private async runPipeline(): Promise<void> {
    const batch = this.inbox;
    this.inbox = [];
    const replies: PendingReply[] = [];
    for (const { connection, message } of batch) {
      if (!this.connections.has(connection)) continue;
      if (message.type === 'greet') {
        replies.push({ connection, message });
        continue;
      }
      try {
        if (message.type === 'syncStep1') {
          // Read now, where a bad one closes its sender as malformed, not later when the reply is made.
          Y.decodeStateVector(message.stateVector);
          replies.push({ connection, message });
        } else this.applyUpdate(connection, message.update);
      } catch (error) {
        // A half-applied update failed the whole room (see applyUpdateWhole): nothing more to do here.
        if (this.closed) return;
        this.rejectMalformed(connection, error);
      }
    }
    try {
      await this.persistPending();
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const reply of replies) {
      // One reply that cannot be made must not cost the others theirs.
      try {
        this.sendReply(reply);
      } catch (error) {
        this.rejectMalformed(reply.connection, error);
      }
    }
  }

  /**
   * Applies a client's update, if its policy admits it and it fits the
   * limits (docs/server-promises.md, Limits); a refused update closes its
   * sender, and nothing of it is applied.
   */
  private applyUpdate(connection: RoomConnection, update: Uint8Array): void {
    if (isEmptyUpdate(update)) return;
    // Checked before it is applied: Yjs cannot take an update back.
    const admission = this.policy.admit(this.doc, connection, update);
    if (admission.kind === 'refuse') this.refuse(connection, admission.reason, admission.code);
    else if (admission.kind === 'drop') this.log.debug({ room: this.name, reason: admission.reason }, 'dropped an update');
    // An update that only deletes always goes in: it is how a full board is cleared.
    else if (!admission.addsContent) this.applyUpdateWhole(connection, update);
    else {
      const tooBig = this.size.refusal(connection, update.byteLength, () => Y.encodeStateAsUpdate(this.doc).byteLength);
      if (tooBig) {
        this.closeWith(connection, CloseCode.boardFull, tooBig);
        return;
      }
      this.applyUpdateWhole(connection, update);
      this.size.admitted(connection, update.byteLength);
    }
  }

  /**
   * Applies an update the guard admitted. Yjs applies what it can before it
   * throws on something it cannot place, and what it applied is already in
   * the document: then the room fails (everyone reconnects to a copy loaded
   * from storage, and resends). An update that would leave parts held back
   * for later is undone and refused as malformed: the guard admits only
   * updates whose dependencies the document has.
   */
  private applyUpdateWhole(connection: RoomConnection, update: Uint8Array): void {
    const { pendingStructs, pendingDs } = this.doc.store;
    const appliedBefore = this.pendingUpdates.length;
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch (error) {
      if (this.pendingUpdates.length > appliedBefore) {
        this.fail(error);
        throw error;
      }
      throw new MalformedMessageError(`Yjs could not apply the update: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.doc.store.pendingStructs !== pendingStructs || this.doc.store.pendingDs !== pendingDs) {
      this.doc.store.pendingStructs = pendingStructs;
      this.doc.store.pendingDs = pendingDs;
      throw new MalformedMessageError('the update has parts Yjs cannot place');
    }
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.newcomerSync = null;
    // Another process stored it already; it only needs to reach our sockets.
    if (origin === FANOUT_ORIGIN) this.broadcast(encodeSyncUpdate(update));
    else this.pendingUpdates.push(update);
  };

  /**
   * Stores a document the policy repaired at load as one snapshot in place of
   * its log, then tells other processes of each repairing update on its own.
   * The repair deletes deep structures bottom-up in bounded transactions
   * (server/rooms/documentRepair.ts); merged into one update, or replayed
   * from the log in one transaction at the next load, those deletions would
   * recurse as deep as the structure and overflow the stack. The snapshot
   * holds only what is left (the deleted parts as flat ranges), and is what a
   * newcomer is sent (docs/server-promises.md, "Hostile documents").
   */
  private async storeRepaired(): Promise<void> {
    const updates = this.pendingUpdates;
    this.pendingUpdates = [];
    const state = Y.encodeStateAsUpdate(this.doc);
    await this.store.compactDocument(this.name, state);
    this.size.stored(state.byteLength);
    this.newcomerSync = encodeSyncStep2(state);
    for (const update of updates) this.fanout.publish(this.name, update);
  }

  /** Makes every update applied so far durable, then broadcasts them as one message. */
  private async persistPending(): Promise<void> {
    if (this.pendingUpdates.length === 0) return;
    const updates = this.pendingUpdates;
    this.pendingUpdates = [];
    const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    const logLength = await this.store.appendUpdate(this.name, merged);
    this.size.appended(merged.byteLength);
    this.broadcast(encodeSyncUpdate(merged));
    this.fanout.publish(this.name, merged);
    if (logLength >= this.options.compactAfterUpdates || this.size.compactionDue) {
      const state = Y.encodeStateAsUpdate(this.doc);
      this.newcomerSync = encodeSyncStep2(state);
      await this.store.compactDocument(this.name, state);
      this.size.stored(state.byteLength);
    }
  }

  /** Greets a newcomer (the server's state vector, and everyone's presence), or answers a sync step 1 with what the asker lacks. */
  private sendReply({ connection, message }: PendingReply): void {
    if (!this.connections.has(connection)) return;
    if (message.type === 'greet') {
      this.send(connection, encodeSyncStep1(Y.encodeStateVector(this.doc)));
      this.presence.sendStates(connection);
      return;
    }
    const answer = isEmptyStateVector(message.stateVector)
      ? (this.newcomerSync ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc)))
      : encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector));
    sendDocument(connection, answer, this.options.maxBufferedBytes);
  }

  /** Sends to one socket, dropping it if it has fallen too far behind (see sendTo). */
  private send(connection: RoomConnection, message: Uint8Array): void {
    sendTo(connection, message, this.options.maxBufferedBytes);
  }

  /** Sends one encoded message to every socket (but `except`, when given): encoded once, however many receive it. */
  private broadcast(message: Uint8Array, except: RoomConnection | null = null): void {
    // A Buffer view of the same bytes, made once: ws would otherwise make one for every socket.
    const data = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
    for (const connection of this.connections) if (connection !== except) this.send(connection, data);
  }

  /** A change its sender may not make: the sender is told why (the code and a reason) and disconnected; nothing of it is applied. */
  private refuse(connection: RoomConnection, reason: string, code: number): void {
    this.log.warn({ room: this.name, role: connection.role, code, reason }, 'refused an update and closed its connection');
    this.closeWith(connection, code, reason);
  }

  /** Takes a connection out of the room and closes it with a code and a reason. */
  private closeWith(connection: RoomConnection, code: number, reason: string): void {
    this.leave(connection);
    closeConnection(connection, code, reason);
  }

  private rejectMalformed(connection: RoomConnection, error: unknown): void {
    this.log.warn(
      { room: this.name, err: error instanceof Error ? error.message : String(error) },
      'closing a connection that sent a malformed message',
    );
    this.leave(connection);
    connection.socket.close(CloseCode.malformedMessage, 'Malformed message');
  }

  /**
   * Storage failed: the document may now hold changes that are not durable,
   * so it must not be served. Every socket is closed with "server error";
   * clients keep their changes and resend them when they reconnect to a fresh
   * room loaded from storage.
   */
  private fail(error: unknown): void {
    // Another process took the board over (docs/storage.md, "One owner per board"): its clients reconnect and are served there.
    const lost = error instanceof OwnershipLostError;
    if (lost) this.log.warn({ room: this.name }, 'another server process owns the board now; giving up the room');
    else this.log.error({ room: this.name, err: error }, 'storage failed; dropping the room');
    for (const connection of this.connections) {
      if (lost) connection.socket.close(CloseCode.tryAgain, 'Another server has this board: reconnect');
      else connection.socket.close(CloseCode.serverError, 'Storage error: reconnect to resync');
    }
    this.connections.clear();
    this.destroy();
    this.onFailure(this, error);
  }
}

/** An update that changes nothing (no items, no deletions): what a client with nothing new answers to sync step 1. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/** A state vector that names no client: the sender's document is empty (a newcomer). */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}
