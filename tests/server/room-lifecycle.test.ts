import { afterEach, describe, expect, it } from 'vitest';
import type { Room } from '../../server/rooms/room';
import type { BoardId } from '../../shared/schema/ids';
import { createBoard, eventually, startTestServer, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/raw-socket';

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

  /** Opens the board, waits until its room has answered a sync request, and leaves; returns the room that answered. */
  async function visit(boardId: string, token: string): Promise<Room | undefined> {
    const client = await RawClient.connect(`${server.wsUrl}/${boardId}?token=${token}`);
    client.requestSync();
    await eventually(() => expect(client.receivedMessages().some((m) => m.type === 'syncStep2')).toBe(true), 5000, 2);
    // Taken while the visitor is still connected, so the room cannot have been unloaded yet.
    const room = await server.rooms.get(boardId as BoardId);
    client.close();
    await client.closed();
    return room;
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
    const graceMs = 1000;
    server = await startTestServer({ roomUnloadGraceMs: graceMs });
    const board = await createBoard(server);
    const first = await visit(board.boardId, board.tokens.participant);
    expect(first, 'the room that served the first visit').toBeDefined();
    // The room is empty now; a reload within the grace period finds the same room, not one loaded afresh.
    await new Promise((resolve) => setTimeout(resolve, graceMs / 4));
    expect(await server.rooms.get(board.boardId as BoardId), 'the room, a moment after everyone left').toBe(first);
    const second = await visit(board.boardId, board.tokens.participant);
    expect(second, 'the room that served the reload').toBe(first);
    await eventually(() => expect(server.rooms.size).toBe(0), 3 * graceMs);
  });
});
