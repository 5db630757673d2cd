/**
 * The server's own work per update in many small rooms, without sockets, the
 * figures in docs/performance.md ("Left, and why"):
 *   node --import tsx scripts/measure-room-updates.ts [rooms] [turns]
 * Opens `rooms` rooms (default 300) on a SQLite store in a temporary folder,
 * each with three connections whose sockets only count what they are sent;
 * then, `turns` times (default 100), one note edit arrives in every room and
 * every room's pipeline runs to its broadcast (the write guard, Yjs, the
 * durable append on the writer thread). Prints the CPU per update, the
 * writer thread's included. Add `--cpu-prof` before `--import` for a profile
 * of where it goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import pino from 'pino';
import { DEFAULT_CONFIG } from '../server/config';
import { SqliteStorage } from '../server/persistence/sqlite';
import type { BoardRecord, DocumentName } from '../server/persistence/types';
import type { RoomConnection } from '../server/rooms/connection';
import { singleProcessFanout } from '../server/rooms/fanout';
import { boardPolicy } from '../server/rooms/policies';
import { Room } from '../server/rooms/room';
import { addNote, updateNote } from '../shared/document/notes';
import { encodeSyncUpdate } from '../shared/protocol';
import type { BoardId, ParticipantId } from '../shared/schema/ids';

const ROOMS = Number(process.argv[2] ?? 300);
const TURNS = Number(process.argv[3] ?? 100);
const WARM_TURNS = 20;

const log = pino({ level: 'silent' });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-measure-'));
const store = new SqliteStorage(dataDir);
let sends = 0;
const countingSocket = () => ({ readyState: 1, OPEN: 1, bufferedAmount: 0, send: () => void sends++, close() {}, terminate() {} });

const rooms: { room: Room; writer: RoomConnection; doc: Y.Doc; note: ReturnType<typeof addNote> }[] = [];
for (let r = 0; r < ROOMS; r++) {
  const hash = Buffer.alloc(32);
  const board: BoardRecord = { id: `measure-board-${r}` as BoardId, title: 'x', createdAt: Date.now(), joinCode: null, tokenHashes: { facilitator: hash, participant: hash, viewer: hash } };
  await store.createBoard(board, Y.encodeStateAsUpdate(new Y.Doc()));
  const room = new Room(board.id as DocumentName, boardPolicy(board), store, log, DEFAULT_CONFIG, singleProcessFanout, () => {});
  await room.load();
  // The writer is the facilitator, who may move any note; the others read.
  const connections = Array.from(
    { length: 3 },
    (_, i): RoomConnection => ({ socket: countingSocket() as never, role: i === 0 ? 'facilitator' : 'participant', participantId: `p${i}` as ParticipantId, displayName: 'P', colour: '#005eb8' }),
  );
  for (const connection of connections) room.join(connection);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  const note = addNote(doc, { x: 1, y: 1, text: 'rotas six weeks ahead', authorId: null, authorName: 'W' });
  room.receive(connections[0]!, encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
  await room.settle();
  rooms.push({ room, writer: connections[0]!, doc, note });
}

/** One edit in every room, as the benchmark's writers make them (a move, every fourth a text edit), then every pipeline to its broadcast. */
async function turn(k: number): Promise<void> {
  for (const { room, writer, doc, note } of rooms) {
    const before = Y.encodeStateVector(doc);
    if (k % 4 === 0) updateNote(doc, note, { text: `edit ${k}` });
    else updateNote(doc, note, { x: k % 2000, y: k % 1000 });
    room.receive(writer, encodeSyncUpdate(Y.encodeStateAsUpdate(doc, before)));
  }
  await Promise.all(rooms.map(({ room }) => room.settle()));
}

for (let k = 0; k < WARM_TURNS; k++) await turn(k);
sends = 0;
const started = process.cpuUsage();
for (let k = 0; k < TURNS; k++) await turn(WARM_TURNS + k);
const used = process.cpuUsage(started);
const open = rooms.reduce((sum, { room }) => sum + room.connectionCount, 0);
const updates = ROOMS * TURNS;
console.log(
  `${ROOMS} rooms, ${TURNS} turns: ${((used.user + used.system) / updates).toFixed(1)} µs of CPU an update (${(used.system / updates).toFixed(1)} µs of it in the kernel), the client's edit included; ${sends} sends; ${open} of ${ROOMS * 3} connections still open`,
);
// The rooms are dropped with the process; only the store is closed, so its writer thread ends.

await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });
