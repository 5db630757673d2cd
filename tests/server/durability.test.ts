import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { CloseCode } from '../../shared/protocol';
import type { BoardId } from '../../shared/schema/ids';
import { SqliteStorage } from '../../server/persistence/sqlite';
import {
  connectStockClient,
  createBoard,
  eventually,
  makeDataDir,
  startTestServer,
  whenSynced,
  type StockClient,
  type TestServer,
} from '../helpers/server';
import { GatedStorage } from '../helpers/gated-storage';
import { RawClient } from '../helpers/raw-socket';

describe('every update is durable before anyone receives it', () => {
  let server: TestServer | null = null;
  const clients: StockClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.stop();
    server = null;
  });

  it('holds the broadcast, and a newcomer’s sync, until the store says the update is on disk', async () => {
    const dataDir = await makeDataDir();
    const storage = new GatedStorage(dataDir);
    server = await startTestServer({ dataDir }, { storage });
    const board = await createBoard(server);
    const writer = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`);
    const watcher = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(watcher);
    await whenSynced(watcher.provider);

    storage.gateClosed = true;
    const draft = new Y.Doc();
    addNote(draft, { text: 'not yet durable', x: 0, y: 0, authorId: null, authorName: '' });
    writer.sendUpdate(Y.encodeStateAsUpdate(draft));
    await eventually(() => expect(storage.heldCount).toBe(1));

    const newcomer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(newcomer);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(readNotes(watcher.doc)).toEqual([]);
    expect(readNotes(newcomer.doc)).toEqual([]);
    expect(newcomer.provider.synced).toBe(false);

    storage.release();
    await eventually(() => expect(readNotes(watcher.doc).map((n) => n.text)).toEqual(['not yet durable']));
    await eventually(() => expect(readNotes(newcomer.doc).map((n) => n.text)).toEqual(['not yet durable']));
    writer.close();
  });

  it('keeps what a client sends while its document is still loading, so a slow store never leaves a client unsynced', async () => {
    const dataDir = await makeDataDir();
    const storage = new GatedStorage(dataDir);
    server = await startTestServer({ dataDir, roomUnloadGraceMs: 0 }, { storage });
    const board = await createBoard(server);
    const writer = connectStockClient(server, board.boardId, { token: board.tokens.facilitator });
    clients.push(writer);
    await whenSynced(writer.provider);
    addNote(writer.doc, { text: 'stored before the slow load', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(async () => expect((await storage.loadDocument(board.boardId as BoardId)).length).toBeGreaterThan(0));
    writer.destroy();
    // The room unloads; the next client's sync step 1 arrives while the document loads again, slowly.
    await eventually(() => expect(server!.rooms.loadedDocumentsOf(board.boardId as BoardId)).toEqual([]));
    storage.loadDelayMs = 200;
    const reader = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(reader);
    await whenSynced(reader.provider);
    expect(readNotes(reader.doc).map((note) => note.text)).toEqual(['stored before the slow load']);
  });

  it('writes the updates of one event-loop turn from many clients as one append', async () => {
    const dataDir = await makeDataDir();
    const storage = new GatedStorage(dataDir);
    let appends = 0;
    const original = storage.appendUpdate.bind(storage);
    storage.appendUpdate = (boardId, update) => {
      appends++;
      return original(boardId, update);
    };
    server = await startTestServer({ dataDir }, { storage });
    const board = await createBoard(server);
    const writers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => RawClient.connect(`${server!.wsUrl}/${board.boardId}?token=${board.tokens.participant}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    appends = 0;
    // Hold the first batch at the gate so the rest pile up in the next turn together.
    storage.gateClosed = true;
    const updates = writers.map((_, i) => {
      const d = new Y.Doc();
      addNote(d, { text: `note ${i}`, x: 0, y: 0, authorId: null, authorName: '' });
      return Y.encodeStateAsUpdate(d);
    });
    writers[0]!.sendUpdate(updates[0]!);
    await eventually(() => expect(storage.heldCount).toBe(1));
    for (let i = 1; i < writers.length; i++) writers[i]!.sendUpdate(updates[i]!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    storage.release();
    const room = await server.rooms.get(board.boardId as BoardId);
    await eventually(() => expect(readNotes(room!.doc)).toHaveLength(5));
    await room!.settle();
    expect(appends).toBe(2);
    for (const w of writers) w.close();
  });

  it('closes every socket with "server error" when the store fails, and clients resend everything on reconnect', async () => {
    const dataDir = await makeDataDir();
    const storage = new GatedStorage(dataDir);
    server = await startTestServer({ dataDir }, { storage });
    const board = await createBoard(server);
    const alice = connectStockClient(server, board.boardId, { token: board.tokens.participant });
    clients.push(alice);
    await whenSynced(alice.provider);
    const closeCodes: number[] = [];
    alice.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closeCodes.push(event.code);
    });

    storage.failAppends = true;
    addNote(alice.doc, { text: 'written while the disk was full', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(closeCodes).toContain(CloseCode.serverError));
    storage.failAppends = false;

    // The provider reconnects by itself and its sync step 2 carries the note again.
    const check = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(check);
    await eventually(() => expect(readNotes(check.doc).map((n) => n.text)).toEqual(['written while the disk was full']), 10_000);
  });
});

describe('boards survive a restart', () => {
  it('finds every note after the server is stopped and started again on the same data directory', async () => {
    const dataDir = await makeDataDir();
    let server = await startTestServer({ dataDir, roomUnloadGraceMs: 60_000 });
    const board = await createBoard(server, 'Survives restarts');
    const alice = connectStockClient(server, board.boardId, { token: board.tokens.facilitator });
    await whenSynced(alice.provider);
    for (let i = 0; i < 50; i++) addNote(alice.doc, { text: `note ${i}`, x: i * 10, y: i, authorId: null, authorName: '' });
    await eventually(async () => {
      const room = await server.rooms.get(board.boardId as BoardId);
      expect(readNotes(room!.doc)).toHaveLength(50);
    });
    const expected = readNotes(alice.doc);
    alice.destroy();
    // Stop while the room is still loaded: shutdown must store it.
    await server.close();

    server = await startTestServer({ dataDir });
    const bob = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    await whenSynced(bob.provider);
    expect(readNotes(bob.doc)).toEqual(expected);
    bob.destroy();
    await server.stop();
  });

  it('compacts the update log into one snapshot when a room unloads, losing nothing', async () => {
    const server = await startTestServer({ roomUnloadGraceMs: 20 });
    const board = await createBoard(server);
    const alice = connectStockClient(server, board.boardId, { token: board.tokens.participant });
    await whenSynced(alice.provider);
    for (let i = 0; i < 30; i++) {
      addNote(alice.doc, { text: `n${i}`, x: 0, y: 0, authorId: null, authorName: '' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(async () => {
      const room = await server.rooms.get(board.boardId as BoardId);
      expect(readNotes(room!.doc)).toHaveLength(30);
    });
    alice.destroy();
    await eventually(() => expect(server.rooms.size).toBe(0));
    // The snapshot is written by the store's writer thread once the room has gone from the registry.
    let parts: Uint8Array[] = [];
    await eventually(async () => {
      parts = await server.storage.loadDocument(board.boardId as BoardId);
      expect(parts).toHaveLength(1);
    });
    const stored = new Y.Doc();
    Y.applyUpdate(stored, parts[0]!);
    expect(readNotes(stored)).toHaveLength(30);
    await server.stop();
  });

  it('compacts a busy board’s log while it is open, once it passes the threshold', async () => {
    const server = await startTestServer({ compactAfterUpdates: 10, roomUnloadGraceMs: 60_000 });
    const board = await createBoard(server);
    const alice = connectStockClient(server, board.boardId, { token: board.tokens.participant });
    await whenSynced(alice.provider);
    for (let i = 0; i < 25; i++) {
      addNote(alice.doc, { text: `n${i}`, x: 0, y: 0, authorId: null, authorName: '' });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const room = await server.rooms.get(board.boardId as BoardId);
    await eventually(() => expect(readNotes(room!.doc)).toHaveLength(25));
    await room!.settle();
    const parts = await server.storage.loadDocument(board.boardId as BoardId);
    expect(parts.length).toBeLessThanOrEqual(10);
    const stored = new Y.Doc();
    for (const part of parts) Y.applyUpdate(stored, part);
    expect(readNotes(stored)).toHaveLength(25);
    alice.destroy();
    await server.stop();
  });

  it('opens the database in WAL mode with synchronous=FULL', async () => {
    const dataDir = await makeDataDir();
    const storage = new SqliteStorage(dataDir);
    const db = (storage as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 is FULL.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await storage.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
});

/** A board with an empty document, straight into the store. */
async function createEmptyBoard(storage: SqliteStorage, boardId: BoardId): Promise<void> {
  const hash = Buffer.alloc(32);
  await storage.createBoard(
    { id: boardId, title: 't', createdAt: 0, joinCode: null, tokenHashes: { facilitator: hash, participant: hash, viewer: hash } },
    Y.encodeStateAsUpdate(new Y.Doc()),
  );
}

/** A client's document, and the update adding one more note to it each time it is asked. */
function noteWriter(): { doc: Y.Doc; nextUpdate: (text?: string) => Uint8Array } {
  const doc = new Y.Doc();
  const nextUpdate = (text = 'n') => {
    const before = Y.encodeStateVector(doc);
    addNote(doc, { text, x: 0, y: 0, authorId: null, authorName: '' });
    return Y.encodeStateAsUpdate(doc, before);
  };
  return { doc, nextUpdate };
}

describe('the SQLite store', () => {
  it('reports the length of a board’s log after each append, across loads, batches and compaction', async () => {
    const dataDir = await makeDataDir();
    let storage = new SqliteStorage(dataDir);
    const boardId = 'log-length-board' as BoardId;
    await createEmptyBoard(storage, boardId);
    const { doc, nextUpdate } = noteWriter();
    expect(await storage.appendUpdate(boardId, nextUpdate())).toBe(1);
    // Three in one turn share a transaction and count on from each other.
    expect(await Promise.all([1, 2, 3].map(() => storage.appendUpdate(boardId, nextUpdate())))).toEqual([4, 4, 4]);
    await storage.close();

    // A fresh store that has not loaded the board counts its log once.
    storage = new SqliteStorage(dataDir);
    expect(await storage.appendUpdate(boardId, nextUpdate())).toBe(5);
    await storage.compactDocument(boardId, Y.encodeStateAsUpdate(doc));
    expect(await storage.appendUpdate(boardId, nextUpdate())).toBe(1);
    expect(await storage.loadDocument(boardId)).toHaveLength(2);
    expect(await storage.appendUpdate(boardId, nextUpdate())).toBe(2);
    await storage.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('commits on its writer thread in groups: a group that fails rejects every append in it and changes nothing, and the next group is written', async () => {
    const dataDir = await makeDataDir();
    const storage = new SqliteStorage(dataDir);
    const boardId = 'writer-group-board' as BoardId;
    await createEmptyBoard(storage, boardId);
    const { nextUpdate } = noteWriter();
    expect(await storage.appendUpdate(boardId, nextUpdate('first'))).toBe(1);

    // One turn's appends go as one group; a document of a board that does not exist fails the whole group's transaction.
    const refused = nextUpdate('resent');
    const good = storage.appendUpdate(boardId, refused);
    const orphan = storage.appendUpdate('no-such-board' as BoardId, new Uint8Array([0, 0]));
    await expect(orphan).rejects.toThrow(/SQLite write failed/);
    await expect(good).rejects.toThrow(/SQLite write failed/);
    expect(await storage.loadDocument(boardId)).toHaveLength(2);

    // The writer goes on (the room's client resends what was refused, as after a reconnect). Appends made
    // while a group is committing go together in the next group, and the log counts on from what was committed.
    const resent = storage.appendUpdate(boardId, refused);
    await new Promise((resolve) => setImmediate(resolve));
    const behind = [storage.appendUpdate(boardId, nextUpdate('second')), storage.appendUpdate(boardId, nextUpdate('third'))];
    expect(await resent).toBe(2);
    expect(await Promise.all(behind)).toEqual([4, 4]);

    const stored = new Y.Doc();
    for (const part of await storage.loadDocument(boardId)) Y.applyUpdate(stored, part);
    expect(readNotes(stored).map((note) => note.text).sort()).toEqual(['first', 'resent', 'second', 'third']);
    await storage.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });
});
