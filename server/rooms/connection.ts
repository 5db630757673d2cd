import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol';
import type { ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';
import type { BoardRecord, DocumentName, ParticipantRecord } from '../persistence/types';
import type { RoomRegistry } from './registry';

/**
 * A sync socket's life, from the upgrade the server accepted to its close:
 * the heartbeat, the error listener, the per-connection rate limit, the
 * check that frames are binary, and sending with the slow-reader limit and
 * fragments. What the frames say is the room's business (server/rooms/room.ts);
 * who may open a socket is decided before it exists (server/auth/upgrade.ts).
 */

/** One socket in a room, with what the upgrade check decided about it. */
export interface RoomConnection {
  readonly socket: WebSocket;
  readonly role: Role;
  readonly participantId: ParticipantId | null;
  /** The name and colour the person registered with: what others see in presence, whatever the client claims. */
  readonly displayName: string | null;
  readonly colour: string | null;
}

/** Settings of the sync sockets, from the server configuration. */
export interface ConnectionOptions {
  /** The largest message a client may send; a larger one closes its socket with 1009 (ws's own default is 100 MiB). */
  maxMessageBytes: number;
  /** How often every socket is pinged; one that has not answered the last ping by then is dropped. */
  heartbeatIntervalMs: number;
  /** Each connection's message allowance (see TokenBucket). */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
}

/** What the upgrade check found about a request it let through: the board, the document it opens, and who it is. */
export interface AcceptedUpgrade {
  board: BoardRecord;
  name: DocumentName;
  role: Role;
  participant: ParticipantRecord | null;
}

/** The server's sync sockets: it completes the upgrades the auth check accepted and keeps each socket until it closes. */
export class Connections {
  private readonly wss: WebSocketServer;
  /** Sockets that answered the last ping (or opened since). */
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly log: Logger,
    private readonly options: ConnectionOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
    // A browser that vanishes without a close frame is found by the heartbeat and dropped.
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, options.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Completes an upgrade the auth check accepted and puts the socket into its document's room. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, upgrade: AcceptedUpgrade): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.open(ws, upgrade));
  }

  /** Stops pinging: the server is closing, and the rooms close their sockets with their own codes. */
  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
  }

  /** Drops every socket still open and stops accepting upgrades. */
  close(): void {
    this.stopHeartbeat();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private async open(ws: WebSocket, { board, name, role, participant }: AcceptedUpgrade): Promise<void> {
    // Before anything else: a socket's error with no listener would crash the process (a message over the size limit is one).
    ws.on('error', (error) => this.log.debug({ err: error.message }, 'socket error'));
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const connection: RoomConnection = {
      socket: ws,
      role,
      participantId: participant?.id ?? null,
      displayName: participant?.displayName ?? null,
      colour: participant?.colour ?? null,
    };
    // Paused while the room is joined: what the client sends meanwhile (its sync step 1, at once) waits
    // in the socket instead of reaching no listener. Loading a document can take longer than a client
    // takes to speak, always so from a store over the network (docs/storage.md).
    ws.pause();
    const room = await this.rooms.connect(board, connection, name);
    if (!room) {
      // Refused: the room closed the socket; reading on lets the close handshake finish.
      ws.resume();
      return;
    }
    const allowance = new TokenBucket(this.options.rateLimitPerSecond, this.options.rateLimitBurst);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!allowance.take()) {
        if (ws.readyState === ws.OPEN) {
          this.log.warn({ room: name, role }, 'closed a connection that sent messages too fast');
          ws.close(CloseCode.rateLimited, 'Too many messages: slow down');
        }
        return;
      }
      if (!isBinary) {
        ws.close(CloseCode.malformedMessage, 'Binary messages only');
        return;
      }
      room.receive(connection, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    ws.once('close', () => this.rooms.disconnect(room, connection));
    ws.resume();
  }
}

/**
 * A token bucket: up to `burst` messages at once, refilled at `perSecond`.
 * One per connection, so a client that floods the server is stopped without
 * slowing anyone else.
 */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Closes a socket saying why: a close frame holds at most 123 bytes of reason. */
export function closeConnection(connection: RoomConnection, code: number, reason: string): void {
  connection.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
}

/**
 * A newcomer's copy of the board, when larger than this, leaves as WebSocket
 * fragments of this size, one per event-loop turn. The kernel takes a whole
 * write at once on a fast link (on loopback it even delivers it within the
 * call): a 4 MB board in one write kept the server from everyone else for as
 * long as that took, and a fragment takes a fraction of it (the big-board
 * scenario of `npm run bench`: "longest probe echo during a join"). Every WebSocket
 * client reassembles fragments into the one message. Broadcasts are not
 * fragmented: at one fragment a turn, a run of large ones (a pasted list)
 * would queue up for every socket faster than it drained.
 */
export const FRAGMENT_BYTES = 64 * 1024;

/** What waits to be sent on a socket behind a message that is going out in fragments, in order. */
interface Outbox {
  queue: Uint8Array[];
  queuedBytes: number;
}

/** Sockets in the middle of a fragmented message: nothing else may go out on them until it ends. */
const outboxes = new WeakMap<WebSocket, Outbox>();

/**
 * How much more than the buffered limit each socket may have waiting: the
 * size of the document it was sent when it synced (see sendDocument), which
 * a phone on a slow line may still be receiving when the next change is
 * broadcast.
 */
const documentAllowances = new WeakMap<WebSocket, number>();

/**
 * Sends a binary message unless the socket is already closing; a failed send
 * closes it. A socket that has stopped reading (more than `maxBufferedBytes`,
 * plus its document allowance, already queued to it) is dropped rather than
 * let the server's memory grow: its client reconnects and resyncs what it
 * missed. One message is always let through, however large, so a big board
 * still reaches a newcomer.
 */
export function sendTo(connection: RoomConnection, message: Uint8Array, maxBufferedBytes = Infinity, { inFragments = false } = {}): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  const outbox = outboxes.get(socket);
  if (socket.bufferedAmount + (outbox?.queuedBytes ?? 0) > maxBufferedBytes + (documentAllowances.get(socket) ?? 0)) {
    // terminate, not close: a close frame would only queue behind what it is not reading.
    socket.terminate();
    return;
  }
  if (outbox) {
    outbox.queue.push(message);
    outbox.queuedBytes += message.byteLength;
  } else if (inFragments && message.byteLength > FRAGMENT_BYTES) {
    sendInFragments(socket, message, { queue: [], queuedBytes: 0 });
  } else {
    socket.send(message, terminateOnError(socket));
  }
}

/**
 * Sends a socket its copy of the document (a sync step 2), in fragments when
 * it is large; from then on the socket may have that much more waiting
 * before it counts as a slow reader.
 */
export function sendDocument(connection: RoomConnection, message: Uint8Array, maxBufferedBytes: number): void {
  const { socket } = connection;
  documentAllowances.set(socket, Math.max(documentAllowances.get(socket) ?? 0, message.byteLength));
  sendTo(connection, message, maxBufferedBytes, { inFragments: true });
}

function terminateOnError(socket: WebSocket): (error?: Error) => void {
  return (error) => {
    if (error) socket.terminate();
  };
}

/** Sends a message fragment by fragment, a turn apart, then whatever was queued behind it. */
function sendInFragments(socket: WebSocket, message: Uint8Array, outbox: Outbox): void {
  outboxes.set(socket, outbox);
  const sendFrom = (offset: number): void => {
    if (socket.readyState !== socket.OPEN) {
      outboxes.delete(socket);
      return;
    }
    const end = Math.min(offset + FRAGMENT_BYTES, message.byteLength);
    const fin = end === message.byteLength;
    socket.send(message.subarray(offset, end), { binary: true, fin }, terminateOnError(socket));
    if (!fin) {
      setImmediate(sendFrom, end);
      return;
    }
    outboxes.delete(socket);
    for (const next of outbox.queue) socket.send(next, terminateOnError(socket));
  };
  sendFrom(0);
}
