import type { WebSocket } from 'ws';
import type { ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';

/** One socket in a room, with what the upgrade check decided about it. */
export interface RoomConnection {
  readonly socket: WebSocket;
  readonly role: Role;
  readonly participantId: ParticipantId | null;
  /** The name and colour the person registered with: what others see in presence, whatever the client claims. */
  readonly displayName: string | null;
  readonly colour: string | null;
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
 * Sends a binary message unless the socket is already closing; a failed send
 * closes it. A socket that has stopped reading (more than `maxBufferedBytes`
 * already queued to it) is dropped rather than let the server's memory
 * grow: its client reconnects and resyncs what it missed. One message is
 * always let through, however large, so a big board still reaches a newcomer.
 */
export function sendTo(connection: RoomConnection, message: Uint8Array, maxBufferedBytes = Infinity, { inFragments = false } = {}): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  const outbox = outboxes.get(socket);
  if (socket.bufferedAmount + (outbox?.queuedBytes ?? 0) > maxBufferedBytes) {
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
