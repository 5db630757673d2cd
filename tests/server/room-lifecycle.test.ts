import { afterEach, describe, expect, it } from 'vitest';
import { createBoard, eventually, startTestServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/raw-socket';
import { MessageType } from '../../shared/protocol';

const ROOMS = 1000;
const CONCURRENT = 50;
/**
 * What 1,000 rooms may leave behind once all are unloaded. A leaked room
 * (Y.Doc, awareness, socket listeners) costs tens of kilobytes, so a leak of
 * all of them would be tens of megabytes; a few megabytes is allocator noise.
 */
const ALLOWED_HEAP_GROWTH_BYTES = 4 * 1024 * 1024;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with --expose-gc (vite.config.ts sets it for the server project).');
  for (let i = 0; i < 5; i++) gc();
}

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

describe('rooms open and close without leaking', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.stop();
  });

  async function visit(boardId: string, token: string): Promise<void> {
    const client = await RawClient.connect(`${server.wsUrl}/${boardId}?token=${token}`);
    client.requestSync();
    // Wait for the server's greeting so the room really loaded and answered.
    await eventually(() => expect(client.received.some((m) => m[0] === MessageType.sync)).toBe(true), 5000, 2);
    client.close();
    await client.closed();
  }

  it(`returns to its memory baseline after opening and closing ${ROOMS} rooms`, async () => {
    // One address creates them all: the hourly creation limit is lifted for this test.
    server = await startTestServer({ roomUnloadGraceMs: 0, boardCreationsPerHour: ROOMS });
    const boards = [];
    for (let i = 0; i < ROOMS; i++) boards.push(await createBoard(server, `Board ${i}`));

    // Warm up code paths and caches so the baseline is not taken cold.
    for (const board of boards.slice(0, CONCURRENT)) await visit(board.boardId, board.tokens.participant);
    await eventually(() => expect(server.rooms.size).toBe(0));
    const baseline = await settledHeap();

    for (let i = 0; i < boards.length; i += CONCURRENT) {
      await Promise.all(boards.slice(i, i + CONCURRENT).map((b) => visit(b.boardId, b.tokens.participant)));
    }
    await eventually(() => expect(server.rooms.size).toBe(0), 10_000);
    const after = await settledHeap();
    const growth = after - baseline;
    console.log(
      `room leak test: ${ROOMS} rooms opened and closed; heap before ${(baseline / 1048576).toFixed(1)} MiB, after ${(after / 1048576).toFixed(1)} MiB, growth ${(growth / 1024).toFixed(0)} KiB`,
    );
    expect(growth).toBeLessThan(ALLOWED_HEAP_GROWTH_BYTES);
  });

  it('keeps a room loaded through a quick reload and unloads it after the grace period', async () => {
    server = await startTestServer({ roomUnloadGraceMs: 300 });
    const board = await createBoard(server);
    await visit(board.boardId, board.tokens.participant);
    const first = await server.rooms.get(board.boardId as never);
    await visit(board.boardId, board.tokens.participant);
    expect(await server.rooms.get(board.boardId as never)).toBe(first);
    await eventually(() => expect(server.rooms.size).toBe(0), 3000);
  });
});
