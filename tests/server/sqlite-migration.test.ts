import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { SQLITE_FILE_NAME, SqliteStorage } from '../../server/persistence/sqlite';
import { privateDocumentName } from '../../server/persistence/types';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import { hashSecret, newSecret } from '../../server/auth/tokens';
import { hashJoinCode } from '../../server/auth/joinCodes';
import { makeDataDir, startTestServer, type TestServer } from '../helpers/server';

/** The tables as release 1 wrote them, frozen: a trust's file may still look like this. */
const VERSION_1_TABLES = `
CREATE TABLE boards (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL,
  facilitator_token_hash BLOB NOT NULL, participant_token_hash BLOB NOT NULL, viewer_token_hash BLOB NOT NULL,
  join_code TEXT NOT NULL UNIQUE);
CREATE TABLE participants (id TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  key_hash BLOB NOT NULL UNIQUE, display_name TEXT NOT NULL, colour TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX participants_board ON participants(board_id);
CREATE TABLE document_snapshots (board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
  state BLOB NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE document_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  data BLOB NOT NULL);
CREATE INDEX document_updates_board ON document_updates(board_id, seq);
PRAGMA user_version = 1;
`;

/** The tables as release 4 wrote them, frozen: join codes hashed and sealed, the participant token known only by its hash. */
const VERSION_4_TABLES = `
CREATE TABLE boards (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL,
  facilitator_token_hash BLOB NOT NULL, participant_token_hash BLOB NOT NULL, viewer_token_hash BLOB NOT NULL,
  last_active_at INTEGER NOT NULL DEFAULT 0, join_code_hash BLOB UNIQUE, join_code_sealed BLOB,
  join_code_issued_at INTEGER, join_code_stopped_at INTEGER);
CREATE INDEX boards_last_active ON boards(last_active_at);
CREATE TABLE participants (id TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  key_hash BLOB NOT NULL UNIQUE, display_name TEXT NOT NULL, colour TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX participants_board ON participants(board_id);
CREATE TABLE document_snapshots (doc_name TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  state BLOB NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX document_snapshots_board ON document_snapshots(board_id);
CREATE TABLE document_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_name TEXT NOT NULL,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE, data BLOB NOT NULL);
CREATE INDEX document_updates_doc ON document_updates(doc_name, seq);
CREATE INDEX document_updates_board ON document_updates(board_id);
PRAGMA user_version = 4;
`;

describe('the SQLite tables', () => {
  let dataDir = '';
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('brings a release-1 file forward, keeping every board’s snapshot and log, and stores private documents beside them', async () => {
    dataDir = await makeDataDir();
    const boardId = 'board-from-release-1' as BoardId;
    const doc = new Y.Doc();
    doc.getMap('board').set('title', 'Old board');
    const snapshot = Y.encodeStateAsUpdate(doc);
    const before = Y.encodeStateVector(doc);
    doc.getMap('notes').set('n1', 'kept');
    const logged = Y.encodeStateAsUpdate(doc, before);

    const old = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    old.exec(VERSION_1_TABLES);
    old.prepare('INSERT INTO boards VALUES (?, ?, ?, ?, ?, ?, ?)').run(boardId, 'Old board', 1, Buffer.alloc(32), Buffer.alloc(32, 1), Buffer.alloc(32, 2), 'ABCD-EFGH');
    old.prepare('INSERT INTO document_snapshots VALUES (?, ?, ?)').run(boardId, snapshot, 1);
    old.prepare('INSERT INTO document_updates (board_id, data) VALUES (?, ?)').run(boardId, logged);
    old.close();

    const storage = new SqliteStorage(dataDir);
    try {
      const loaded = new Y.Doc();
      for (const part of await storage.loadDocument(boardId)) Y.applyUpdate(loaded, part);
      expect(loaded.getMap('notes').get('n1')).toBe('kept');
      expect(loaded.getMap('board').get('title')).toBe('Old board');

      const mine = privateDocumentName(boardId, 'p1' as ParticipantId);
      expect(await storage.appendUpdate(mine, logged)).toBe(1);
      expect(await storage.listPrivateDocuments(boardId)).toEqual([mine]);
      // The board's own log is its own.
      expect(await storage.loadDocument(boardId)).toHaveLength(2);
      // Storage version 7: a board from before cycles is a workshop, a cycle of its own.
      expect(await storage.getBoard(boardId)).toMatchObject({ cycleId: null, cycleStage: 0 });
      expect(await storage.listCycleBoards(boardId)).toEqual([{ id: boardId, title: 'Old board', stage: 0, createdAt: 1 }]);
    } finally {
      await storage.close();
    }
    const reopened = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    expect(reopened.pragma('user_version', { simple: true })).toBe(7);
    reopened.close();
  });

  it('brings a release-4 file forward: the code of a board whose participant token it cannot recover stays the credential of those who type it, a new code too', async () => {
    dataDir = await makeDataDir();
    const boardId = 'board-from-release-4' as BoardId;
    const tokens = { facilitator: newSecret(), participant: newSecret(), viewer: newSecret() };
    const code = 'WXYZ-2345';
    const old = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    old.exec(VERSION_4_TABLES);
    const now = Date.now();
    old
      .prepare('INSERT INTO boards VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)')
      .run(boardId, 'Old board', now, hashSecret(tokens.facilitator), hashSecret(tokens.participant), hashSecret(tokens.viewer), now, hashJoinCode(code), now);
    old.prepare('INSERT INTO document_snapshots VALUES (?, ?, ?, ?)').run(boardId, boardId, Y.encodeStateAsUpdate(new Y.Doc()), now);
    old.close();

    server = await startTestServer({ dataDir });
    const join = async (typed: string) =>
      (await fetch(`${server!.url}/api/join`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: typed }) })).json();
    const opensBoard = async (token: string) => (await fetch(`${server!.url}/api/boards/${boardId}?token=${encodeURIComponent(token)}`)).status;
    expect(await join(code)).toEqual({ boardId, token: code });
    expect(await opensBoard(code)).toBe(200);

    const renewed = await fetch(`${server.url}/api/boards/${boardId}/join-code`, { method: 'POST', headers: { Authorization: `Bearer ${tokens.facilitator}` } });
    const { joinCode } = (await renewed.json()) as { joinCode: string };
    expect(await join(joinCode)).toEqual({ boardId, token: joinCode });
    expect(await opensBoard(joinCode)).toBe(200);
    expect(await opensBoard(tokens.participant)).toBe(200);
    const stored = await server.storage.getBoard(boardId);
    expect(stored).toMatchObject({ participantTokenSealed: null, joinCode: { participantTokenSealed: null } });
    // Nor can it recover the viewer token: its presenter view shows no code, and its facilitator is given no viewer link.
    const infoFor = async (token: string) => (await fetch(`${server!.url}/api/boards/${boardId}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(await infoFor(tokens.viewer)).toMatchObject({ role: 'viewer', joinCode: null, viewerLink: null });
    expect(await infoFor(tokens.facilitator)).toMatchObject({ joinCode, viewerLink: null });
  });
});
