import type { Logger } from 'pino';
import type { BoardId } from '../../shared/schema/ids';
import { CloseCode } from '../../shared/protocol';
import type { BoardRecord, DocumentStore } from '../persistence/types';
import type { RoomConnection } from './connection';
import { Room, type RoomOptions } from './room';
import type { BoardFanout } from './fanout';

/** Settings of the registry, from the server configuration. */
export interface RoomRegistryOptions extends RoomOptions {
  /** How long a room with no one in it stays loaded, so a reload does not pay a cold load. */
  unloadGraceMs: number;
}

/**
 * The open rooms, one per board with someone on it. A room is loaded on its
 * first connection and unloaded (compacted into a snapshot, then freed) once
 * its last connection has been gone for the grace period.
 */
export class RoomRegistry {
  private readonly rooms = new Map<BoardId, Promise<Room>>();
  /** Rooms being unloaded: a newcomer waits for the snapshot before loading again. */
  private readonly unloading = new Map<BoardId, Promise<void>>();
  private readonly unloadTimers = new Map<BoardId, NodeJS.Timeout>();
  private shuttingDown = false;

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

  /** Puts a socket into its board's room, loading the room if need be. */
  async connect(board: BoardRecord, connection: RoomConnection): Promise<void> {
    if (this.shuttingDown) {
      connection.socket.close(CloseCode.goingAway, 'Server restarting');
      return;
    }
    const timer = this.unloadTimers.get(board.id);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(board.id);
    }
    let room: Room;
    try {
      // A room that began unloading while we waited refuses the join; the
      // next open waits for its snapshot and loads a fresh one.
      do {
        room = await this.open(board);
        if (connection.socket.readyState !== connection.socket.OPEN) {
          // The socket went away while the room loaded.
          this.scheduleUnloadIfEmpty(room);
          return;
        }
      } while (!room.join(connection));
    } catch (error) {
      this.log.error({ boardId: board.id, err: error }, 'could not load board');
      connection.socket.close(CloseCode.serverError, 'Could not load the board');
      return;
    }
    connection.socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        connection.socket.close(CloseCode.malformedMessage, 'Binary messages only');
        return;
      }
      room.receive(connection, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    connection.socket.once('close', () => {
      room.leave(connection);
      this.scheduleUnloadIfEmpty(room);
    });
  }

  /** The loaded room of a board, if any (for tests and diagnostics). */
  async get(boardId: BoardId): Promise<Room | undefined> {
    return this.rooms.get(boardId);
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
      ...rooms.map(async ([boardId, loading]) => {
        try {
          const room = await loading;
          await room.close(CloseCode.goingAway, 'Server restarting');
        } catch (error) {
          this.log.error({ boardId, err: error }, 'could not store board at shutdown');
        }
      }),
    ]);
  }

  private async open(board: BoardRecord): Promise<Room> {
    const existing = this.rooms.get(board.id);
    if (existing) return existing;
    const loading = (async () => {
      await this.unloading.get(board.id);
      const room = new Room(board.id, board, this.store, this.log, this.options, this.fanout, (failed) =>
        this.forget(failed),
      );
      await room.load();
      return room;
    })();
    this.rooms.set(board.id, loading);
    loading.catch(() => {
      if (this.rooms.get(board.id) === loading) this.rooms.delete(board.id);
    });
    return loading;
  }

  private scheduleUnloadIfEmpty(room: Room): void {
    if (room.connectionCount > 0 || this.shuttingDown) return;
    const existing = this.unloadTimers.get(room.boardId);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.boardId);
      if (room.connectionCount === 0) void this.unload(room);
    }, this.options.unloadGraceMs);
    timer.unref();
    this.unloadTimers.set(room.boardId, timer);
  }

  private async unload(room: Room): Promise<void> {
    const current = this.rooms.get(room.boardId);
    if (!current || (await current) !== room || room.connectionCount > 0) return;
    this.rooms.delete(room.boardId);
    const closing = room
      .close()
      .catch((error: unknown) => this.log.error({ boardId: room.boardId, err: error }, 'could not store board on unload'))
      .finally(() => this.unloading.delete(room.boardId));
    this.unloading.set(room.boardId, closing);
    await closing;
  }

  private forget(room: Room): void {
    void this.rooms.get(room.boardId)?.then((current) => {
      if (current === room) this.rooms.delete(room.boardId);
    });
  }
}
