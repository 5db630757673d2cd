import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Logger } from 'pino';
import {
  type AwarenessEntry,
  CloseCode,
  decodeAwarenessState,
  encodeAwarenessMessage,
  encodeAwarenessUpdate,
  readAwarenessEntries,
} from '../../shared/protocol';
import { presenceCursorSchema, presenceUser, type Presence } from '../../shared/schema/presence';
import type { RoomConnection } from './connection';

/** Settings of a room's presence, from the server configuration. */
export interface PresenceOptions {
  /** The largest state one client id may publish, in bytes of JSON; a larger one closes its socket with 1009. */
  maxPresenceBytes: number;
}

/** How presence reaches the room's sockets: the room owns them and their send queues. */
export interface PresenceTransport {
  /** True while the connection is in the room. */
  has(connection: RoomConnection): boolean;
  /** How many sockets are in the room. */
  readonly size: number;
  send(connection: RoomConnection, message: Uint8Array): void;
  broadcast(message: Uint8Array): void;
  /** Takes a connection out of the room and closes it with a code and a reason. */
  close(connection: RoomConnection, code: number, reason: string): void;
}

/**
 * The most awareness client ids one socket may speak for over its life. The
 * y-websocket provider publishes one (its document's client id, which a
 * browser keeps when it reconnects, on a new socket); the second is slack.
 * Entries for further ids are ignored rather than closing the socket: they
 * cost the server nothing once ignored, and a well-formed message is not a
 * malformed one (docs/server-promises.md, Presence).
 */
const PRESENCE_CLIENT_IDS_PER_CONNECTION = 2;

/**
 * A room with more sockets than this sends presence at most once a frame
 * (PRESENCE_FLUSH_INTERVAL_MS): each presence broadcast costs one write per
 * socket, so with a hundred pointers moving the sends, not the pointers,
 * would take the server's time. Smaller rooms send presence every turn.
 */
const PRESENCE_THROTTLE_MIN_CONNECTIONS = 10;
/** One frame at 60 Hz: a pointer that moves no more often than this still looks smooth. */
const PRESENCE_FLUSH_INTERVAL_MS = 16;

/**
 * A room's presence (awareness): never stored, and only what the server
 * lets each socket say. Each state others receive is rebuilt by the server
 * from the layout in docs/document-layout.md (Presence): the user stamped
 * from the connection and a cursor on the board, nothing else the client
 * sent. So what a newcomer downloads is bounded by the number of sockets,
 * not by what they publish.
 */
export class RoomPresence {
  /** The room's awareness; the server publishes no presence of its own. */
  readonly awareness: awarenessProtocol.Awareness;
  /**
   * Which socket last published each awareness client id: its presence is
   * removed for everyone when that socket leaves. A browser that reconnects
   * keeps its client id; when its old socket's close arrives late, only ids
   * that socket still owns are removed, so the person stays present.
   */
  private readonly owners = new Map<number, RoomConnection>();
  /** The client ids each socket has published over its life (see PRESENCE_CLIENT_IDS_PER_CONNECTION). */
  private readonly publishedBy = new WeakMap<RoomConnection, Set<number>>();
  /** Presence changed this turn, sent together at its end (see flush). */
  private readonly changed = new Set<number>();
  private flushScheduled = false;
  private lastFlush = -Infinity;
  private destroyed = false;

  constructor(
    doc: Y.Doc,
    private readonly options: PresenceOptions,
    private readonly transport: PresenceTransport,
    private readonly log: Logger,
    private readonly roomName: string,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.handleUpdate);
  }

  /**
   * Applies a client's awareness update, keeping only what is its own to
   * say. Every entry is read (a state that is not JSON throws, and the room
   * closes the socket as malformed); a state over `maxPresenceBytes` closes
   * the socket with 1009 and nothing of the message is applied. Entries for
   * client ids another connection owns are dropped (nobody sets or removes
   * someone else's presence, unless it is the same person on a newer
   * socket), as are ids past the socket's allowance; each state kept is
   * rebuilt from its user (stamped from the connection) and its cursor.
   */
  apply(connection: RoomConnection, update: Uint8Array): void {
    const entries: AwarenessEntry[] = [];
    // Read an entry at a time: reading stops at the first oversized state, whatever follows it.
    for (const { clientId, clock, stateJson } of readAwarenessEntries(update)) {
      if (stateJson.byteLength > this.options.maxPresenceBytes) {
        this.log.warn({ room: this.roomName, role: connection.role, bytes: stateJson.byteLength }, 'closed a connection that published oversized presence');
        this.transport.close(connection, CloseCode.messageTooBig, `Presence is limited to ${this.options.maxPresenceBytes} bytes`);
        return;
      }
      // Parsed whatever becomes of it, so an entry that is not JSON is malformed wherever it is.
      const claimed = decodeAwarenessState(stateJson);
      // Removing what is not there would only leave a clock behind for that id.
      if (claimed === null && !this.awareness.getStates().has(clientId)) continue;
      if (!this.mayPublish(connection, clientId)) continue;
      entries.push({ clientId, clock, state: claimed === null ? null : publishedPresence(connection, clientId, claimed) });
    }
    if (entries.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(entries), connection);
  }

  /** Sends a socket everyone's presence: a newcomer's greeting, or the answer to a query. */
  sendStates(connection: RoomConnection): void {
    const clientIds = [...this.awareness.getStates().keys()];
    if (clientIds.length === 0) return;
    this.transport.send(connection, this.statesMessage(clientIds));
  }

  /** Removes, for everyone, the presence a socket that left still owned. */
  leave(connection: RoomConnection): void {
    const owned = [...this.owners].filter(([, owner]) => owner === connection).map(([id]) => id);
    for (const id of owned) this.owners.delete(id);
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, connection);
  }

  destroy(): void {
    this.destroyed = true;
    this.awareness.off('update', this.handleUpdate);
    this.awareness.destroy();
    this.owners.clear();
    this.changed.clear();
  }

  /** An awareness message holding these client ids' states, as the server rebuilt them. */
  private statesMessage(clientIds: number[]): Uint8Array {
    return encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds));
  }

  /**
   * Whether the socket may set or remove this client id's presence: an id
   * nobody else holds, within the socket's allowance, or its own person's
   * id taken over from their older socket.
   */
  private mayPublish(connection: RoomConnection, clientId: number): boolean {
    const owner = this.owners.get(clientId);
    // A browser that reconnects keeps its client id: the same person may take it over from their old socket.
    const free = !owner || owner === connection || !this.transport.has(owner) || (owner.participantId !== null && owner.participantId === connection.participantId);
    if (!free) return false;
    let published = this.publishedBy.get(connection);
    if (!published) this.publishedBy.set(connection, (published = new Set()));
    if (published.has(clientId)) return true;
    if (published.size >= PRESENCE_CLIENT_IDS_PER_CONNECTION) {
      this.log.debug({ room: this.roomName, role: connection.role }, 'ignored presence for a client id past the connection’s allowance');
      return false;
    }
    published.add(clientId);
    return true;
  }

  private readonly handleUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    const publisher = this.transport.has(origin as RoomConnection) ? (origin as RoomConnection) : null;
    if (publisher) {
      for (const id of [...added, ...updated]) this.owners.set(id, publisher);
      for (const id of removed) if (this.owners.get(id) === publisher) this.owners.delete(id);
    }
    if (changed.length === 0) return;
    for (const id of changed) this.changed.add(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.transport.size > PRESENCE_THROTTLE_MIN_CONNECTIONS ? this.lastFlush + PRESENCE_FLUSH_INTERVAL_MS - performance.now() : 0;
    if (wait > 0) setTimeout(this.flush, wait);
    else setImmediate(this.flush);
  };

  /**
   * Sends every presence change of one event-loop turn (in a big room, of
   * one frame) as one message: with a hundred pointers moving, each socket
   * gets one message, not one per pointer. Each person's latest state is
   * what goes out; presence has no history to keep.
   */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.destroyed || this.changed.size === 0) return;
    this.lastFlush = performance.now();
    const ids = [...this.changed];
    this.changed.clear();
    this.transport.broadcast(this.statesMessage(ids));
  };
}

/**
 * The state others see for one client id: the user stamped from the
 * connection (the name, colour and role the server gave it, whatever the
 * client claimed) and the claimed cursor when it is a point on the board,
 * else null. Nothing else the client sent is kept, and nothing of it is read
 * deeper than the cursor's two numbers, however deeply it nests.
 */
function publishedPresence(connection: RoomConnection, clientId: number, claimed: unknown): Presence {
  const person = connection.participantId
    ? { participantId: connection.participantId, displayName: connection.displayName ?? '', colour: connection.colour ?? '' }
    : null;
  const claimedCursor = typeof claimed === 'object' && claimed !== null && 'cursor' in claimed ? claimed.cursor : null;
  const cursor = presenceCursorSchema.safeParse(claimedCursor);
  return { user: presenceUser(person, connection.role, clientId), cursor: cursor.success ? cursor.data : null };
}
