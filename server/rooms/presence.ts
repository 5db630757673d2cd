import type { Logger } from 'pino';
import { CloseCode, decodeAwarenessState, encodeAwarenessJsonMessage, readAwarenessEntries } from '../../shared/protocol';
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
  /** Sends to every socket in the room but `except` (when given). */
  broadcast(message: Uint8Array, except: RoomConnection | null): void;
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

/** What the room keeps of one awareness client id: its clock, and its state as others are sent it (null once it left). */
interface PresenceEntry {
  clock: number;
  state: Presence | null;
  /** The state's JSON, written once when it is published and sent as it is to everyone after. */
  json: string;
}

/**
 * A room's presence (awareness): never stored, and only what the server
 * lets each socket say. Each state others receive is rebuilt by the server
 * from the layout in docs/document-layout.md (Presence): the user stamped
 * from the connection and a cursor on the board, nothing else the client
 * sent. So what a newcomer downloads is bounded by the number of sockets,
 * not by what they publish.
 *
 * It follows y-protocols' awareness rules for clocks (a state replaces an
 * older one; a removal with the same clock removes it) but keeps the states
 * itself: each state is parsed once and written once, where y-protocols'
 * Awareness would parse and compare it again and write it again for every
 * message, and runs a timer per room (docs/server-promises.md, Presence).
 * A state stays until its socket leaves or removes it: the heartbeat drops
 * a socket that went away without closing.
 */
export class RoomPresence {
  private readonly entries = new Map<number, PresenceEntry>();
  /**
   * Which socket last published each awareness client id: its presence is
   * removed for everyone when that socket leaves. A browser that reconnects
   * keeps its client id; when its old socket's close arrives late, only ids
   * that socket still owns are removed, so the person stays present.
   */
  private readonly owners = new Map<number, RoomConnection>();
  /** The client ids each socket has published over its life (see PRESENCE_CLIENT_IDS_PER_CONNECTION). */
  private readonly publishedBy = new WeakMap<RoomConnection, Set<number>>();
  /** Presence changed this turn, sent together at its end (see flush), with the socket that changed it. */
  private readonly changed = new Map<number, RoomConnection | null>();
  private flushScheduled = false;
  private lastFlush = -Infinity;
  private destroyed = false;

  constructor(
    private readonly options: PresenceOptions,
    private readonly transport: PresenceTransport,
    private readonly log: Logger,
    private readonly roomName: string,
  ) {}

  /** Everyone's current state, by awareness client id (for diagnostics and tests). */
  getStates(): Map<number, Presence> {
    const states = new Map<number, Presence>();
    for (const [clientId, { state }] of this.entries) if (state) states.set(clientId, state);
    return states;
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
    const accepted: { clientId: number; clock: number; state: Presence | null }[] = [];
    // Read an entry at a time: reading stops at the first oversized state, whatever follows it.
    for (const { clientId, clock, stateJson } of readAwarenessEntries(update)) {
      if (stateJson.byteLength > this.options.maxPresenceBytes) {
        this.log.warn({ room: this.roomName, role: connection.role, bytes: stateJson.byteLength }, 'closed a connection that published oversized presence');
        this.transport.close(connection, CloseCode.messageTooBig, `Presence is limited to ${this.options.maxPresenceBytes} bytes`);
        return;
      }
      // Parsed whatever becomes of it, so an entry that is not JSON is malformed wherever it is.
      const claimed = decodeAwarenessState(stateJson);
      const current = this.entries.get(clientId);
      // Removing what is not there would only leave a clock behind for that id.
      if (claimed === null && !current?.state) continue;
      // y-protocols' rule: a newer clock replaces the state; the same clock may only remove it.
      const currentClock = current?.clock ?? 0;
      if (!(currentClock < clock || (currentClock === clock && claimed === null))) continue;
      if (!this.mayPublish(connection, clientId)) continue;
      accepted.push({ clientId, clock, state: claimed === null ? null : publishedPresence(connection, clientId, claimed) });
    }
    for (const { clientId, clock, state } of accepted) {
      this.entries.set(clientId, { clock, state, json: JSON.stringify(state) });
      if (state) this.owners.set(clientId, connection);
      else if (this.owners.get(clientId) === connection) this.owners.delete(clientId);
      this.markChanged(clientId, connection);
    }
  }

  /** Sends a socket everyone's presence: a newcomer's greeting, or the answer to a query. */
  sendStates(connection: RoomConnection): void {
    const present = [...this.entries].filter(([, entry]) => entry.state !== null).map(([clientId]) => clientId);
    if (present.length === 0) return;
    this.transport.send(connection, this.statesMessage(present));
  }

  /** Removes, for everyone, the presence a socket that left still owned. */
  leave(connection: RoomConnection): void {
    for (const [clientId, owner] of [...this.owners]) {
      if (owner !== connection) continue;
      this.owners.delete(clientId);
      const entry = this.entries.get(clientId);
      if (!entry?.state) continue;
      // A newer clock, as y-protocols' removeAwarenessStates gives it, so that every client drops the state.
      this.entries.set(clientId, { clock: entry.clock + 1, state: null, json: 'null' });
      this.markChanged(clientId, null);
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.entries.clear();
    this.owners.clear();
    this.changed.clear();
  }

  /** An awareness message holding these client ids' states, each written as it was when published. */
  private statesMessage(clientIds: readonly number[]): Uint8Array {
    return encodeAwarenessJsonMessage(
      clientIds.map((clientId) => {
        const { clock, json } = this.entries.get(clientId)!;
        return { clientId, clock, json };
      }),
    );
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

  /** Queues a client id's state to go out with this turn's (in a big room, this frame's) presence. */
  private markChanged(clientId: number, by: RoomConnection | null): void {
    // Changed by two sockets in one turn: the message goes to both (see flush).
    this.changed.set(clientId, this.changed.has(clientId) && this.changed.get(clientId) !== by ? null : by);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.transport.size > PRESENCE_THROTTLE_MIN_CONNECTIONS ? this.lastFlush + PRESENCE_FLUSH_INTERVAL_MS - performance.now() : 0;
    if (wait > 0) setTimeout(this.flush, wait);
    else setImmediate(this.flush);
  }

  /**
   * Sends every presence change of one event-loop turn (in a big room, of
   * one frame) as one message: with a hundred pointers moving, each socket
   * gets one message, not one per pointer. Each person's latest state is
   * what goes out; presence has no history to keep. When one socket made
   * every change, it is not sent its own state back: it has it, and in a
   * small room that is a third of the sends.
   */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.destroyed || this.changed.size === 0) return;
    this.lastFlush = performance.now();
    const publishers = new Set(this.changed.values());
    const ids = [...this.changed.keys()];
    this.changed.clear();
    const only = publishers.size === 1 ? [...publishers][0]! : null;
    this.transport.broadcast(this.statesMessage(ids), only);
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
