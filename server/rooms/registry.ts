import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol';
import type { BoardId } from '../../shared/schema/ids';
import {
  type BoardOwnership,
  type BoardRecord,
  type DocumentName,
  type DocumentStore,
  hasBoardOwnership,
  OwnershipLostError,
  parseDocumentName,
} from '../persistence/types';
import type { RoomConnection } from './connection';
import { Room, type RoomOptions } from './room';
import type { BoardFanout } from './fanout';
import { boardPolicy, privatePolicy } from './policies';

/** Settings of the registry, from the server configuration. */
export interface RoomRegistryOptions extends RoomOptions {
  /** How long a room with no one in it stays loaded, so a reload does not pay a cold load. */
  unloadGraceMs: number;
  /**
   * How long a claim on a board lasts unless renewed, with a store shared by
   * several processes (docs/storage.md, "One owner per board"): also how long
   * another process waits to take over the boards of one that died.
   */
  boardLeaseMs?: number;
}

/** The board is served by another server process, whose lease is live: the socket is told to try again later (1013). */
export class BoardElsewhereError extends Error {
  constructor(readonly boardId: BoardId) {
    super(`Board ${boardId} is served by another server process.`);
    this.name = 'BoardElsewhereError';
  }
}

/** The lease length when the options name none: docs/storage.md's default. */
const DEFAULT_BOARD_LEASE_MS = 10_000;

/** Told about every room once it has loaded, before anyone syncs with it. */
export type RoomLoadedListener = (room: Room, board: BoardRecord) => void;

/**
 * The open rooms, one per document with someone on it: each board's own,
 * and the private document of each participant connected to it. A room is
 * loaded on its first connection (or when the server needs the document)
 * and unloaded (compacted into a snapshot, then freed) once nobody has used
 * it for the grace period.
 */
export class RoomRegistry {
  private readonly rooms = new Map<DocumentName, Promise<Room>>();
  /** Rooms being unloaded: a newcomer waits for the snapshot before loading again. */
  private readonly unloading = new Map<DocumentName, Promise<void>>();
  private readonly unloadTimers = new Map<DocumentName, NodeJS.Timeout>();
  private readonly loadedListeners: RoomLoadedListener[] = [];
  private shuttingDown = false;
  /** Boards deleted while this process runs: never opened again (board ids are never reused). */
  private readonly deletedBoards = new Set<string>();
  /** The store's leases, when processes share it; null: this process owns every board (one process, SQLite). */
  private readonly ownership: BoardOwnership | null;
  /**
   * Each board this process holds (or is claiming) the lease of, one claim
   * shared by the board's own document and its private ones. Rejects with
   * BoardElsewhereError when another process holds it.
   */
  private readonly leases = new Map<BoardId, Promise<void>>();
  /** Boards whose lease is being let go (their last room unloaded, or the board was given up): a new claim waits for it. */
  private readonly releasing = new Map<BoardId, Promise<void>>();
  private readonly renewTimer: NodeJS.Timeout | null = null;
  /** A renewal in flight: a slow database must not pile renewals up behind it. */
  private renewing = false;

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly options: RoomRegistryOptions,
    private readonly fanout: BoardFanout,
  ) {
    this.ownership = hasBoardOwnership(store) ? store : null;
    if (this.ownership) {
      // Three renewals a lease: one slow or failed renewal does not lose a board.
      this.renewTimer = setInterval(() => {
        if (this.renewing) return;
        this.renewing = true;
        void this.renewLeases().finally(() => (this.renewing = false));
      }, Math.max(1, Math.floor(this.leaseMs / 3)));
      this.renewTimer.unref();
    }
  }

  private get leaseMs(): number {
    return this.options.boardLeaseMs ?? DEFAULT_BOARD_LEASE_MS;
  }

  /** How many rooms are loaded or loading. */
  get size(): number {
    return this.rooms.size;
  }

  /** Calls the listener for every room loaded from now on. */
  onRoomLoaded(listener: RoomLoadedListener): void {
    this.loadedListeners.push(listener);
  }

  /**
   * Puts a socket into the room of a board's document (its own by default),
   * loading the room if need be. Resolves to the room it joined, or to null
   * when the socket was closed instead (the server is stopping, the board was
   * deleted or could not be loaded) or went away meanwhile.
   */
  async connect(board: BoardRecord, connection: RoomConnection, name: DocumentName = board.id): Promise<Room | null> {
    if (this.shuttingDown) {
      connection.socket.close(CloseCode.restarting, 'Server restarting');
      return null;
    }
    if (this.deletedBoards.has(board.id)) {
      connection.socket.close(CloseCode.boardGone, 'The board was deleted');
      return null;
    }
    this.cancelUnload(name);
    let room: Room;
    try {
      // A room that began unloading while we waited refuses the join; the
      // next open waits for its snapshot and loads a fresh one.
      do {
        room = await this.open(board, name);
        if (connection.socket.readyState !== connection.socket.OPEN) {
          // The socket went away while the room loaded.
          this.scheduleUnloadIfUnused(room);
          return null;
        }
      } while (!room.join(connection));
    } catch (error) {
      if (error instanceof BoardElsewhereError || error instanceof OwnershipLostError) {
        // Another process serves the board (docs/storage.md, "One owner per board"): the client retries, and is served once the board is free.
        this.log.debug({ room: name }, 'refused a socket: another server process owns the board');
        connection.socket.close(CloseCode.tryAgain, 'Another server has this board: try again');
        return null;
      }
      this.log.error({ room: name, err: error }, 'could not load board');
      connection.socket.close(CloseCode.serverError, 'Could not load the board');
      return null;
    }
    return room;
  }

  /** Takes a socket that closed out of its room; the room unloads once nobody has used it for the grace period. */
  disconnect(room: Room, connection: RoomConnection): void {
    room.leave(connection);
    this.scheduleUnloadIfUnused(room);
  }

  /**
   * Runs server work on a document's room, loading it if nobody has it open
   * (a participant who is offline), and keeps the room loaded until the work
   * is done.
   */
  async use<T>(board: BoardRecord, name: DocumentName, work: (room: Room) => Promise<T>): Promise<T> {
    if (this.shuttingDown) throw new Error('The server is shutting down.');
    if (this.deletedBoards.has(board.id)) throw new Error('The board was deleted.');
    this.cancelUnload(name);
    let room: Room;
    do room = await this.open(board, name);
    while (!room.open);
    room.hold();
    try {
      return await work(room);
    } finally {
      room.release();
      this.scheduleUnloadIfUnused(room);
    }
  }

  /** The loaded room of a document, if any (for tests and diagnostics). */
  async get(name: DocumentName): Promise<Room | undefined> {
    return this.rooms.get(name);
  }

  /** The names of the loaded rooms of a board's documents. */
  loadedDocumentsOf(boardId: BoardRecord['id']): DocumentName[] {
    return [...this.rooms.keys()].filter((name) => parseDocumentName(name).boardId === boardId);
  }

  /**
   * Closes every room: stores each as a snapshot and tells clients the
   * server is restarting; then lets every lease go, so that another process
   * serves the boards at once instead of after the lease runs out.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    const rooms = [...this.rooms.entries()];
    this.rooms.clear();
    await Promise.allSettled([
      ...this.unloading.values(),
      ...rooms.map(async ([name, loading]) => {
        try {
          const room = await loading;
          await room.close(CloseCode.restarting, 'Server restarting');
        } catch (error) {
          this.log.error({ room: name, err: error }, 'could not store board at shutdown');
        }
      }),
    ]);
    await Promise.allSettled([...this.releasing.values()]);
    const held = [...this.leases.keys()];
    this.leases.clear();
    await Promise.allSettled(held.map((boardId) => this.releaseLease(boardId)));
  }

  /**
   * Closes every room of a board that is being deleted, without storing
   * them: sockets are told the board is gone (4404), and the board is never
   * opened again. Resolves once nothing more of it will be written.
   */
  async closeBoard(boardId: BoardRecord['id']): Promise<void> {
    this.deletedBoards.add(boardId);
    const names = this.loadedDocumentsOf(boardId);
    await Promise.allSettled(
      names.map(async (name) => {
        this.cancelUnload(name);
        const loading = this.rooms.get(name);
        this.rooms.delete(name);
        await this.unloading.get(name);
        if (loading) await (await loading).discard(CloseCode.boardGone, 'The board was deleted');
      }),
    );
    for (const [name, unloading] of this.unloading) if (parseDocumentName(name).boardId === boardId) await unloading;
    // The store forgets the lease with the board's rows (the board is never opened again).
    this.leases.delete(boardId);
  }

  /**
   * Gives a board up: another process holds its lease now (a renewal or an
   * append found it taken). Its rooms close every socket with 1013, so
   * clients reconnect and are served by the owner, and unload without
   * storing or compacting anything: what they hold that was not appended
   * must not reach the store (docs/storage.md, "One owner per board").
   */
  private giveUp(boardId: BoardId): void {
    if (!this.leases.has(boardId) || this.releasing.has(boardId)) return;
    this.log.warn({ boardId }, 'another server process owns the board now; giving it up');
    this.leases.delete(boardId);
    const names = this.loadedDocumentsOf(boardId);
    const done = (async () => {
      await Promise.allSettled(
        names.map(async (name) => {
          this.cancelUnload(name);
          const loading = this.rooms.get(name);
          this.rooms.delete(name);
          if (loading) await (await loading).discard(CloseCode.tryAgain, 'Another server has this board: reconnect');
        }),
      );
      // Only if still ours at our epoch (it is not, when taken over): the store stops fencing with it either way.
      await this.ownership?.releaseBoard(boardId);
    })()
      .catch((error: unknown) => this.log.error({ boardId, err: error }, 'could not give up a board cleanly'))
      .finally(() => this.releasing.delete(boardId));
    this.releasing.set(boardId, done);
  }

  /** Takes the board's lease, once for all its documents; resolves at once for a store of one process. */
  private claim(boardId: BoardId): Promise<void> {
    const ownership = this.ownership;
    if (!ownership) return Promise.resolve();
    const existing = this.leases.get(boardId);
    if (existing) return existing;
    const claiming = (async () => {
      await this.releasing.get(boardId);
      const claimed = await ownership.claimBoard(boardId, this.leaseMs);
      if (!claimed) throw new BoardElsewhereError(boardId);
      this.log.debug({ boardId, epoch: claimed.epoch }, 'claimed a board');
    })();
    this.leases.set(boardId, claiming);
    claiming.catch(() => {
      if (this.leases.get(boardId) === claiming) this.leases.delete(boardId);
    });
    return claiming;
  }

  /** Extends every lease held; a board whose lease another process took is given up. */
  private async renewLeases(): Promise<void> {
    const ownership = this.ownership;
    if (!ownership || this.shuttingDown) return;
    const held: BoardId[] = [];
    const claims = new Map<BoardId, Promise<void>>();
    for (const [boardId, claiming] of this.leases) {
      // Only claims that succeeded: one still in flight is renewed next time.
      if (await isSettledOk(claiming)) {
        held.push(boardId);
        claims.set(boardId, claiming);
      }
    }
    if (held.length === 0) return;
    let renewed: Set<BoardId>;
    try {
      renewed = await ownership.renewBoards(held, this.leaseMs);
    } catch (error) {
      // The database did not answer: the appends stay fenced, and the next renewal tries again.
      this.log.error({ err: error }, 'could not renew the boards\' leases');
      return;
    }
    for (const boardId of held) if (!renewed.has(boardId) && this.leases.get(boardId) === claims.get(boardId)) this.giveUp(boardId);
  }

  /** Lets a lease go; a failure only means the next owner waits for it to expire. */
  private async releaseLease(boardId: BoardId): Promise<void> {
    try {
      await this.ownership?.releaseBoard(boardId);
    } catch (error) {
      this.log.error({ boardId, err: error }, 'could not release a board\'s lease');
    }
  }

  /** Once nothing of a board is loaded, loading or unloading, its lease goes, so that any process may serve it next. */
  private releaseIfUnused(boardId: BoardId): void {
    if (!this.ownership || !this.leases.has(boardId) || this.releasing.has(boardId)) return;
    if (this.loadedDocumentsOf(boardId).length > 0) return;
    for (const name of this.unloading.keys()) if (parseDocumentName(name).boardId === boardId) return;
    this.leases.delete(boardId);
    const releasing = this.releaseLease(boardId).finally(() => this.releasing.delete(boardId));
    this.releasing.set(boardId, releasing);
  }

  private cancelUnload(name: DocumentName): void {
    const timer = this.unloadTimers.get(name);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(name);
    }
  }

  private async open(board: BoardRecord, name: DocumentName): Promise<Room> {
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const loading = (async () => {
      await this.unloading.get(name);
      // Served by one process at a time: its lease first, before anything of the board is read (docs/storage.md).
      await this.claim(board.id);
      const policy = parseDocumentName(name).participantId ? privatePolicy : boardPolicy(board);
      const room = new Room(name, policy, this.store, this.log, this.options, this.fanout, (failed, error) => {
        this.forget(failed);
        if (error instanceof OwnershipLostError) this.giveUp(board.id);
      });
      await room.load();
      for (const listener of this.loadedListeners) listener(room, board);
      return room;
    })();
    this.rooms.set(name, loading);
    loading.catch(() => {
      if (this.rooms.get(name) === loading) {
        this.rooms.delete(name);
        // A board that could not be claimed or loaded keeps no lease for nothing.
        this.releaseIfUnused(board.id);
      }
    });
    return loading;
  }

  private scheduleUnloadIfUnused(room: Room): void {
    if (room.inUse || this.shuttingDown) return;
    this.cancelUnload(room.name);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.name);
      if (!room.inUse) void this.unload(room);
    }, this.options.unloadGraceMs);
    timer.unref();
    this.unloadTimers.set(room.name, timer);
  }

  private async unload(room: Room): Promise<void> {
    const current = this.rooms.get(room.name);
    if (!current || (await current) !== room || room.inUse) return;
    this.rooms.delete(room.name);
    const closing = room
      .close()
      .catch((error: unknown) => this.log.error({ room: room.name, err: error }, 'could not store board on unload'))
      .finally(() => {
        this.unloading.delete(room.name);
        this.releaseIfUnused(parseDocumentName(room.name).boardId);
      });
    this.unloading.set(room.name, closing);
    await closing;
  }

  private forget(room: Room): void {
    void this.rooms.get(room.name)?.then((current) => {
      if (current !== room) return;
      this.rooms.delete(room.name);
      this.releaseIfUnused(parseDocumentName(room.name).boardId);
    });
  }
}

/** Whether a promise has already settled successfully, without waiting for one still pending. */
async function isSettledOk(promise: Promise<void>): Promise<boolean> {
  const pending = Symbol('pending');
  try {
    return (await Promise.race([promise, Promise.resolve(pending)])) !== pending;
  } catch {
    return false;
  }
}
