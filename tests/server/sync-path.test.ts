import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import { addNote, readNotes } from '../../shared/document/notes';
import type { BoardId } from '../../shared/schema/ids';
import { FRAGMENT_BYTES, sendTo, type RoomConnection } from '../../server/rooms/connection';
import { trimLoadedDocument } from '../../server/rooms/documentMemory';
import { SQLITE_FILE_NAME } from '../../server/persistence/sqlite';
import { connectStockClient, createBoard, eventually, makeDataDir, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';

/**
 * The sync path's shortcuts (for the performance targets in
 * docs/benchmarks.md): newcomers share one encoding of the
 * document until it changes, large messages leave in fragments, presence in
 * a big room goes out once a frame, and a board's last use is written at
 * most every few minutes. Each must be invisible to a client: these tests
 * check what a client sees.
 */
describe('what a newcomer is sent', () => {
  let server: TestServer | null = null;
  const clients: StockClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.stop();
    server = null;
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  function connect(boardId: string, token: string): StockClient {
    const client = connectStockClient(server!, boardId, { token });
    clients.push(client);
    return client;
  }

  /** Connects a fresh client and reads its notes at the very moment it calls itself synced. */
  async function notesAtSync(boardId: string, token: string): Promise<string[]> {
    const client = connect(boardId, token);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the newcomer did not sync in time')), 10_000);
      client.provider.once('sync', () => {
        clearTimeout(timer);
        resolve(readNotes(client.doc).map((note) => note.text).sort());
      });
    });
  }

  it('has every note already when it calls itself synced, after updates since the board was last encoded', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const writer = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(writer.provider);
    const first = await notesAtSync(board.boardId, board.tokens.viewer);
    expect(first).toEqual([]);
    // The first newcomer made the server encode the board; each of these makes that encoding stale.
    const written: string[] = [];
    for (let i = 0; i < 40; i++) {
      written.push(`after ${i}`);
      addNote(writer.doc, { text: `after ${i}`, x: i, y: i, authorId: null, authorName: 'Writer' });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await eventually(async () => expect(await notesAtSync(board.boardId, board.tokens.viewer)).toEqual(written.sort()));
  });

  it('has every note after hundreds of separate updates between newcomers', async () => {
    server = await startTestServer({ compactAfterUpdates: 10_000 });
    const board = await createBoard(server);
    const writer = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(writer.provider);
    await notesAtSync(board.boardId, board.tokens.viewer);
    const written: string[] = [];
    for (let i = 0; i < 300; i++) {
      written.push(`note ${i}`);
      addNote(writer.doc, { text: `note ${i}`, x: i, y: i, authorId: null, authorName: 'Writer' });
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await eventually(async () => expect(await notesAtSync(board.boardId, board.tokens.viewer)).toEqual(written.sort()));
  });

  it('has every note after the log is compacted, and after a restart that loads a snapshot and a log', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    server = await startTestServer({ dataDir, compactAfterUpdates: 5, roomUnloadGraceMs: 60_000 });
    const board = await createBoard(server);
    const writer = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(writer.provider);
    const written: string[] = [];
    for (let i = 0; i < 23; i++) {
      written.push(`kept ${i}`);
      addNote(writer.doc, { text: `kept ${i}`, x: i, y: i, authorId: null, authorName: 'Writer' });
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await eventually(async () => expect(await notesAtSync(board.boardId, board.tokens.viewer)).toEqual([...written].sort()));

    // A second server on the same file loads the board as storage holds it now: the last snapshot
    // and the log after it (stopping the first would store a fresh snapshot of everything).
    const second = await startTestServer({ dataDir, compactAfterUpdates: 5 });
    try {
      const newcomer = connectStockClient(second, board.boardId, { token: board.tokens.viewer });
      clients.push(newcomer);
      const atSync = await new Promise<string[]>((resolve) => newcomer.provider.once('sync', () => resolve(readNotes(newcomer.doc).map((n) => n.text).sort())));
      expect(atSync).toEqual([...written].sort());
    } finally {
      for (const client of clients.splice(0)) client.destroy();
      await second.close();
    }
  });

  it('reaches a newcomer whole when it is larger than one fragment, while notes keep arriving', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const writer = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(writer.provider);
    const long = 'x'.repeat(900);
    writer.doc.transact(() => {
      for (let i = 0; i < 400; i++) addNote(writer.doc, { text: `${i} ${long}`, x: i, y: i, authorId: null, authorName: 'Writer' });
    });
    expect(Y.encodeStateAsUpdate(writer.doc).byteLength).toBeGreaterThan(4 * FRAGMENT_BYTES);
    await eventually(async () => expect(await notesAtSync(board.boardId, board.tokens.viewer)).toHaveLength(400));

    const newcomer = connect(board.boardId, board.tokens.viewer);
    // Broadcasts made while the board is still going out in fragments must queue behind it.
    for (let i = 0; i < 20; i++) {
      addNote(writer.doc, { text: `during ${i}`, x: i, y: i, authorId: null, authorName: 'Writer' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await whenSynced(newcomer.provider, 10_000);
    await eventually(() => expect(readNotes(newcomer.doc)).toHaveLength(420));
    expect(Y.encodeStateVector(newcomer.doc)).toEqual(Y.encodeStateVector(writer.doc));
  });
});

describe('sending to one socket (sendTo)', () => {
  let httpServer: http.Server | null = null;
  let wss: WebSocketServer | null = null;
  afterEach(async () => {
    for (const socket of wss?.clients ?? []) socket.terminate();
    wss?.close();
    httpServer?.closeAllConnections();
    await new Promise((resolve) => (httpServer ? httpServer.close(resolve) : resolve(undefined)));
  });

  async function socketPair(): Promise<{ server: WebSocket; client: WebSocket; received: Buffer[] }> {
    httpServer = http.createServer();
    wss = new WebSocketServer({ server: httpServer });
    await new Promise<void>((resolve) => httpServer!.listen(0, '127.0.0.1', resolve));
    const serverSide = new Promise<WebSocket>((resolve) => wss!.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    await new Promise((resolve) => client.once('open', resolve));
    return { server: await serverSide, client, received };
  }

  const connectionOf = (socket: WebSocket): RoomConnection => ({ socket, role: 'viewer', participantId: null, displayName: null, colour: null });

  it('sends a large message in fragments a turn apart, and what is sent meanwhile after it, in order', async () => {
    const { server, client, received } = await socketPair();
    const connection = connectionOf(server);
    const frames: { bytes: number; fin: boolean }[] = [];
    const send = server.send.bind(server);
    server.send = ((data: Uint8Array, options: { fin?: boolean } | ((error?: Error) => void), callback?: (error?: Error) => void) => {
      frames.push({ bytes: data.byteLength, fin: typeof options === 'object' ? options.fin !== false : true });
      return typeof options === 'object' ? send(data, options, callback) : send(data, options);
    }) as typeof server.send;

    const large = new Uint8Array(5 * FRAGMENT_BYTES + 123).map((_, i) => i % 251);
    sendTo(connection, large, Infinity, { inFragments: true });
    // Only the first fragment leaves in this turn; the server can serve others before the next.
    expect(frames).toEqual([{ bytes: FRAGMENT_BYTES, fin: false }]);
    // Sent while the large one is still going out: it must arrive after it, not inside it.
    setImmediate(() => sendTo(connection, new Uint8Array([1, 2, 3])));
    await eventually(() => expect(received).toHaveLength(2));
    expect(frames.map((frame) => frame.fin)).toEqual([false, false, false, false, false, true, true]);
    expect(new Uint8Array(received[0]!)).toEqual(large);
    expect([...received[1]!]).toEqual([1, 2, 3]);
    client.close();
  });

  it('sends a large message whole unless asked to fragment it', async () => {
    const { server, client, received } = await socketPair();
    const frames: boolean[] = [];
    const send = server.send.bind(server);
    server.send = ((data: Uint8Array, options: { fin?: boolean } | ((error?: Error) => void), callback?: (error?: Error) => void) => {
      frames.push(typeof options === 'object' ? options.fin !== false : true);
      return typeof options === 'object' ? send(data, options, callback) : send(data, options);
    }) as typeof server.send;
    sendTo(connectionOf(server), new Uint8Array(3 * FRAGMENT_BYTES));
    await eventually(() => expect(received).toHaveLength(1));
    expect(frames).toEqual([true]);
    client.close();
  });

  it('drops a socket whose queue behind a fragmented message passes the limit', async () => {
    const { server, client } = await socketPair();
    const connection = connectionOf(server);
    sendTo(connection, new Uint8Array(3 * FRAGMENT_BYTES), 1024, { inFragments: true });
    // Queued behind it: 800, then 1,600 bytes; the next send finds the queue past the limit.
    for (let i = 0; i < 3; i++) sendTo(connection, new Uint8Array(800), 1024);
    expect(server.readyState).not.toBe(WebSocket.OPEN);
    await eventually(() => expect(server.readyState).toBe(WebSocket.CLOSED));
    client.close();
  });
});

describe('a board loaded from storage', () => {
  it('is the same document after its values are trimmed to size', () => {
    const source = new Y.Doc();
    for (let i = 0; i < 50; i++) addNote(source, { text: `note ${i}`, x: i, y: 2 * i, authorId: null, authorName: `Person ${i}` });
    const state = Y.encodeStateAsUpdate(source);
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, state);
    trimLoadedDocument(loaded);
    expect(Y.encodeStateAsUpdate(loaded)).toEqual(state);
    expect(readNotes(loaded)).toEqual(readNotes(source));
    // And it goes on working: a change after the trim merges as before.
    addNote(loaded, { text: 'after', x: 0, y: 0, authorId: null, authorName: 'Later' });
    Y.applyUpdate(source, Y.encodeStateAsUpdate(loaded, Y.encodeStateVector(source)));
    expect(readNotes(source).map((n) => n.text)).toContain('after');
  });
});

describe("a board's last use", () => {
  it('is written when someone joins, but not again for a join minutes later', async () => {
    const server = await startTestServer();
    try {
      const board = await createBoard(server);
      const db = new Database(`${server.dataDir}/${SQLITE_FILE_NAME}`, { readonly: true });
      const lastUse = () => (db.prepare('SELECT last_active_at AS at FROM boards WHERE id = ?').get(board.boardId) as { at: number }).at;
      const start = Date.now();
      await server.storage.touchBoard(board.boardId as BoardId, start);
      expect(lastUse()).toBe(start);
      await server.storage.touchBoard(board.boardId as BoardId, start + 60_000);
      expect(lastUse()).toBe(start);
      await server.storage.touchBoard(board.boardId as BoardId, start + 11 * 60_000);
      expect(lastUse()).toBe(start + 11 * 60_000);
      db.close();
    } finally {
      await server.stop();
    }
  });
});
