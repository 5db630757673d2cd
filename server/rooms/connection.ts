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
 * Sends a binary message unless the socket is already closing; a failed send
 * closes it. A socket that has stopped reading (more than `maxBufferedBytes`
 * already queued to it) is dropped rather than let the server's memory
 * grow: its client reconnects and resyncs what it missed. One message is
 * always let through, however large, so a big board still reaches a newcomer.
 */
export function sendTo(connection: RoomConnection, message: Uint8Array, maxBufferedBytes = Infinity): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > maxBufferedBytes) {
    // terminate, not close: a close frame would only queue behind what it is not reading.
    socket.terminate();
    return;
  }
  socket.send(message, (error) => {
    if (error) socket.terminate();
  });
}
