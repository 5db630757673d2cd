import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { hashJoinCode } from '../auth/joinCodes';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import {
  type BoardRecord,
  type CycleBoard,
  type DocumentName,
  parseDocumentName,
  type ParticipantRecord,
  type PrivateDocumentName,
  type Storage,
  type StoredJoinCode,
} from './types';
import { SqliteWriterThread } from './sqliteWriterThread';
import { type BoardRow, type ParticipantRow, storedStage, toBoardRecord, toParticipantRecord } from './rows';

/** The file inside DATA_DIR that holds every board. */
export const SQLITE_FILE_NAME = 'retain.sqlite';

/** Raised when the database file was written by a newer release of Retain. */
export class StorageVersionError extends Error {
  override name = 'StorageVersionError';
}

/** The version of the SQL tables; PRAGMA user_version records it in the file. */
const SQL_SCHEMA_VERSION = 7;

/** How stale a board's recorded last use may be: the retention period is counted in days. */
const LAST_USE_PRECISION_MS = 10 * 60 * 1000;

/**
 * Each step brings the tables from one version to the next; a new file runs
 * them all. Released steps never change: a trust's file may be at any of them.
 */
const SQL_MIGRATIONS: readonly string[] = [
  // 0 -> 1: boards, participants, and one document per board.
  `
CREATE TABLE IF NOT EXISTS boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  facilitator_token_hash BLOB NOT NULL,
  participant_token_hash BLOB NOT NULL,
  viewer_token_hash BLOB NOT NULL,
  join_code TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS participants (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  key_hash BLOB NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  colour TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS participants_board ON participants(board_id);
CREATE TABLE IF NOT EXISTS document_snapshots (
  board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
  state BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS document_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS document_updates_board ON document_updates(board_id, seq);
`,
  // 1 -> 2: several documents per board (each participant's private one),
  // named by doc_name; board_id stays for the cascade when a board is deleted.
  `
CREATE TABLE document_snapshots_v2 (
  doc_name TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  state BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO document_snapshots_v2 (doc_name, board_id, state, updated_at)
  SELECT board_id, board_id, state, updated_at FROM document_snapshots;
DROP TABLE document_snapshots;
ALTER TABLE document_snapshots_v2 RENAME TO document_snapshots;
CREATE INDEX document_snapshots_board ON document_snapshots(board_id);
CREATE TABLE document_updates_v2 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_name TEXT NOT NULL,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  data BLOB NOT NULL
);
INSERT INTO document_updates_v2 (seq, doc_name, board_id, data)
  SELECT seq, board_id, board_id, data FROM document_updates;
DROP TABLE document_updates;
ALTER TABLE document_updates_v2 RENAME TO document_updates;
CREATE INDEX document_updates_doc ON document_updates(doc_name, seq);
CREATE INDEX document_updates_board ON document_updates(board_id);
`,
  // 2 -> 3: when each board was last used, for the retention period. A board
  // from before counts as used when it was created.
  `
ALTER TABLE boards ADD COLUMN last_active_at INTEGER NOT NULL DEFAULT 0;
UPDATE boards SET last_active_at = created_at;
CREATE INDEX boards_last_active ON boards(last_active_at);
`,
  // 3 -> 4: join codes at rest as a hash (to find the board by) and sealed
  // for the facilitator, never in clear. A code from before cannot be sealed
  // (the facilitator's token is not stored): it keeps working by its hash,
  // counted as issued when its board was created, and the facilitator sees
  // no code until they issue a new one. The table is rebuilt because SQLite
  // cannot drop a UNIQUE column; secure_delete zeroes the old pages.
  `
CREATE TABLE boards_v4 (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  facilitator_token_hash BLOB NOT NULL,
  participant_token_hash BLOB NOT NULL,
  viewer_token_hash BLOB NOT NULL,
  last_active_at INTEGER NOT NULL DEFAULT 0,
  join_code_hash BLOB UNIQUE,
  join_code_sealed BLOB,
  join_code_issued_at INTEGER,
  join_code_stopped_at INTEGER
);
INSERT INTO boards_v4 (id, title, created_at, facilitator_token_hash, participant_token_hash, viewer_token_hash, last_active_at,
  join_code_hash, join_code_sealed, join_code_issued_at, join_code_stopped_at)
  SELECT id, title, created_at, facilitator_token_hash, participant_token_hash, viewer_token_hash, last_active_at,
    retain_join_code_hash(join_code), NULL, created_at, NULL FROM boards;
DROP TABLE boards;
ALTER TABLE boards_v4 RENAME TO boards;
CREATE INDEX boards_last_active ON boards(last_active_at);
`,
  // 4 -> 5: the participant token sealed for the facilitator, and under the
  // current join code, so that the code hands it out (server/auth/joinCodes.ts).
  // A board from before has neither: its participant token is known to no one
  // but the people holding its link, and its code stays their credential.
  `
ALTER TABLE boards ADD COLUMN participant_token_sealed BLOB;
ALTER TABLE boards ADD COLUMN join_code_participant_token_sealed BLOB;
`,
  // 5 -> 6: the viewer token sealed for the facilitator, and the join code
  // sealed under the viewer token, so that the presenter view (the viewer
  // link on a projector) shows the code and the facilitator is given the
  // viewer link (server/auth/joinCodes.ts). A board from before has neither:
  // its viewer token is known only to whoever holds the link, so its
  // presenter view shows no code and its facilitator no viewer link.
  `
ALTER TABLE boards ADD COLUMN viewer_token_sealed BLOB;
ALTER TABLE boards ADD COLUMN join_code_viewer_sealed BLOB;
`,
  // 6 -> 7: the retention cycle (docs/api.md, "Check-ins"): the cycle a board
  // belongs to (the id of its workshop board) and its stage (0, 30, 60, 90).
  // A board from before has no cycle id and stage 0: a cycle of its own.
  // No foreign key: deleting the workshop must leave its check-ins in the cycle.
  `
ALTER TABLE boards ADD COLUMN cycle_id TEXT;
ALTER TABLE boards ADD COLUMN cycle_stage INTEGER NOT NULL DEFAULT 0;
CREATE INDEX boards_cycle ON boards(cycle_id);
`,
];

/** Only the service's own account may read the database: the folder and every file in it. */
const DATA_DIR_MODE = 0o700;
const DATABASE_FILE_MODE = 0o600;
/** SQLite's companions of the database file in WAL mode. */
const DATABASE_FILE_SUFFIXES = ['', '-wal', '-shm'] as const;

/**
 * The embedded default store: one SQLite file in WAL mode with
 * synchronous=FULL, so a committed transaction survives a crash or power cut.
 *
 * The documents' logs and snapshots are written by a writer thread on a
 * connection of its own (server/persistence/sqliteWriterThread.ts), in
 * groups: the appends of every room that arrive while one group is being
 * committed go together in the next, one transaction and one fsync, and the
 * main thread serves sockets meanwhile (docs/storage.md, "The writer
 * thread"). Reads and the rarer writes (boards, participants, join codes)
 * stay on this thread's connection.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly writer: SqliteWriterThread;
  /** The last use written for each board, to skip writes that would change it by minutes only. */
  private readonly lastUseWritten = new Map<BoardId, number>();
  private readonly statements;

  /** `log` hears about a data folder others may read; without one, the warning goes nowhere. */
  constructor(dataDir: string, log?: Pick<Logger, 'warn'>) {
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    prepareDataDir(dataDir, log);
    // SQLite gives the -wal and -shm files the database file's mode, so the file is made private before SQLite opens it.
    fs.closeSync(fs.openSync(file, 'a', DATABASE_FILE_MODE));
    this.db = new Database(file);
    // Freed pages are zeroed: a deleted board leaves nothing readable in the file (docs/server-promises.md, "Data lifecycle").
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // Off while tables are rebuilt, as SQLite's procedure for a table change asks
    // (better-sqlite3 turns them on by default): dropping the old boards table must not cascade.
    this.db.pragma('foreign_keys = OFF');
    this.migrateTables();
    this.db.pragma('foreign_keys = ON');
    for (const suffix of DATABASE_FILE_SUFFIXES) makePrivate(`${file}${suffix}`);
    this.writer = new SqliteWriterThread(file, (boards, at) => [...boards].filter((boardId) => this.useDue(boardId, at)));
    this.statements = {
      insertBoard: this.db.prepare(
        `INSERT INTO boards (id, title, created_at, facilitator_token_hash, participant_token_hash, viewer_token_hash, last_active_at,
           participant_token_sealed, viewer_token_sealed, join_code_hash, join_code_sealed, join_code_participant_token_sealed, join_code_viewer_sealed,
           join_code_issued_at, join_code_stopped_at, cycle_id, cycle_stage)
         VALUES (@id, @title, @created_at, @facilitator_token_hash, @participant_token_hash, @viewer_token_hash, @created_at,
           @participant_token_sealed, @viewer_token_sealed, @join_code_hash, @join_code_sealed, @join_code_participant_token_sealed, @join_code_viewer_sealed,
           @join_code_issued_at, @join_code_stopped_at, @cycle_id, @cycle_stage)`,
      ),
      // The workshop has no cycle id of its own (or its own id); its check-ins carry its id.
      listCycleBoards: this.db.prepare(
        'SELECT id, title, created_at, cycle_stage FROM boards WHERE id = @cycle_id OR cycle_id = @cycle_id ORDER BY cycle_stage, created_at, id',
      ),
      getBoard: this.db.prepare('SELECT * FROM boards WHERE id = ?'),
      getBoardByJoinCodeHash: this.db.prepare('SELECT * FROM boards WHERE join_code_hash = ?'),
      setJoinCode: this.db.prepare(
        `UPDATE boards SET join_code_hash = @join_code_hash, join_code_sealed = @join_code_sealed,
           join_code_participant_token_sealed = @join_code_participant_token_sealed, join_code_viewer_sealed = @join_code_viewer_sealed, join_code_issued_at = @join_code_issued_at, join_code_stopped_at = @join_code_stopped_at WHERE id = @id`,
      ),
      countBoards: this.db.prepare('SELECT COUNT(*) AS n FROM boards'),
      insertParticipant: this.db.prepare(
        `INSERT INTO participants (id, board_id, key_hash, display_name, colour, role, created_at)
         VALUES (@id, @board_id, @key_hash, @display_name, @colour, @role, @created_at)`,
      ),
      getParticipantByKey: this.db.prepare('SELECT * FROM participants WHERE board_id = ? AND key_hash = ?'),
      getParticipant: this.db.prepare('SELECT * FROM participants WHERE board_id = ? AND id = ?'),
      getParticipantColours: this.db.prepare('SELECT colour FROM participants WHERE board_id = ?'),
      getSnapshot: this.db.prepare('SELECT state FROM document_snapshots WHERE doc_name = ?'),
      getUpdates: this.db.prepare('SELECT data FROM document_updates WHERE doc_name = ? ORDER BY seq'),
      upsertSnapshot: this.db.prepare(
        `INSERT INTO document_snapshots (doc_name, board_id, state, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(doc_name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ),
      deleteBoard: this.db.prepare('DELETE FROM boards WHERE id = ?'),
      listInactiveBoards: this.db.prepare('SELECT id FROM boards WHERE last_active_at < ? ORDER BY last_active_at LIMIT ?'),
      listDocuments: this.db.prepare(
        `SELECT doc_name FROM document_snapshots WHERE board_id = ?
         UNION SELECT DISTINCT doc_name FROM document_updates WHERE board_id = ?`,
      ),
    };
  }

  private migrateTables(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SQL_SCHEMA_VERSION) {
      throw new StorageVersionError(
        `The database was written by a newer release of Retain (storage version ${version}); this release understands up to ${SQL_SCHEMA_VERSION}.`,
      );
    }
    if (version < SQL_SCHEMA_VERSION) {
      this.db.function('retain_join_code_hash', { deterministic: true }, (code: unknown) => (typeof code === 'string' ? hashJoinCode(code) : null));
      this.db.transaction(() => {
        for (const step of SQL_MIGRATIONS.slice(version)) this.db.exec(step);
        const broken = this.db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`The storage migration left ${broken.length} rows without their board; nothing was changed.`);
        this.db.pragma(`user_version = ${SQL_SCHEMA_VERSION}`);
      })();
      // What the old tables held (join codes in clear) leaves the log as well as the file.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }

  async createBoard(board: BoardRecord, initialState: Uint8Array): Promise<void> {
    this.db.transaction(() => {
      this.statements.insertBoard.run({
        id: board.id,
        title: board.title,
        created_at: board.createdAt,
        facilitator_token_hash: board.tokenHashes.facilitator,
        participant_token_hash: board.tokenHashes.participant,
        viewer_token_hash: board.tokenHashes.viewer,
        participant_token_sealed: board.participantTokenSealed ?? null,
        viewer_token_sealed: board.viewerTokenSealed ?? null,
        ...joinCodeColumns(board.joinCode),
        cycle_id: board.cycleId ?? null,
        cycle_stage: board.cycleStage ?? 0,
      });
      this.statements.upsertSnapshot.run(board.id, board.id, initialState, board.createdAt);
    })();
  }

  async getBoard(boardId: BoardId): Promise<BoardRecord | null> {
    const row = this.statements.getBoard.get(boardId) as BoardRow | undefined;
    return row ? toBoardRecord(row) : null;
  }

  async findBoardByJoinCodeHash(hash: Buffer): Promise<BoardRecord | null> {
    const row = this.statements.getBoardByJoinCodeHash.get(hash) as BoardRow | undefined;
    return row ? toBoardRecord(row) : null;
  }

  async setJoinCode(boardId: BoardId, joinCode: StoredJoinCode): Promise<void> {
    this.statements.setJoinCode.run({ id: boardId, ...joinCodeColumns(joinCode) });
  }

  async countBoards(): Promise<number> {
    return (this.statements.countBoards.get() as { n: number }).n;
  }

  async addParticipant(p: ParticipantRecord): Promise<void> {
    this.statements.insertParticipant.run({
      id: p.id,
      board_id: p.boardId,
      key_hash: p.keyHash,
      display_name: p.displayName,
      colour: p.colour,
      role: p.role,
      created_at: p.createdAt,
    });
  }

  async findParticipant(boardId: BoardId, participantId: ParticipantId): Promise<ParticipantRecord | null> {
    return toParticipantRecord(this.statements.getParticipant.get(boardId, participantId) as ParticipantRow | undefined);
  }

  async findParticipantByKeyHash(boardId: BoardId, keyHash: Buffer): Promise<ParticipantRecord | null> {
    return toParticipantRecord(this.statements.getParticipantByKey.get(boardId, keyHash) as ParticipantRow | undefined);
  }

  async listParticipantColours(boardId: BoardId): Promise<string[]> {
    return (this.statements.getParticipantColours.all(boardId) as { colour: string }[]).map((row) => row.colour);
  }

  async loadDocument(name: DocumentName): Promise<Uint8Array[]> {
    // A document is loaded before anything is appended to it: the writer gets ready meanwhile.
    this.writer.start();
    const snapshot = this.statements.getSnapshot.get(name) as { state: Buffer } | undefined;
    const updates = this.statements.getUpdates.all(name) as { data: Buffer }[];
    const parts = updates.map((u) => new Uint8Array(u.data));
    return snapshot ? [new Uint8Array(snapshot.state), ...parts] : parts;
  }

  async listPrivateDocuments(boardId: BoardId): Promise<PrivateDocumentName[]> {
    const rows = this.statements.listDocuments.all(boardId, boardId) as { doc_name: string }[];
    return rows.map((row) => row.doc_name as DocumentName).filter((name): name is PrivateDocumentName => parseDocumentName(name).participantId !== null);
  }

  appendUpdate(name: DocumentName, update: Uint8Array): Promise<number> {
    return this.writer.append(name, update);
  }

  async compactDocument(name: DocumentName, state: Uint8Array): Promise<void> {
    await this.writer.request({ type: 'compact', name, state, at: Date.now() });
  }

  async deleteBoard(boardId: BoardId): Promise<boolean> {
    // The participants, snapshots and update logs go with it (ON DELETE CASCADE).
    const deleted = this.statements.deleteBoard.run(boardId).changes > 0;
    // secure_delete zeroed the freed pages, but the log still holds the pages as they were, until a checkpoint empties it.
    if (deleted) this.db.pragma('wal_checkpoint(TRUNCATE)');
    await this.writer.request({ type: 'forget', boardId });
    this.lastUseWritten.delete(boardId);
    return deleted;
  }

  async touchBoard(boardId: BoardId, at: number): Promise<void> {
    if (this.useDue(boardId, at)) await this.writer.request({ type: 'touch', boardId, at });
  }

  /**
   * Whether a board's last use is to be written now (and counts it written).
   * Retention counts days: a use minutes after the last one written need not
   * be written (and fsynced) again, on a join or with every group of appends.
   */
  private useDue(boardId: BoardId, at: number): boolean {
    const written = this.lastUseWritten.get(boardId);
    if (written !== undefined && at >= written && at - written < LAST_USE_PRECISION_MS) return false;
    this.lastUseWritten.set(boardId, at);
    return true;
  }

  async listBoardsInactiveSince(cutoff: number, limit: number): Promise<BoardId[]> {
    return (this.statements.listInactiveBoards.all(cutoff, limit) as { id: string }[]).map((row) => row.id as BoardId);
  }

  async listCycleBoards(cycleId: BoardId): Promise<CycleBoard[]> {
    const rows = this.statements.listCycleBoards.all({ cycle_id: cycleId }) as Pick<BoardRow, 'id' | 'title' | 'created_at' | 'cycle_stage'>[];
    return rows.map((row) => ({ id: row.id as BoardId, title: row.title, stage: storedStage(row.cycle_stage), createdAt: Number(row.created_at) }));
  }

  async checkHealth(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }
}

function joinCodeColumns(joinCode: StoredJoinCode | null) {
  return {
    join_code_hash: joinCode?.hash ?? null,
    join_code_sealed: joinCode?.sealed ?? null,
    join_code_participant_token_sealed: joinCode?.participantTokenSealed ?? null,
    join_code_viewer_sealed: joinCode?.viewerSealed ?? null,
    join_code_issued_at: joinCode?.issuedAt ?? null,
    join_code_stopped_at: joinCode?.stoppedAt ?? null,
  };
}

/**
 * Creates the data folder readable by the service's account only. A folder
 * that already exists is left as the operator made it (it may be shared on
 * purpose; the files in it are private either way), with a warning when
 * others may list it.
 */
function prepareDataDir(dataDir: string, log: Pick<Logger, 'warn'> | undefined): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  const mode = fs.statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    log?.warn({ dataDir, mode: mode.toString(8) }, 'DATA_DIR may be read by other users of this machine: chmod 700 it');
  }
}

/** Tightens a database file to the service's account, wherever it came from (an older release, a restore). */
function makePrivate(file: string): void {
  try {
    fs.chmodSync(file, DATABASE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
