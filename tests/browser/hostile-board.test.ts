import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStorage } from '../../server/persistence/sqlite';
import type { BoardId } from '../../shared/schema/ids';
import { BUILT_CLIENT_DIR, chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { GOOD, writeHostileRecords } from '../helpers/hostileBoard';
import { createBoard, eventually, makeDataDir, startTestServer, type TestServer } from '../helpers/server';

/** Building, storing and syncing a quarter of a million nested maps takes a while on a busy machine. */
const HOSTILE_TIMEOUT_MS = 60_000;

describe('a board holding records nested 20,000 deep, in real Chromium', () => {
  let server: TestServer;
  let storage: SqliteStorage;
  const { person } = chromiumPeople();
  afterEach(async () => {
    await server.stop();
    await storage.close();
  });

  it(
    'opens for the facilitator and shows its good notes',
    async () => {
      const dataDir = await makeDataDir();
      storage = new SqliteStorage(dataDir);
      server = await startTestServer({ dataDir, clientDir: BUILT_CLIENT_DIR, roomUnloadGraceMs: 20 }, { storage });
      const board = await createBoard(server, 'Ward 7 retention', 'blank');
      // Straight into storage, as a board written before the write guard refused such shapes.
      await eventually(() => expect(server.rooms.size).toBe(0));
      const hostile = new Y.Doc();
      writeHostileRecords(hostile);
      await storage.appendUpdate(board.boardId as BoardId, Y.encodeStateAsUpdate(hostile));

      const fay = await person();
      const pageErrors: string[] = [];
      fay.on('pageerror', (error) => pageErrors.push(error.message));
      await joinBoard(fay, board.links.facilitator, 'Fay', HOSTILE_TIMEOUT_MS / 2);
      for (const text of GOOD.notes) await visible(fay.locator('[data-note-id]').filter({ hasText: text }), HOSTILE_TIMEOUT_MS / 4);
      expect(await fay.locator('[data-note-id]').count()).toBe(GOOD.notes.length);
      expect(pageErrors).toEqual([]);
    },
    HOSTILE_TIMEOUT_MS * 2,
  );
});
