import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import type { BoardId } from '../../shared/schema/ids';
import { SqliteStorage } from '../../server/persistence/sqlite';
import { connectStockClient, createBoard, eventually, makeDataDir, startTestServer, whenSynced } from '../helpers/server';
import { InProcessBus } from '../helpers/in-process-fanout';

describe('more than one server process', () => {
  it('lets people on two servers sharing one store and a fan-out see each other’s notes, and stores each once', async () => {
    const dataDir = await makeDataDir();
    const bus = new InProcessBus();
    const first = await startTestServer({ dataDir, roomUnloadGraceMs: 20 }, { fanout: bus.member() });
    const second = await startTestServer({ dataDir, roomUnloadGraceMs: 20 }, { fanout: bus.member() });
    const board = await createBoard(first);
    const alice = connectStockClient(first, board.boardId, { token: board.tokens.participant });
    const bob = connectStockClient(second, board.boardId, { token: board.tokens.participant });
    await Promise.all([whenSynced(alice.provider), whenSynced(bob.provider)]);

    addNote(alice.doc, { text: 'from the first server', x: 0, y: 0, authorId: null, authorName: '' });
    addNote(bob.doc, { text: 'from the second server', x: 0, y: 0, authorId: null, authorName: '' });
    for (const doc of [alice.doc, bob.doc]) {
      await eventually(() =>
        expect(readNotes(doc).map((n) => n.text).sort()).toEqual(['from the first server', 'from the second server']),
      );
    }
    // Each server stored only its own clients' update: two appends in all, not four.
    const inspector = new SqliteStorage(dataDir);
    // The board's first snapshot, then one update from each server.
    expect(await inspector.loadDocument(board.boardId as BoardId)).toHaveLength(3);
    await inspector.close();

    alice.destroy();
    bob.destroy();
    await eventually(() => expect(first.rooms.size + second.rooms.size).toBe(0));
    await first.close();
    await second.close();
    const storage = new SqliteStorage(dataDir);
    const doc = new Y.Doc();
    for (const part of await storage.loadDocument(board.boardId as BoardId)) Y.applyUpdate(doc, part);
    expect(readNotes(doc)).toHaveLength(2);
    await storage.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
});
