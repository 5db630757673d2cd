import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { noteUpdate, textsOf } from '../helpers/storedNotes';
import { addNote, readNotes } from '../../shared/document/notes';
import { CLOSE_CODES_FINAL, CloseCode } from '../../shared/protocol';
import type { BoardId } from '../../shared/schema/ids';
import { PostgresStorage } from '../../server/persistence/postgres';
import { OwnershipLostError, privateDocumentName, type BoardRecord } from '../../server/persistence/types';
import type { ParticipantId } from '../../shared/schema/ids';
import { connectStockClient, createBoard, eventually, whenSynced, type StockClient } from '../helpers/server';
import type { ServerProcess } from '../helpers/server-process';
import { ServerProcesses } from '../helpers/server-processes';
import { testDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * One owner per board (docs/storage.md, "One owner per board"): server
 * processes sharing one PostgreSQL database serve each board from one of
 * them at a time, by a lease whose epoch fences the appends of a process
 * that lost it.
 */

const LEASE_MS = 1500;

const bytes = (n = 32) => randomBytes(n);
const newId = () => randomBytes(9).toString('base64url') as BoardId;

function boardRecord(): BoardRecord {
  return {
    id: newId(),
    title: 'Retention workshop',
    createdAt: Date.now(),
    tokenHashes: { facilitator: bytes(), participant: bytes(), viewer: bytes() },
    joinCode: null,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const databases: TestDatabase[] = [];
const stores: PostgresStorage[] = [];
const processes = new ServerProcesses();
const clients: StockClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await processes.stopAll();
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const database of databases.splice(0)) await database.drop();
});

async function database(): Promise<TestDatabase> {
  const db = await testDatabase();
  databases.push(db);
  return db;
}

async function openStore(db: TestDatabase): Promise<PostgresStorage> {
  const store = await PostgresStorage.open(db.url);
  stores.push(store);
  return store;
}

async function startProcess(db: TestDatabase, env: Record<string, string> = {}): Promise<ServerProcess> {
  return processes.start({
    DATABASE_URL: db.url,
    BOARD_LEASE_MS: String(LEASE_MS),
    // The log is read back whole: no compaction folds it into a snapshot meanwhile.
    COMPACT_AFTER_UPDATES: '1000000',
    ROOM_UNLOAD_GRACE_MS: '60000',
    ...env,
  });
}

/** A stock client recording the codes its connections were closed with. */
function connect(server: ServerProcess, boardId: string, token: string): StockClient & { closeCodes: number[] } {
  const client = connectStockClient(server, boardId, { token });
  clients.push(client);
  const closeCodes: number[] = [];
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closeCodes.push(event.code);
  });
  return Object.assign(client, { closeCodes });
}

const texts = (client: StockClient) => readNotes(client.doc).map((note) => note.text);

describe('the lease on a board, in the Postgres store', () => {
  it('claims, renews, releases and expires, and fences appends and compaction with the epoch', async () => {
    const db = await database();
    const first = await openStore(db);
    const second = await openStore(db);
    const board = boardRecord();
    const other = boardRecord();
    await first.createBoard(board, noteUpdate('start'));
    await first.createBoard(other, noteUpdate('other'));

    expect(await first.claimBoard(board.id, 400)).toEqual({ epoch: 1 });
    // Our own live lease is claimed again at the same epoch; another process's is refused.
    expect(await first.claimBoard(board.id, 400)).toEqual({ epoch: 1 });
    expect(await second.claimBoard(board.id, 400)).toBeNull();
    expect(await first.renewBoards([board.id], 400)).toEqual(new Set([board.id]));
    await expect(first.appendUpdate(board.id, noteUpdate('first, epoch 1'))).resolves.toBe(1);

    // Expired: the other process takes it with the next epoch.
    await sleep(600);
    expect(await second.claimBoard(board.id, 5000)).toEqual({ epoch: 2 });

    // The lost board's appends are refused, written nowhere; the other board's, in the same batch, commit.
    const privateName = privateDocumentName(board.id, 'p1' as ParticipantId);
    const lost = first.appendUpdate(board.id, noteUpdate('stale'));
    const lostPrivate = first.appendUpdate(privateName, noteUpdate('stale draft'));
    const kept = first.appendUpdate(other.id, noteUpdate('other, unfenced'));
    await expect(lost).rejects.toBeInstanceOf(OwnershipLostError);
    await expect(lostPrivate).rejects.toBeInstanceOf(OwnershipLostError);
    await expect(kept).resolves.toBe(1);
    await expect(first.compactDocument(board.id, noteUpdate('stale snapshot'))).rejects.toBeInstanceOf(OwnershipLostError);
    // Its renewal finds it gone too (the appends above were refused by the database's lease row, before any renewal said so).
    expect(await first.renewBoards([board.id], 400)).toEqual(new Set());

    await expect(second.appendUpdate(board.id, noteUpdate('second, epoch 2'))).resolves.toBe(2);
    expect(textsOf(await second.loadDocument(board.id)).sort()).toEqual(['first, epoch 1', 'second, epoch 2', 'start']);
    expect(await second.loadDocument(privateName)).toEqual([]);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query<{ seq: string; epoch: string | null }>('SELECT seq, epoch FROM document_updates WHERE doc_name = $1 ORDER BY seq', [board.id]);
      expect(rows.rows).toEqual([
        { seq: '1', epoch: '1' },
        { seq: '2', epoch: '2' },
      ]);
      // A board never claimed is written without an epoch, as before leases.
      const unfenced = await client.query<{ epoch: string | null }>('SELECT epoch FROM document_updates WHERE doc_name = $1', [other.id]);
      expect(unfenced.rows).toEqual([{ epoch: null }]);
    } finally {
      await client.end();
    }

    // Released, the lease is free at once, and the next claim's epoch is higher still.
    await second.releaseBoard(board.id);
    await expect(second.appendUpdate(board.id, noteUpdate('after release'))).rejects.toBeInstanceOf(OwnershipLostError);
    expect(await first.claimBoard(board.id, 5000)).toEqual({ epoch: 3 });
    // The owner compacts again (with the whole state, as a room does).
    await expect(first.compactDocument(board.id, Y.mergeUpdates(await first.loadDocument(board.id)))).resolves.toBeUndefined();
    expect(textsOf(await first.loadDocument(board.id)).sort()).toEqual(['first, epoch 1', 'second, epoch 2', 'start']);
  });
});

describe('two server processes on one database', () => {
  it('serves a board from one process; the other refuses its sockets with 1013, which clients retry', async () => {
    // 1013 is not final: the client reconnects (client/sync/syncedDocument.ts shouldReconnect).
    expect(CLOSE_CODES_FINAL).not.toContain(CloseCode.tryAgain);
    const db = await database();
    const [a, b] = await Promise.all([startProcess(db), startProcess(db)]);
    const board = await createBoard(a, 'Shared');
    const alice = connect(a, board.boardId, board.tokens.facilitator);
    await whenSynced(alice.provider);
    addNote(alice.doc, { text: 'written on A', x: 0, y: 0, authorId: null, authorName: '' });
    const carol = connect(a, board.boardId, board.tokens.facilitator);
    await eventually(() => expect(texts(carol)).toContain('written on A'));

    const bob = connect(b, board.boardId, board.tokens.facilitator);
    await eventually(() => expect(bob.closeCodes).toContain(CloseCode.tryAgain));
    expect(bob.provider.synced).toBe(false);
    expect(texts(bob)).toEqual([]);
    // Refused, not served: A still has the board, and its clients stay connected.
    expect(alice.closeCodes).toEqual([]);

    // A route that needs the board's document answers 503 with Retry-After on B, never a 500; the same works on A.
    const download = (server: { url: string }) => fetch(`${server.url}/api/boards/${board.boardId}/plan.json?token=${encodeURIComponent(board.tokens.facilitator)}`);
    const elsewhere = await download(b);
    expect([elsewhere.status, elsewhere.headers.get('retry-after')]).toEqual([503, '1']);
    expect(((await elsewhere.json()) as { error: string }).error).toMatch(/served elsewhere/);
    expect((await download(a)).status).toBe(200);
  });

  it('serves the board from the other process within the lease once its owner is killed, with every acknowledged note', async () => {
    const db = await database();
    const [a, b] = await Promise.all([startProcess(db), startProcess(db)]);
    const board = await createBoard(a, 'Killed');
    const alice = connect(a, board.boardId, board.tokens.facilitator);
    const carol = connect(a, board.boardId, board.tokens.facilitator);
    await Promise.all([whenSynced(alice.provider), whenSynced(carol.provider)]);
    for (let i = 0; i < 20; i++) addNote(alice.doc, { text: `note ${i}`, x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(texts(carol)).toHaveLength(20));
    const acknowledged = texts(carol);

    const bob = connect(b, board.boardId, board.tokens.facilitator);
    await eventually(() => expect(bob.closeCodes).toContain(CloseCode.tryAgain));

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await whenSynced(bob.provider, LEASE_MS + 8000);
    const takeover = Date.now() - killedAt;
    console.info(`takeover after SIGKILL: ${takeover} ms (lease ${LEASE_MS} ms)`);
    expect(takeover).toBeLessThan(LEASE_MS + 4000);
    await eventually(() => expect(texts(bob).sort()).toEqual(expect.arrayContaining(acknowledged)));
    expect(texts(bob)).toHaveLength(20);
  });

  it('lets a board go at once when its last room unloads and when the process stops (SIGTERM), not a lease later', async () => {
    // A lease far longer than the waits below: a board served elsewhere within them was released, not expired.
    const long = { BOARD_LEASE_MS: '60000', ROOM_UNLOAD_GRACE_MS: '50' };
    const db = await database();
    const [a, b] = await Promise.all([startProcess(db, long), startProcess(db, long)]);
    const board = await createBoard(a, 'Released');
    const alice = connect(a, board.boardId, board.tokens.facilitator);
    await whenSynced(alice.provider);
    addNote(alice.doc, { text: 'before the unload', x: 0, y: 0, authorId: null, authorName: '' });
    const carol = connect(a, board.boardId, board.tokens.facilitator);
    await eventually(() => expect(texts(carol)).toContain('before the unload'));
    alice.destroy();
    carol.destroy();

    // Nobody on A: its room unloads and lets the lease go, so B serves the board.
    const bob = connect(b, board.boardId, board.tokens.facilitator);
    await whenSynced(bob.provider, 5000);
    expect(texts(bob)).toContain('before the unload');

    // Now A is refused while B holds it; B stopping with SIGTERM lets it go, and A serves it.
    const dave = connect(a, board.boardId, board.tokens.facilitator);
    await eventually(() => expect(dave.closeCodes).toContain(CloseCode.tryAgain));
    addNote(bob.doc, { text: 'before the stop', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(async () => {
      const reader = await openStore(db);
      expect(textsOf(await reader.loadDocument(board.boardId as BoardId))).toContain('before the stop');
    });
    const stoppedAt = Date.now();
    b.child.kill('SIGTERM');
    await b.exited;
    await whenSynced(dave.provider, 5000);
    console.info(`takeover after SIGTERM: ${Date.now() - stoppedAt} ms (lease 60000 ms)`);
    expect(texts(dave)).toEqual(expect.arrayContaining(['before the unload', 'before the stop']));
  });

  it('fences off a process stopped past its lease: nothing it appends after the takeover is stored, and nothing acknowledged is lost', async () => {
    const db = await database();
    const [a, b] = await Promise.all([startProcess(db), startProcess(db)]);
    const board = await createBoard(a, 'Stopped');
    const alice = connect(a, board.boardId, board.tokens.facilitator);
    const carol = connect(a, board.boardId, board.tokens.facilitator);
    await Promise.all([whenSynced(alice.provider), whenSynced(carol.provider)]);

    // Alice writes on A throughout; what Carol, on A too, receives was stored first (docs/server-promises.md, "Durability").
    let written = 0;
    const writing = setInterval(() => {
      addNote(alice.doc, { text: `alice ${written++}`, x: 0, y: 0, authorId: null, authorName: '' });
    }, 40);
    try {
      await eventually(() => expect(texts(carol).length).toBeGreaterThanOrEqual(5));
      a.child.kill('SIGSTOP');
      const acknowledgedOnA = texts(carol);
      const writtenBeforeStop = written;
      await sleep(LEASE_MS + 1000);

      const bob = connect(b, board.boardId, board.tokens.facilitator);
      const dave = connect(b, board.boardId, board.tokens.facilitator);
      await Promise.all([whenSynced(bob.provider, 10_000), whenSynced(dave.provider, 10_000)]);
      expect(written).toBeGreaterThan(writtenBeforeStop);
      for (let i = 0; i < 5; i++) addNote(bob.doc, { text: `bob ${i}`, x: 0, y: 0, authorId: null, authorName: '' });
      await eventually(() => expect(texts(dave).filter((text) => text.startsWith('bob'))).toHaveLength(5));
      expect(texts(dave)).toEqual(expect.arrayContaining(acknowledgedOnA));

      a.child.kill('SIGCONT');
      // A finds the board taken: its sockets are told to try again later.
      await eventually(() => {
        expect(alice.closeCodes).toContain(CloseCode.tryAgain);
        expect(carol.closeCodes).toContain(CloseCode.tryAgain);
      }, 10_000);
      clearInterval(writing);
      const acknowledged = [...new Set([...texts(carol), ...texts(dave)])];
      // Let anything A still had in flight land, or be refused.
      await sleep(500);

      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const lease = await client.query<{ epoch: string }>('SELECT epoch FROM board_leases WHERE board_id = $1', [board.boardId]);
        const current = Number(lease.rows[0]!.epoch);
        expect(current).toBeGreaterThanOrEqual(2);
        const log = await client.query<{ seq: string; epoch: string | null }>('SELECT seq, epoch FROM document_updates WHERE doc_name = $1 ORDER BY seq', [
          board.boardId,
        ]);
        const epochs = log.rows.map((row) => (row.epoch === null ? null : Number(row.epoch)));
        // A wrote before the takeover, B after.
        expect(epochs).toContain(1);
        const takeover = epochs.indexOf(current);
        expect(takeover).toBeGreaterThan(0);
        expect(epochs.slice(takeover).filter((epoch) => epoch !== current)).toEqual([]);
      } finally {
        await client.end();
      }
      const reader = await openStore(db);
      const stored = textsOf(await reader.loadDocument(board.boardId as BoardId));
      expect(stored).toEqual(expect.arrayContaining(acknowledged));
      expect(acknowledged.filter((text) => text.startsWith('bob'))).toHaveLength(5);
    } finally {
      clearInterval(writing);
    }
  });
});
