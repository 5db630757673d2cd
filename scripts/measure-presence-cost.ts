/**
 * The server's own work per cursor message, the figure in docs/performance.md
 * ("Changed", presence):
 *   node --import tsx scripts/measure-presence-cost.ts
 * 1,000 rooms of three, each person's cursor arriving once a turn, through
 * RoomPresence (server/rooms/presence.ts) with sockets that only count what
 * they are sent. Prints the CPU per message, less the cost of making the
 * messages (which a client pays, not the server). CPU time on a shared
 * machine: compare runs made one after the other.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import pino from 'pino';
import { RoomPresence } from '../server/rooms/presence';
import type { RoomConnection } from '../server/rooms/connection';
import { decodeMessage, encodeAwarenessMessage } from '../shared/protocol';
import type { ParticipantId } from '../shared/schema/ids';

const ROOMS = 1000;
const PEOPLE = 3;
const WARM_TURNS = 20;
const TURNS = 100;

const log = pino({ level: 'silent' });
let sent = 0;
const rooms = Array.from({ length: ROOMS }, (_, r) => {
  const connections = Array.from(
    { length: PEOPLE },
    (_, i): RoomConnection => ({ socket: null as never, role: 'participant', participantId: `p${r}-${i}` as ParticipantId, displayName: `Person ${i}`, colour: '#005eb8' }),
  );
  const present = new Set(connections);
  const presence = new RoomPresence(
    { maxPresenceBytes: 4096 },
    {
      has: (connection) => present.has(connection),
      get size() {
        return present.size;
      },
      send: () => void sent++,
      broadcast: (_message, except) => void (sent += present.size - (except ? 1 : 0)),
      close: () => {},
    },
    log,
    `room-${r}`,
  );
  const clients = connections.map(() => new awarenessProtocol.Awareness(new Y.Doc()));
  return { presence, connections, clients };
});

/** A client's awareness update moving its cursor to (x, 2x), as it arrives on the server. */
function cursorUpdate(client: awarenessProtocol.Awareness, x: number): Uint8Array {
  client.setLocalState({ user: { name: 'someone' }, cursor: { x, y: x * 2 } });
  const message = decodeMessage(encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID])));
  if (message.type !== 'awareness') throw new Error('not an awareness message');
  return message.update;
}

async function turn(x: number): Promise<void> {
  for (const room of rooms) room.connections.forEach((connection, i) => room.presence.apply(connection, cursorUpdate(room.clients[i]!, x)));
  // Presence goes out at the end of the turn (setImmediate): let it.
  await new Promise((resolve) => setImmediate(resolve));
}

for (let x = 0; x < WARM_TURNS; x++) await turn(x);
sent = 0;
const before = process.cpuUsage();
for (let x = 0; x < TURNS; x++) await turn(WARM_TURNS + x);
const total = process.cpuUsage(before);
const making = process.cpuUsage();
for (let x = 0; x < TURNS; x++) for (const room of rooms) room.clients.forEach((client) => cursorUpdate(client, x));
const madeIn = process.cpuUsage(making);
const messages = TURNS * ROOMS * PEOPLE;
const perMessage = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / messages;
console.log(
  `${ROOMS} rooms of ${PEOPLE}: ${perMessage(total).toFixed(2)} µs of CPU a cursor message, of which making the message ${perMessage(madeIn).toFixed(2)} µs: the server's part ${(perMessage(total) - perMessage(madeIn)).toFixed(2)} µs; ${sent} sends`,
);
for (const room of rooms) {
  room.presence.destroy();
  for (const client of room.clients) client.destroy();
}
