import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { SQLITE_FILE_NAME, SqliteStorage } from '../../server/persistence/sqlite';
import { privateDocumentName } from '../../server/persistence/types';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import { makeDataDir } from '../helpers/server';

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

describe('the SQLite tables', () => {
  let dataDir = '';
  afterEach(async () => {
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
    } finally {
      await storage.close();
    }
    const reopened = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    expect(reopened.pragma('user_version', { simple: true })).toBe(4);
    reopened.close();
  });
});
