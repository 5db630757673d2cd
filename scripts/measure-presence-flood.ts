/**
 * What a newcomer downloads of presence while viewers flood it, the figure
 * behind docs/server-promises.md (Presence):
 *   node --import tsx scripts/measure-presence-flood.ts [sockets] [messages]
 * Starts the server on a free port with a temporary data directory; each of
 * `sockets` viewer sockets (default 2) sends `messages` awareness messages
 * (default 50), one at a time, of 200 client ids with 4 KB states each (800
 * KB a message), then one more socket sends a 1 MB state and another a state
 * nested 1,900 deep. A newcomer then joins; the script prints the bytes of presence it
 * was greeted with, how long it took to join and sync, and the server's heap
 * growth from the flood.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { startServer } from '../server/app';
import { decodeMessage, encodeAwarenessMessage, encodeAwarenessUpdate, encodeSyncStep1 } from '../shared/protocol';
import { createBoardResponseSchema } from '../shared/schema/api';

const sockets = Number(process.argv[2] ?? 2);
const messages = Number(process.argv[3] ?? 50);
const IDS_PER_MESSAGE = 200;
/** Just under the default MAX_PRESENCE_BYTES, so that each state alone is allowed. */
const STATE_PADDING = 'x'.repeat(4000);

/** An awareness message publishing `states`, one client id each, all at clock 1. */
function awarenessMessage(states: { clientId: number; state: unknown }[]): Uint8Array {
  return encodeAwarenessMessage(encodeAwarenessUpdate(states.map(({ clientId, state }) => ({ clientId, clock: 1, state }))));
}

/** A sync step 1 with an empty state vector: the server answers with step 2 once it has read everything sent before. */
const SYNC_REQUEST = encodeSyncStep1(Y.encodeStateVector(new Y.Doc()));

/** Opens a socket and waits until the server reads what it sends (its answer to a sync request). */
async function ready(url: string): Promise<{ socket: WebSocket; received: Uint8Array[] }> {
  const socket = new WebSocket(url, { maxPayload: 1024 * 1024 * 1024 });
  const received: Uint8Array[] = [];
  socket.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  await answered(socket, received);
  return { socket, received };
}

/** Sends a sync request and resolves at its answer, or when the server closes the socket. */
function answered(socket: WebSocket, received: Uint8Array[]): Promise<void> {
  const since = received.length;
  socket.send(SYNC_REQUEST);
  return new Promise((resolve) => {
    const check = setInterval(() => {
      const done = socket.readyState !== WebSocket.OPEN || received.slice(since).some((m) => decodeMessage(m).type === 'syncStep2');
      if (done) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-presence-'));
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, clientDir: null, logLevel: 'silent' });
try {
  const created = await fetch(`${server.url}/api/boards`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Flood' }) });
  const board = createBoardResponseSchema.parse(await created.json());
  const url = `${server.url.replace(/^http/, 'ws')}/sync/${board.boardId}?token=${board.tokens.viewer}`;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;

  let clientId = 1;
  // Every socket joins before any floods: a newcomer's greeting carries all the presence there is.
  const flooders = await Promise.all(Array.from({ length: sockets }, () => ready(url)));
  const [big, deep] = [await ready(url), await ready(url)];
  for (const flooder of flooders) {
    for (let m = 0; m < messages; m++) {
      flooder.socket.send(awarenessMessage(Array.from({ length: IDS_PER_MESSAGE }, () => ({ clientId: clientId++, state: { cursor: null, padding: STATE_PADDING } }))));
      // One at a time, reading what the server sends back, as a flooder that wants to stay connected would.
      await answered(flooder.socket, flooder.received);
      for (const { received } of [...flooders, big, deep]) received.length = 0;
    }
  }
  big.socket.send(awarenessMessage([{ clientId: clientId++, state: { cursor: null, padding: 'x'.repeat(1024 * 1024) } }]));
  deep.socket.send(awarenessMessage([{ clientId: clientId++, state: { cursor: null, deep: JSON.parse('['.repeat(1900) + ']'.repeat(1900)) as unknown } }]));
  flooders.push(big, deep);
  for (const flooder of flooders) await answered(flooder.socket, flooder.received);
  global.gc?.();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

  const joined = performance.now();
  const newcomer = await ready(url);
  const tookMs = performance.now() - joined;
  const synced = newcomer.socket.readyState === WebSocket.OPEN;
  const presenceBytes = newcomer.received.filter((m) => decodeMessage(m).type === 'awareness').reduce((sum, m) => sum + m.byteLength, 0);
  const sent = sockets * messages * IDS_PER_MESSAGE;
  const stillOpen = flooders.filter(({ socket }) => socket.readyState === WebSocket.OPEN).length;
  console.log(`${sockets} flooding sockets sent ${sent.toLocaleString('en-GB')} presence states of 4 KB (${((sent * 4000) / 1e6).toFixed(0)} MB), one more a 1 MB state, another one nested 1,900 deep; ${stillOpen} of these ${flooders.length} sockets still open`);
  console.log(
    synced
      ? `a newcomer downloaded ${presenceBytes.toLocaleString('en-GB')} bytes of presence with its greeting; joined and synced in ${tookMs.toFixed(0)} ms`
      : `a newcomer was dropped before it synced, ${tookMs.toFixed(0)} ms after joining, having received ${presenceBytes.toLocaleString('en-GB')} bytes of presence (its greeting was more than the server lets queue for one socket)`,
  );
  console.log(`server heap growth after the flood: ${(heapGrowth / 1e6).toFixed(1)} MB${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  for (const { socket } of [...flooders, newcomer]) socket.terminate();
} finally {
  await server.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}
