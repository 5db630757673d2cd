import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol';
import { type BoardRecord, type DocumentName, type DocumentStore, parseDocumentName } from '../persistence/types';
import type { RoomConnection } from './connection';
import { Room, type RoomOptions } from './room';
import type { BoardFanout } from './fanout';
import { boardPolicy, privatePolicy } from './policies';

/** Settings of the registry, from the server configuration. */
export interface RoomRegistryOptions extends RoomOptions {
  /** How long a room with no one in it stays loaded, so a reload does not pay a cold load. */
  unloadGraceMs: number;
}

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

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly options: RoomRegistryOptions,
    private readonly fanout: BoardFanout,
  ) {}

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

  /** Closes every room: stores each as a snapshot and tells clients the server is restarting. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
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
      const policy = parseDocumentName(name).participantId ? privatePolicy : boardPolicy(board);
      const room = new Room(name, policy, this.store, this.log, this.options, this.fanout, (failed) => this.forget(failed));
      await room.load();
      for (const listener of this.loadedListeners) listener(room, board);
      return room;
    })();
    this.rooms.set(name, loading);
    loading.catch(() => {
      if (this.rooms.get(name) === loading) this.rooms.delete(name);
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
      .finally(() => this.unloading.delete(room.name));
    this.unloading.set(room.name, closing);
    await closing;
  }

  private forget(room: Room): void {
    void this.rooms.get(room.name)?.then((current) => {
      if (current === room) this.rooms.delete(room.name);
    });
  }
}
