import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { addNote } from '../../shared/document/notes';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import { privateDocumentName } from '../../server/persistence/types';
import { SQLITE_FILE_NAME, SqliteStorage } from '../../server/persistence/sqlite';
import { hashJoinCode } from '../../server/auth/joinCodes';
import { createBoard, makeDataDir, registerParticipant, startTestServer, type TestServer } from '../helpers/server';

/** Every file under a folder, with its bytes. */
async function filesUnder(dir: string): Promise<{ file: string; bytes: Buffer }[]> {
  const found: { file: string; bytes: Buffer }[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(file)));
    else found.push({ file, bytes: await fs.readFile(file) });
  }
  return found;
}

/** Which files hold the text in any encoding SQLite could store it in (UTF-8, UTF-16 either way round). */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const utf16le = Buffer.from(text, 'utf16le');
  const utf16be = Buffer.from(utf16le).swap16();
  const needles = [Buffer.from(text, 'utf8'), utf16le, utf16be];
  return (await filesUnder(dir)).filter(({ bytes }) => needles.some((needle) => bytes.indexOf(needle) >= 0)).map(({ file }) => path.basename(file));
}

function modeOf(stat: { mode: number }): string {
  return (stat.mode & 0o777).toString(8);
}

describe('data at rest', () => {
  let server: TestServer | null = null;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.stop();
    server = null;
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  it('leaves nothing of a deleted board in any file under DATA_DIR: title, notes, a private draft, a person’s name', async () => {
    server = await startTestServer();
    const secrets = {
      title: 'Title-Qv8 ward nine retention',
      name: 'Name-Jh4 Philippa',
      note: 'Note-Rz2 rota changes without notice',
      draft: 'Draft-Kc6 thinking of leaving in spring',
    };
    const board = await createBoard(server, secrets.title, 'four-perspectives');
    const person = await registerParticipant(server, board.boardId, board.tokens.participant, secrets.name);
    const boardId = board.boardId as BoardId;
    // Written through the store exactly as the rooms write them: the board's log, then a snapshot of it, and a private document.
    const shared = new Y.Doc();
    addNote(shared, { text: secrets.note, x: 0, y: 0, authorId: null, authorName: secrets.name });
    await server.storage.appendUpdate(boardId, Y.encodeStateAsUpdate(shared));
    await server.storage.compactDocument(boardId, Y.encodeStateAsUpdate(shared));
    await server.storage.appendUpdate(boardId, Y.encodeStateAsUpdate(shared));
    const mine = new Y.Doc();
    addNote(mine, { text: secrets.draft, x: 0, y: 0, authorId: person.participantId as ParticipantId, authorName: secrets.name });
    await server.storage.appendUpdate(privateDocumentName(boardId, person.participantId as ParticipantId), Y.encodeStateAsUpdate(mine));
    // A board that stays, so the file is not simply emptied.
    await createBoard(server, 'Another workshop that stays');
    for (const text of Object.values(secrets)) expect(await filesHolding(server.dataDir, text), text).not.toEqual([]);

    const deleted = await fetch(`${server.url}/api/boards/${board.boardId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
    });
    expect(deleted.status).toBe(204);

    for (const text of Object.values(secrets)) expect(await filesHolding(server.dataDir, text), text).toEqual([]);
    expect(await filesHolding(server.dataDir, 'Another workshop that stays')).not.toEqual([]);
  });

  it('keeps DATA_DIR readable by the service’s account only: the folder 700, the database and its log 600', async () => {
    const parent = await makeDataDir();
    dirs.push(parent);
    const dataDir = path.join(parent, 'data');
    server = await startTestServer({ dataDir });
    await createBoard(server);
    expect(modeOf(await fs.stat(dataDir))).toBe('700');
    const files = await fs.readdir(dataDir);
    expect(files).toEqual(expect.arrayContaining([SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`]));
    for (const file of files) expect(modeOf(await fs.stat(path.join(dataDir, file))), file).toBe('600');
  });

  it('tightens database files an older release left readable by everyone, and warns about a folder others may read', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    await fs.chmod(dataDir, 0o755);
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    new Database(file).close();
    await fs.chmod(file, 0o644);
    const log = { warn: vi.fn() };
    const storage = new SqliteStorage(dataDir, log);
    await storage.close();
    expect(modeOf(await fs.stat(file))).toBe('600');
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ dataDir, mode: '755' }), expect.stringContaining('DATA_DIR'));
  });

  it('migrates join codes kept in clear: afterwards no file holds the code, and the code still opens its board', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const code = 'WXYZ-2345';
    const boardId = 'board-with-a-clear-code' as BoardId;
    // A release-3 file: written by the release before this one, which kept the code readable.
    const seed = new SqliteStorage(dataDir);
    await seed.close();
    const old = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    old.exec(`
      CREATE TABLE boards_release_3 (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL,
        facilitator_token_hash BLOB NOT NULL, participant_token_hash BLOB NOT NULL, viewer_token_hash BLOB NOT NULL,
        join_code TEXT NOT NULL UNIQUE, last_active_at INTEGER NOT NULL DEFAULT 0);
      DROP TABLE boards;
      ALTER TABLE boards_release_3 RENAME TO boards;
      CREATE INDEX boards_last_active ON boards(last_active_at);
      PRAGMA user_version = 3;
    `);
    const now = Date.now();
    old.prepare('INSERT INTO boards VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(boardId, 'Old board', now, Buffer.alloc(32), Buffer.alloc(32, 1), Buffer.alloc(32, 2), code, now);
    old.prepare('INSERT INTO participants VALUES (?, ?, ?, ?, ?, ?, ?)').run('p1', boardId, Buffer.alloc(32, 3), 'Sam', '#aa0000', 'participant', now);
    old.close();
    expect(await filesHolding(dataDir, code)).not.toEqual([]);

    const storage = new SqliteStorage(dataDir);
    try {
      const found = await storage.findBoardByJoinCodeHash(hashJoinCode(code));
      expect(found?.id).toBe(boardId);
      expect(found?.joinCode).toMatchObject({ sealed: null, issuedAt: now, stoppedAt: null });
      // The table was rebuilt: the board's people stayed with it.
      expect(await storage.listParticipantColours(boardId)).toEqual(['#aa0000']);
    } finally {
      await storage.close();
    }
    expect(await filesHolding(dataDir, code)).toEqual([]);
  });
});
