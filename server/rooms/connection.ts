import type { WebSocket } from 'ws';
import type { ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';

/** One socket in a room, with what the upgrade check decided about it. */
export interface RoomConnection {
  readonly socket: WebSocket;
  readonly role: Role;
  readonly participantId: ParticipantId | null;
}

/** Sends a binary message unless the socket is already closing; a failed send closes it. */
export function sendTo(connection: RoomConnection, message: Uint8Array): void {
  const { socket } = connection;
  if (socket.readyState !== socket.OPEN) return;
  socket.send(message, (error) => {
    if (error) socket.terminate();
  });
}
