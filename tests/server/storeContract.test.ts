import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import pg from 'pg';
import * as Y from 'yjs';
import { noteUpdate, textsOf } from '../helpers/storedNotes';
import { addNote, readNotes } from '../../shared/document/notes';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import type { CycleStage } from '../../shared/schema/cycle';
import { configFromEnv } from '../../server/config';
import { SqliteStorage, StorageVersionError } from '../../server/persistence/sqlite';
import { POSTGRES_SCHEMA_VERSION, PostgresStorage } from '../../server/persistence/postgres';
import { privateDocumentName, type BoardRecord, type DocumentName, type Storage, type StoredJoinCode } from '../../server/persistence/types';
import { connectStockClient, createBoard, eventually, makeDataDir, startTestServer, whenSynced } from '../helpers/server';
import { testDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * The promises every store keeps (server/persistence/types.ts,
 * docs/server-promises.md, docs/storage.md), asked of each implementation
 * alike: what SQLite does by default, Postgres must do with DATABASE_URL.
 */

/** Where a store keeps its data, and how to open a store on it (again, as after a restart). */
interface Backing {
  open(): Promise<Storage>;
  remove(): Promise<void>;
}

const backings: Array<[string, () => Promise<Backing>]> = [
  [
    'SQLite',
    async () => {
      const dataDir = await makeDataDir();
      return { open: async () => new SqliteStorage(dataDir), remove: () => fs.rm(dataDir, { recursive: true, force: true }) };
    },
  ],
  [
    'Postgres',
    async () => {
      const database = await testDatabase();
      return { open: () => PostgresStorage.open(database.url), remove: () => database.drop() };
    },
  ],
];

const bytes = (n = 32) => randomBytes(n);
const newId = () => randomBytes(9).toString('base64url') as BoardId;

function boardRecord(overrides: Partial<BoardRecord> = {}): BoardRecord {
  return {
    id: newId(),
    title: 'Retention workshop',
    createdAt: 1_700_000_000_000,
    tokenHashes: { facilitator: bytes(), participant: bytes(), viewer: bytes() },
    participantTokenSealed: bytes(60),
    viewerTokenSealed: bytes(60),
    joinCode: null,
    cycleId: null,
    cycleStage: 0,
    ...overrides,
  };
}

describe.each(backings)('the %s store', (_kind, makeBacking) => {
  let backing: Backing;
  let store: Storage;

  beforeAll(async () => {
    backing = await makeBacking();
    store = await backing.open();
  });
  afterAll(async () => {
    await store?.close();
    await backing?.remove();
  });

  /** A new board with an empty document, as the server creates one. */
  async function newBoard(overrides: Partial<BoardRecord> = {}): Promise<BoardRecord> {
    const board = boardRecord(overrides);
    await store.createBoard(board, Y.encodeStateAsUpdate(new Y.Doc()));
    return board;
  }

  it('creates a board and reads back every column', async () => {
    const board = await newBoard({ title: 'Ward 7 retention', cycleStage: 0 });
    expect(await store.getBoard(board.id)).toEqual(board);
    expect(await store.getBoard(newId())).toBeNull();
    const checkIn = await newBoard({ cycleId: board.id, cycleStage: 30, participantTokenSealed: null, viewerTokenSealed: null });
    expect(await store.getBoard(checkIn.id)).toEqual(checkIn);
  });

  it('finds a board by its join code’s hash, live or stopped, and not by the code before it', async () => {
    const board = await newBoard();
    const first: StoredJoinCode = { hash: bytes(), sealed: bytes(40), participantTokenSealed: bytes(60), viewerSealed: bytes(40), issuedAt: 1_700_000_100_000, stoppedAt: null };
    await store.setJoinCode(board.id, first);
    expect((await store.findBoardByJoinCodeHash(first.hash))?.id).toBe(board.id);
    expect((await store.getBoard(board.id))?.joinCode).toEqual(first);

    const second: StoredJoinCode = { hash: bytes(), sealed: bytes(40), participantTokenSealed: bytes(60), viewerSealed: null, issuedAt: 1_700_000_200_000, stoppedAt: null };
    await store.setJoinCode(board.id, second);
    expect(await store.findBoardByJoinCodeHash(first.hash)).toBeNull();
    expect((await store.findBoardByJoinCodeHash(second.hash))?.joinCode).toEqual(second);

    const stopped: StoredJoinCode = { ...second, participantTokenSealed: null, viewerSealed: null, stoppedAt: 1_700_000_300_000 };
    await store.setJoinCode(board.id, stopped);
    expect((await store.findBoardByJoinCodeHash(second.hash))?.joinCode).toEqual(stopped);
  });

  it('keeps participants: by key hash, by id, and their colours', async () => {
    const board = await newBoard();
    const other = await newBoard();
    const alice = {
      id: newId() as unknown as ParticipantId,
      boardId: board.id,
      keyHash: bytes(),
      displayName: 'Alice',
      colour: '#005eb8',
      role: 'participant' as const,
      createdAt: 1_700_000_001_000,
    };
    const bob = { ...alice, id: newId() as unknown as ParticipantId, keyHash: bytes(), displayName: 'Bob', colour: '#da291c', createdAt: 1_700_000_002_000 };
    await store.addParticipant(alice);
    await store.addParticipant(bob);
    expect(await store.findParticipantByKeyHash(board.id, alice.keyHash)).toEqual(alice);
    expect(await store.findParticipant(board.id, bob.id)).toEqual(bob);
    // Another board's lookups find nobody.
    expect(await store.findParticipantByKeyHash(other.id, alice.keyHash)).toBeNull();
    expect(await store.findParticipant(other.id, bob.id)).toBeNull();
    expect((await store.listParticipantColours(board.id)).sort()).toEqual(['#005eb8', '#da291c']);
    expect(await store.listParticipantColours(other.id)).toEqual([]);
  });

  it('loads the snapshot first, then the log in the order appended, and resolves each append with the log’s length', async () => {
    const board = await newBoard();
    const updates = ['one', 'two', 'three'].map(noteUpdate);
    expect(await store.appendUpdate(board.id, updates[0]!)).toBe(1);
    expect(await store.appendUpdate(board.id, updates[1]!)).toBe(2);
    expect(await store.appendUpdate(board.id, updates[2]!)).toBe(3);
    const parts = await store.loadDocument(board.id);
    expect(parts).toHaveLength(4);
    expect(parts[0]).toEqual(Y.encodeStateAsUpdate(new Y.Doc()));
    expect(parts.slice(1)).toEqual(updates);
  });

  it('compacts into one snapshot, counts the log again from there, and loads the same state after more appends', async () => {
    const board = await newBoard();
    const live = new Y.Doc();
    const record = (update: Uint8Array) => Y.applyUpdate(live, update);
    for (const text of ['a', 'b', 'c']) {
      const update = noteUpdate(text);
      record(update);
      await store.appendUpdate(board.id, update);
    }
    await store.compactDocument(board.id, Y.encodeStateAsUpdate(live));
    expect(await store.loadDocument(board.id)).toHaveLength(1);
    const after = noteUpdate('d');
    record(after);
    expect(await store.appendUpdate(board.id, after)).toBe(1);
    const parts = await store.loadDocument(board.id);
    expect(parts).toHaveLength(2);
    expect(textsOf(parts).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(textsOf(parts)).toEqual(readNotes(live).map((note) => note.text));
    // A new store on the same data (a restart) counts the same log.
    const reopened = await backing.open();
    try {
      expect(textsOf(await reopened.loadDocument(board.id)).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await reopened.appendUpdate(board.id, noteUpdate('e'))).toBe(2);
    } finally {
      await reopened.close();
    }
  });

  it('lists the private documents that hold something, and only the board’s', async () => {
    const board = await newBoard();
    const other = await newBoard();
    const alice = privateDocumentName(board.id, 'alice' as ParticipantId);
    const bob = privateDocumentName(board.id, 'bob' as ParticipantId);
    expect(await store.listPrivateDocuments(board.id)).toEqual([]);
    await store.appendUpdate(alice, noteUpdate('draft'));
    await store.compactDocument(bob, noteUpdate('compacted draft'));
    await store.appendUpdate(privateDocumentName(other.id, 'carol' as ParticipantId), noteUpdate('elsewhere'));
    expect((await store.listPrivateDocuments(board.id)).sort()).toEqual([alice, bob].sort());
    expect(textsOf(await store.loadDocument(bob))).toEqual(['compacted draft']);
  });

  it('deletes a board with its participants and every document, leaving another board whole', async () => {
    const doomed = await newBoard();
    const kept = await newBoard();
    for (const board of [doomed, kept]) {
      await store.addParticipant({
        id: `${board.id}-p` as ParticipantId,
        boardId: board.id,
        keyHash: bytes(),
        displayName: 'Someone',
        colour: '#330072',
        role: 'participant',
        createdAt: 1,
      });
      await store.appendUpdate(board.id, noteUpdate(`note on ${board.id}`));
      await store.appendUpdate(privateDocumentName(board.id, `${board.id}-p` as ParticipantId), noteUpdate('private'));
    }
    const before = await store.countBoards();
    expect(await store.deleteBoard(doomed.id)).toBe(true);
    expect(await store.deleteBoard(doomed.id)).toBe(false);
    expect(await store.countBoards()).toBe(before - 1);
    expect(await store.getBoard(doomed.id)).toBeNull();
    expect(await store.findParticipant(doomed.id, `${doomed.id}-p` as ParticipantId)).toBeNull();
    expect(await store.loadDocument(doomed.id)).toEqual([]);
    expect(await store.loadDocument(privateDocumentName(doomed.id, `${doomed.id}-p` as ParticipantId))).toEqual([]);
    expect(await store.listPrivateDocuments(doomed.id)).toEqual([]);

    expect(await store.getBoard(kept.id)).toEqual(kept);
    expect(await store.findParticipant(kept.id, `${kept.id}-p` as ParticipantId)).not.toBeNull();
    expect(textsOf(await store.loadDocument(kept.id))).toEqual([`note on ${kept.id}`]);
    expect(await store.listPrivateDocuments(kept.id)).toEqual([privateDocumentName(kept.id, `${kept.id}-p` as ParticipantId)]);
  });

  it('records when boards were last used and lists the unused ones, oldest first, up to the limit', async () => {
    // Far in the past, so that the other tests' boards (created in 2023, touched now by appends) sort after these.
    const old = await newBoard({ createdAt: 1_000 });
    const older = await newBoard({ createdAt: 500 });
    const touched = await newBoard({ createdAt: 800 });
    await store.touchBoard(touched.id, 5_000);
    // A touch never moves the last use back.
    await store.touchBoard(old.id, 100);
    expect(await store.listBoardsInactiveSince(2_000, 10)).toEqual([older.id, old.id]);
    expect(await store.listBoardsInactiveSince(2_000, 1)).toEqual([older.id]);
    expect(await store.listBoardsInactiveSince(6_000, 10)).toEqual([older.id, old.id, touched.id]);
    // Appending counts as use.
    await store.appendUpdate(older.id, noteUpdate('still in use'));
    expect(await store.listBoardsInactiveSince(2_000, 10)).toEqual([old.id]);
  });

  it('lists a cycle’s boards by stage, then creation, and keeps the check-ins once the workshop is deleted', async () => {
    const t = 1_700_000_000_000;
    const workshop = await newBoard({ title: 'Workshop', createdAt: t + 10 });
    const day60 = await newBoard({ title: 'Day 60', cycleId: workshop.id, cycleStage: 60, createdAt: t + 30 });
    const day30 = await newBoard({ title: 'Day 30', cycleId: workshop.id, cycleStage: 30, createdAt: t + 40 });
    const day30again = await newBoard({ title: 'Day 30 again', cycleId: workshop.id, cycleStage: 30, createdAt: t + 20 });
    await newBoard({ title: 'Another cycle', createdAt: t + 15 });
    const listed = await store.listCycleBoards(workshop.id);
    expect(listed).toEqual([
      { id: workshop.id, title: 'Workshop', stage: 0, createdAt: t + 10 },
      { id: day30again.id, title: 'Day 30 again', stage: 30 as CycleStage, createdAt: t + 20 },
      { id: day30.id, title: 'Day 30', stage: 30, createdAt: t + 40 },
      { id: day60.id, title: 'Day 60', stage: 60, createdAt: t + 30 },
    ]);
    await store.deleteBoard(workshop.id);
    expect((await store.listCycleBoards(workshop.id)).map((board) => board.id)).toEqual([day30again.id, day30.id, day60.id]);
  });

  it('counts the boards it holds', async () => {
    const before = await store.countBoards();
    await newBoard();
    await newBoard();
    expect(await store.countBoards()).toBe(before + 2);
  });

  it('lands many callers’ appends to one document in one turn, each once and in order', async () => {
    const board = await newBoard();
    const texts = Array.from({ length: 40 }, (_, i) => `note ${i}`);
    const updates = texts.map(noteUpdate);
    const lengths = await Promise.all(updates.map((update) => store.appendUpdate(board.id, update)));
    // Each caller hears the log's length once the whole turn is written, as the SQLite store says it.
    expect(new Set(lengths)).toEqual(new Set([40]));
    expect((await store.loadDocument(board.id)).slice(1)).toEqual(updates);
  });

  it('writes appends to several documents in one turn, each to its own log', async () => {
    const board = await newBoard();
    const names: DocumentName[] = [board.id, privateDocumentName(board.id, 'p1' as ParticipantId), privateDocumentName(board.id, 'p2' as ParticipantId)];
    const results = await Promise.all(
      [0, 1, 2].flatMap((round) => names.map((name, i) => store.appendUpdate(name, noteUpdate(`${i}:${round}`)).then((length) => [name, length] as const))),
    );
    for (const [, length] of results) expect(length).toBe(3);
    for (const [i, name] of names.entries()) {
      const parts = await store.loadDocument(name);
      const log = i === 0 ? parts.slice(1) : parts;
      expect(textsOf(log).sort()).toEqual([`${i}:0`, `${i}:1`, `${i}:2`]);
      expect(log).toHaveLength(3);
    }
  });

  it('writes the appends still queued before it closes', async () => {
    const board = await newBoard();
    const second = await backing.open();
    const appended = Array.from({ length: 5 }, (_, i) => second.appendUpdate(board.id, noteUpdate(`late ${i}`)));
    await second.close();
    expect(await Promise.all(appended)).toEqual([5, 5, 5, 5, 5]);
    expect(textsOf(await store.loadDocument(board.id)).sort()).toEqual(['late 0', 'late 1', 'late 2', 'late 3', 'late 4']);
  });

  it('answers the health check', async () => {
    await expect(store.checkHealth()).resolves.toBeUndefined();
  });
});

describe('the Postgres store’s database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('migrates once, even with two servers starting at once, and refuses a database a newer release migrated', async () => {
    const [a, b] = await Promise.all([PostgresStorage.open(database.url), PostgresStorage.open(database.url)]);
    await a.close();
    await b.close();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM retain_schema ORDER BY version')).rows).toEqual(
        Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
      );
      await client.query('INSERT INTO retain_schema (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1]);
    } finally {
      await client.end();
    }
    const opening = PostgresStorage.open(database.url);
    await expect(opening).rejects.toBeInstanceOf(StorageVersionError);
    await expect(opening).rejects.toThrow(`newer release of Retain (storage version ${POSTGRES_SCHEMA_VERSION + 1})`);
  });
});

describe('a server with DATABASE_URL', () => {
  it('reads DATABASE_URL as a postgres:// URL, and keeps SQLite without it', () => {
    expect(configFromEnv({}).databaseUrl).toBeNull();
    expect(configFromEnv({ DATABASE_URL: 'postgres://retain@db.internal:5432/retain' }).databaseUrl).toBe('postgres://retain@db.internal:5432/retain');
    expect(configFromEnv({ DATABASE_URL: 'postgresql://retain@db.internal/retain' }).databaseUrl).toBe('postgresql://retain@db.internal/retain');
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://retain@db.internal/retain' })).toThrow(/DATABASE_URL: give a postgres:\/\/ URL/);
  });

  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps its boards in PostgreSQL, across a restart', async () => {
    let server = await startTestServer({ databaseUrl: database.url, roomUnloadGraceMs: 60_000 });
    const board = await createBoard(server, 'Kept in Postgres');
    const alice = connectStockClient(server, board.boardId, { token: board.tokens.facilitator });
    try {
      await whenSynced(alice.provider);
      addNote(alice.doc, { text: 'stored in Postgres', x: 10, y: 20, authorId: null, authorName: '' });
      await eventually(async () => {
        const room = await server.rooms.get(board.boardId as BoardId);
        expect(readNotes(room!.doc).map((note) => note.text)).toEqual(['stored in Postgres']);
      });
      // Nothing of it goes to a SQLite file.
      expect(await fs.readdir(server.dataDir)).toEqual([]);
    } finally {
      alice.destroy();
      await server.stop();
    }

    server = await startTestServer({ databaseUrl: database.url });
    const bob = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    try {
      await whenSynced(bob.provider);
      expect(readNotes(bob.doc).map((note) => note.text)).toEqual(['stored in Postgres']);
      expect(await server.storage.countBoards()).toBe(1);
    } finally {
      bob.destroy();
      await server.stop();
    }
  });
});
