import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { noteUpdate } from '../helpers/storedNotes';
import Database from 'better-sqlite3';
import path from 'node:path';
import { CloseCode, encodeQueryAwareness, encodeSyncUpdate } from '../../shared/protocol';
import { addNote, readNotes } from '../../shared/document/notes';
import { NOTE_TEXT_MAX_CHARS } from '../../shared/schema/records';
import { SQLITE_FILE_NAME } from '../../server/persistence/sqlite';
import { SECURITY_HEADERS } from '../../server/http/router';
import { sweepExpiredBoards } from '../../server/lifecycle';
import { type BoardEvent, InProcessBoardEvents } from '../../server/events/boardEvents';
import type { ServerConfig } from '../../server/config';
import type { BoardId } from '../../shared/schema/ids';
import { connectStockClient, createBoard, eventually, registerParticipant, startTestServer, type StockClient, type TestServer, whenSynced } from '../helpers/server';
import { RawClient, tryUpgrade } from '../helpers/raw-socket';

/**
 * The server's promises about who gets in and what a client may send,
 * each proved against a real server with real sockets. docs/server-promises.md
 * lists them with these tests.
 */

let server: TestServer;
const clients: StockClient[] = [];
const raws: RawClient[] = [];

async function start(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  server = await startTestServer(overrides);
  return server;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const raw of raws.splice(0)) raw.socket.terminate();
  await server?.stop();
});

const boardUrl = (boardId: string, token: string, extra = '') => `${server.wsUrl}/${boardId}?token=${token}${extra}`;

async function raw(url: string): Promise<RawClient> {
  const client = await RawClient.connect(url);
  raws.push(client);
  return client;
}

/** Two stock clients on a board that keep passing a note between them: the check that "others are unaffected". */
async function pairStillLive(boardId: string, token: string): Promise<void> {
  const a = connectStockClient(server, boardId, { token });
  const b = connectStockClient(server, boardId, { token });
  clients.push(a, b);
  await Promise.all([whenSynced(a.provider), whenSynced(b.provider)]);
  const text = `still live ${Math.random()}`;
  addNote(a.doc, { text, x: 1, y: 1, authorId: null, authorName: '' });
  await eventually(() => expect(readNotes(b.doc).map((n) => n.text)).toContain(text));
}

describe('who may connect', () => {
  it('refuses a socket from a page on another site, and lets the board’s own pages and non-browser clients in', async () => {
    await start();
    const board = await createBoard(server);
    const url = boardUrl(board.boardId, board.tokens.participant);
    const foreign = await tryUpgrade(url, { Origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ accepted: false, status: 403 });
    expect((foreign as { body: string }).body).toMatch(/ALLOWED_ORIGINS/);
    const own = await tryUpgrade(url, { Origin: server.url });
    expect(own.accepted).toBe(true);
    if (own.accepted) own.socket.terminate();
    const script = await tryUpgrade(url);
    expect(script.accepted).toBe(true);
    if (script.accepted) script.socket.terminate();
  });

  it('lets in only the configured origins when a list is set', async () => {
    await start({ allowedOrigins: ['https://retain.trust.nhs.uk'] });
    const board = await createBoard(server);
    const url = boardUrl(board.boardId, board.tokens.participant);
    expect((await tryUpgrade(url, { Origin: server.url })).accepted).toBe(false);
    const listed = await tryUpgrade(url, { Origin: 'https://retain.trust.nhs.uk' });
    expect(listed.accepted).toBe(true);
    if (listed.accepted) listed.socket.terminate();
  });
});

describe('deleting a board', () => {
  it('lets only the facilitator delete it: everyone on it is told (4404), its data leaves storage and memory, and later requests get 404', async () => {
    await start();
    const board = await createBoard(server);
    const keep = await createBoard(server, 'Another board');
    const pat = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const onBoard = await raw(boardUrl(board.boardId, board.tokens.participant, `&participant=${pat.participantKey}`));
    const onDrafts = await raw(`${server.wsUrl}/${board.boardId}/private?token=${board.tokens.participant}&participant=${pat.participantKey}`);
    onBoard.requestSync();
    onDrafts.requestSync();
    onBoard.sendUpdate(noteUpdate('Rotas arrive too late'));
    await eventually(async () => expect((await server.rooms.get(board.boardId as BoardId))?.connectionCount).toBe(1));

    const del = (token?: string) =>
      fetch(`${server.url}/api/boards/${board.boardId}`, { method: 'DELETE', headers: token ? { Authorization: `Bearer ${token}` } : {} });
    expect((await del()).status).toBe(401);
    for (const token of [board.tokens.participant, board.tokens.viewer]) {
      const refused = await del(token);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toBe('Only the facilitator can delete the board.');
    }
    expect((await del(keep.tokens.facilitator)).status).toBe(401);
    expect((await del(board.tokens.facilitator)).status).toBe(204);

    expect(await onBoard.closed()).toBe(CloseCode.boardGone);
    expect(await onDrafts.closed()).toBe(CloseCode.boardGone);
    expect(server.rooms.loadedDocumentsOf(board.boardId as BoardId)).toEqual([]);
    expect((await fetch(`${server.url}/api/boards/${board.boardId}?token=${board.tokens.facilitator}`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/boards/${board.boardId}/plan.csv?token=${board.tokens.facilitator}`)).status).toBe(404);
    expect(await tryUpgrade(boardUrl(board.boardId, board.tokens.facilitator))).toMatchObject({ accepted: false, status: 404 });
    expect((await del(board.tokens.facilitator)).status).toBe(404);

    // Nothing of it is left in the database; the other board is untouched.
    const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME), { readonly: true });
    for (const table of ['boards', 'participants', 'document_snapshots', 'document_updates']) {
      const column = table === 'boards' ? 'id' : 'board_id';
      expect((db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(board.boardId) as { n: number }).n, table).toBe(0);
    }
    expect((db.prepare('SELECT COUNT(*) AS n FROM boards WHERE id = ?').get(keep.boardId) as { n: number }).n).toBe(1);
    db.close();
    await pairStillLive(keep.boardId, keep.tokens.participant);
  });

  it('purges boards nobody has used for the retention period, and keeps those in use', async () => {
    await start({ retentionDays: 30 });
    const idle = await createBoard(server, 'Idle');
    const inUse = await createBoard(server, 'In use');
    const recent = await createBoard(server, 'Recent');
    const someone = connectStockClient(server, inUse.boardId, { token: inUse.tokens.participant });
    clients.push(someone);
    await whenSynced(someone.provider);
    // The board events every process hears: a board the sweep deletes is closed on the others too (docs/storage.md).
    const events = new InProcessBoardEvents(server.log);
    const heard: BoardEvent[] = [];
    events.subscribe((event) => heard.push(event));
    const ctx = { storage: server.storage, rooms: server.rooms, log: server.log, events };
    const day = 24 * 60 * 60 * 1000;
    // Touch one board 20 days on; then sweep 40 days on: the other two are past 30 days.
    await server.storage.touchBoard(recent.boardId as BoardId, Date.now() + 20 * day);
    expect(await sweepExpiredBoards(ctx, 30, Date.now() + 40 * day)).toBe(1);
    expect(await server.storage.getBoard(idle.boardId as BoardId)).toBeNull();
    expect(await server.storage.getBoard(inUse.boardId as BoardId)).not.toBeNull();
    expect(await server.storage.getBoard(recent.boardId as BoardId)).not.toBeNull();
    expect(heard).toEqual([{ type: 'board-deleted', boardId: idle.boardId }]);
    // Retention 0 keeps everything for ever.
    expect(await sweepExpiredBoards(ctx, 0, Date.now() + 4000 * day)).toBe(0);
  });
});

describe('limits on what a client sends', () => {
  it('closes a connection that sends a message larger than the limit with 1009, and nobody else notices', async () => {
    await start({ maxMessageBytes: 64 * 1024 });
    const board = await createBoard(server);
    const big = await raw(boardUrl(board.boardId, board.tokens.participant));
    big.sendUpdate(new Uint8Array(100 * 1024));
    expect(await big.closed()).toBe(CloseCode.messageTooBig);
    await pairStillLive(board.boardId, board.tokens.participant);
  });

  it('closes a connection that floods the server with 1008, and the others on the board carry on', async () => {
    await start({ rateLimitPerSecond: 20, rateLimitBurst: 50 });
    const board = await createBoard(server);
    const flooder = await raw(boardUrl(board.boardId, board.tokens.participant));
    for (let i = 0; i < 500; i++) flooder.send(encodeQueryAwareness());
    expect(await flooder.closed()).toBe(CloseCode.rateLimited);
    await pairStillLive(board.boardId, board.tokens.participant);
  });

  it('refuses a note longer than the limit with 4403 and keeps the rest of the board', async () => {
    await start();
    const board = await createBoard(server);
    const tamperer = await raw(boardUrl(board.boardId, board.tokens.participant));
    // addNote keeps to the limit, so the text is written into the record directly, as a tampered client would.
    const doc = new Y.Doc();
    const id = addNote(doc, { text: 'x', x: 0, y: 0, authorId: null, authorName: 'Tamperer' });
    (doc.getMap('notes').get(id) as Y.Map<unknown>).set('text', 'x'.repeat(NOTE_TEXT_MAX_CHARS + 1));
    tamperer.sendUpdate(Y.encodeStateAsUpdate(doc));
    expect(await tamperer.closed()).toBe(CloseCode.forbidden);
    const room = await server.rooms.get(board.boardId as BoardId);
    expect(readNotes(room!.doc)).toEqual([]);
    await pairStillLive(board.boardId, board.tokens.participant);
  });

  it('stops a board at its largest size with 4413 and a message that says so, keeping what it holds', async () => {
    await start({ maxBoardBytes: 40 * 1024 });
    const board = await createBoard(server);
    const writer = await raw(boardUrl(board.boardId, board.tokens.participant));
    writer.requestSync();
    const sent: string[] = [];
    let closedReason = '';
    writer.socket.on('close', (_code, reason) => (closedReason = reason.toString()));
    for (let i = 0; i < 80 && writer.closeCode === null; i++) {
      const text = `note ${i} ${'x'.repeat(900)}`;
      sent.push(text);
      writer.sendUpdate(noteUpdate(text));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await writer.closed()).toBe(CloseCode.boardFull);
    expect(closedReason).toMatch(/The board is full/);
    const room = await server.rooms.get(board.boardId as BoardId);
    const kept = readNotes(room!.doc).map((n) => n.text);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(sent.length);
    // Everyone can still read it.
    const reader = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(reader);
    await whenSynced(reader.provider);
    expect(readNotes(reader.doc)).toHaveLength(kept.length);
  });

  it('drops a client that stops reading once too much waits for it, without slowing the others; it resyncs when it comes back', async () => {
    // The writer adds 12 MB: far past one participant's share, which is not what this test is about.
    await start({ maxBufferedBytes: 1024 * 1024, rateLimitPerSecond: 10_000, rateLimitBurst: 10_000, participantShareBytes: 64 * 1024 * 1024 });
    const board = await createBoard(server);
    const slow = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    const healthy = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(slow, healthy);
    await Promise.all([whenSynced(slow.provider), whenSynced(healthy.provider)]);
    const room = (await server.rooms.get(board.boardId as BoardId))!;
    expect(room.connectionCount).toBe(2);
    // The slow client's browser stops reading from its socket.
    const slowSocket = (slow.provider.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    slowSocket.pause();

    // A bare socket that reads and discards what it is sent: a writer that applied everything it
    // receives would itself fall behind, and be dropped, on a busy machine.
    const opened = await tryUpgrade(boardUrl(board.boardId, board.tokens.participant));
    if (!opened.accepted) throw new Error('the writer could not connect');
    const writer = { sendUpdate: (update: Uint8Array) => opened.socket.send(encodeSyncUpdate(update)) };
    const batches = 120;
    for (let batch = 0; batch < batches; batch++) {
      const doc = new Y.Doc();
      for (let i = 0; i < 100; i++) addNote(doc, { text: `${batch}-${i} ${'y'.repeat(900)}`, x: 0, y: 0, authorId: null, authorName: '' });
      writer.sendUpdate(Y.encodeStateAsUpdate(doc));
      // Paced, so the writer and the healthy reader (in this same process as the server) keep up.
      await new Promise((resolve) => setTimeout(resolve, 8));
    }
    // The healthy client gets every note while the slow one is stalled...
    await eventually(() => expect([readNotes(room.doc).length, room.connectionCount, healthy.provider.wsconnected, readNotes(healthy.doc).length]).toEqual([batches * 100, 2, true, batches * 100]), 30_000, 50);
    // ...and the server has let the slow one go rather than queue megabytes for it.
    await eventually(() => expect(room.connectionCount).toBe(2 /* healthy + writer */), 10_000);
    slowSocket.resume();
    await eventually(() => expect(readNotes(slow.doc)).toHaveLength(batches * 100), 30_000, 50);
    opened.socket.terminate();
  }, 90_000);
});

describe('HTTP hardening', () => {
  it('sends the security headers with every answer: a content security policy without inline scripts, nosniff, no framing', async () => {
    await start();
    for (const address of ['/api/time', '/api/nothing-here', '/', '/healthz']) {
      const response = await fetch(`${server.url}${address}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), `${name} on ${address}`).toBe(value);
    }
    const csp = SECURITY_HEADERS['Content-Security-Policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
