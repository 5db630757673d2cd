import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import { StorageVersionError } from './sqlite';
import {
  type BoardOwnership,
  type BoardRecord,
  type CycleBoard,
  type DocumentName,
  parseDocumentName,
  OwnershipLostError,
  type ParticipantRecord,
  type PrivateDocumentName,
  type Storage,
  type StoredJoinCode,
} from './types';
import { type BoardRow, type ParticipantRow, storedStage, toBoardRecord, toParticipantRecord } from './rows';

/**
 * Taken by every process migrating the tables, so that two servers started
 * at once against one database migrate one after the other (docs/storage.md).
 * Any fixed number: it only has to be Retain's own.
 */
const MIGRATION_LOCK_KEY = 0x5245_5441; // "RETA"

/** How stale a board's recorded last use may be: the retention period is counted in days (as in the SQLite store). */
const LAST_USE_PRECISION_MS = 10 * 60 * 1000;

/**
 * Each step brings the tables from one version to the next, recorded in
 * `retain_schema`; a new database runs them all. Released steps never
 * change: a trust's database may be at any of them. The columns are the
 * SQLite store's (server/persistence/sqlite.ts), so both keep the same
 * promises (docs/server-promises.md); the documents differ: a row per
 * document carries its snapshot, the sequence number it covers, and the
 * counter the log's sequence numbers come from (docs/storage.md).
 */
const SQL_MIGRATIONS: readonly string[] = [
  // 0 -> 1
  `
CREATE TABLE boards (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  facilitator_token_hash BYTEA NOT NULL,
  participant_token_hash BYTEA NOT NULL,
  viewer_token_hash BYTEA NOT NULL,
  last_active_at BIGINT NOT NULL,
  participant_token_sealed BYTEA,
  viewer_token_sealed BYTEA,
  join_code_hash BYTEA UNIQUE,
  join_code_sealed BYTEA,
  join_code_participant_token_sealed BYTEA,
  join_code_viewer_sealed BYTEA,
  join_code_issued_at BIGINT,
  join_code_stopped_at BIGINT,
  -- No foreign key: deleting the workshop must leave its check-ins in the cycle.
  cycle_id TEXT,
  cycle_stage INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX boards_last_active ON boards(last_active_at);
CREATE INDEX boards_cycle ON boards(cycle_id);
CREATE TABLE participants (
  id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  key_hash BYTEA NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  colour TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX participants_board ON participants(board_id);
CREATE TABLE documents (
  name TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  snapshot BYTEA,
  snapshot_seq BIGINT NOT NULL DEFAULT 0,
  last_seq BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX documents_board ON documents(board_id);
CREATE TABLE document_updates (
  doc_name TEXT NOT NULL REFERENCES documents(name) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (doc_name, seq)
);
`,
  // 1 -> 2: one owner per board (docs/storage.md, "One owner per board"). A lease's times are
  // the database's clock in milliseconds, so the processes' own clocks never matter; `epoch`
  // only grows, and each log entry records the epoch it was appended under (NULL before leases).
  `
CREATE TABLE board_leases (
  board_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  epoch BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
ALTER TABLE document_updates ADD COLUMN epoch BIGINT;
`,
];

/** The database's clock now, in milliseconds: every lease time is read and written on it (docs/storage.md). */
const DB_NOW_MS = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT`;

/** The version of the tables this release writes. */
export const POSTGRES_SCHEMA_VERSION = SQL_MIGRATIONS.length;

interface PendingAppend {
  name: DocumentName;
  boardId: BoardId;
  update: Uint8Array;
  resolve: (logLength: number) => void;
  reject: (error: unknown) => void;
}

const BOARD_COLUMNS = `id, title, created_at, facilitator_token_hash, participant_token_hash, viewer_token_hash,
  participant_token_sealed, viewer_token_sealed, join_code_hash, join_code_sealed, join_code_participant_token_sealed,
  join_code_viewer_sealed, join_code_issued_at, join_code_stopped_at, cycle_id, cycle_stage`;

/**
 * The store for more than one server process: every table in one
 * PostgreSQL database, chosen with DATABASE_URL (docs/storage.md).
 *
 * Appends queued in one event-loop turn, from every room, are written in a
 * single transaction, and each caller's promise resolves only after its
 * COMMIT: the room broadcasts after that (docs/server-promises.md). One
 * batch is written at a time, so a process's appends reach the log in the
 * order they were made.
 */
export class PostgresStorage implements Storage, BoardOwnership {
  /** This process's name in `board_leases`: new at every start, so a restarted process never inherits a lease it did not claim. */
  readonly ownerId = randomUUID();
  /**
   * The epoch of each board whose lease this process claimed, which its
   * appends and compactions are fenced with; null once released or lost
   * (they are then refused). A board never claimed here is written
   * unfenced, with no epoch: the rooms claim every board they serve, so
   * only callers outside them (tools, the store's own tests) do that.
   */
  private readonly leases = new Map<BoardId, number | null>();
  private pendingAppends: PendingAppend[] = [];
  private appendFlushScheduled = false;
  /** The batch being written and those queued behind it, one after another. */
  private flushes: Promise<void> = Promise.resolve();
  /** The last use written for each board, to skip writes that would change it by minutes only. */
  private readonly lastUseWritten = new Map<BoardId, number>();
  private closing: Promise<void> | null = null;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, brings the tables up to this release's version, and returns the store. */
  static async open(url: string, log?: Pick<Logger, 'warn' | 'error'>): Promise<PostgresStorage> {
    // A database that does not answer stops the start with an error, not a wait for the system's TCP timeout.
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection (the database restarting) must not take the process down; the next query reconnects.
    pool.on('error', (error) => log?.error({ err: error }, 'a PostgreSQL connection failed while idle'));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStorage(pool);
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async createBoard(board: BoardRecord, initialState: Uint8Array): Promise<void> {
    const joinCode = joinCodeValues(board.joinCode);
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO boards (${BOARD_COLUMNS}, last_active_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $3)`,
        [
          board.id,
          board.title,
          board.createdAt,
          board.tokenHashes.facilitator,
          board.tokenHashes.participant,
          board.tokenHashes.viewer,
          board.participantTokenSealed ?? null,
          board.viewerTokenSealed ?? null,
          ...joinCode,
          board.cycleId ?? null,
          board.cycleStage ?? 0,
        ],
      );
      await client.query('INSERT INTO documents (name, board_id, snapshot, updated_at) VALUES ($1, $1, $2, $3)', [
        board.id,
        Buffer.from(initialState),
        board.createdAt,
      ]);
    });
  }

  async getBoard(boardId: BoardId): Promise<BoardRecord | null> {
    const { rows } = await this.pool.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM boards WHERE id = $1`, [boardId]);
    return rows[0] ? toBoardRecord(rows[0]) : null;
  }

  async findBoardByJoinCodeHash(hash: Buffer): Promise<BoardRecord | null> {
    const { rows } = await this.pool.query<BoardRow>(`SELECT ${BOARD_COLUMNS} FROM boards WHERE join_code_hash = $1`, [hash]);
    return rows[0] ? toBoardRecord(rows[0]) : null;
  }

  async setJoinCode(boardId: BoardId, joinCode: StoredJoinCode): Promise<void> {
    await this.pool.query(
      `UPDATE boards SET join_code_hash = $2, join_code_sealed = $3, join_code_participant_token_sealed = $4,
         join_code_viewer_sealed = $5, join_code_issued_at = $6, join_code_stopped_at = $7 WHERE id = $1`,
      [boardId, ...joinCodeValues(joinCode)],
    );
  }

  async countBoards(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM boards');
    return Number(rows[0]!.n);
  }

  async addParticipant(p: ParticipantRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO participants (id, board_id, key_hash, display_name, colour, role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.id, p.boardId, p.keyHash, p.displayName, p.colour, p.role, p.createdAt],
    );
  }

  async findParticipant(boardId: BoardId, participantId: ParticipantId): Promise<ParticipantRecord | null> {
    const { rows } = await this.pool.query<ParticipantRow>('SELECT * FROM participants WHERE board_id = $1 AND id = $2', [boardId, participantId]);
    return toParticipantRecord(rows[0]);
  }

  async findParticipantByKeyHash(boardId: BoardId, keyHash: Buffer): Promise<ParticipantRecord | null> {
    const { rows } = await this.pool.query<ParticipantRow>('SELECT * FROM participants WHERE board_id = $1 AND key_hash = $2', [boardId, keyHash]);
    return toParticipantRecord(rows[0]);
  }

  async listParticipantColours(boardId: BoardId): Promise<string[]> {
    const { rows } = await this.pool.query<{ colour: string }>('SELECT colour FROM participants WHERE board_id = $1 ORDER BY created_at, id', [boardId]);
    return rows.map((row) => row.colour);
  }

  async loadDocument(name: DocumentName): Promise<Uint8Array[]> {
    // One statement, so the snapshot and the log are read as of one moment even while another process compacts.
    const { rows } = await this.pool.query<{ data: Buffer }>(
      `SELECT data FROM (
         SELECT snapshot AS data, -1::BIGINT AS seq FROM documents WHERE name = $1 AND snapshot IS NOT NULL
         UNION ALL
         SELECT data, seq FROM document_updates WHERE doc_name = $1
       ) AS parts ORDER BY seq`,
      [name],
    );
    return rows.map((row) => new Uint8Array(row.data));
  }

  async listPrivateDocuments(boardId: BoardId): Promise<PrivateDocumentName[]> {
    // A row is written with the document's first snapshot or update, so each listed document has something in it.
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT name FROM documents WHERE board_id = $1 AND (snapshot IS NOT NULL OR last_seq > snapshot_seq) ORDER BY name',
      [boardId],
    );
    return rows.map((row) => row.name as DocumentName).filter((name): name is PrivateDocumentName => parseDocumentName(name).participantId !== null);
  }

  appendUpdate(name: DocumentName, update: Uint8Array): Promise<number> {
    if (this.closing) return Promise.reject(new Error('The store is closed.'));
    return new Promise((resolve, reject) => {
      this.pendingAppends.push({ name, boardId: parseDocumentName(name).boardId, update, resolve, reject });
      if (!this.appendFlushScheduled) {
        this.appendFlushScheduled = true;
        setImmediate(() => {
          this.flushes = this.flushes.then(() => this.flushAppends());
        });
      }
    });
  }

  /** Writes every append queued since the last batch in one transaction, resolving each after the COMMIT. */
  private async flushAppends(): Promise<void> {
    this.appendFlushScheduled = false;
    const batch = this.pendingAppends;
    this.pendingAppends = [];
    if (batch.length === 0) return;
    let lengths: Map<DocumentName, number>;
    let lost: Set<BoardId>;
    try {
      ({ lengths, lost } = await this.transaction(async (client) => {
        // The boards whose lease is gone are left out; the rest of the batch still commits.
        const { lost, epochs } = await this.fence(client, [...new Set(batch.map((pending) => pending.boardId))]);
        return { lengths: await this.writeAppends(client, batch.filter((pending) => !lost.has(pending.boardId)), epochs), lost };
      }));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const pending of batch) {
      if (lost.has(pending.boardId)) pending.reject(new OwnershipLostError(pending.boardId));
      else pending.resolve(lengths.get(pending.name)!);
    }
  }

  /**
   * Checks, inside the writing transaction, that this process still holds
   * the lease of each board it claimed, and returns the boards it does not
   * (docs/storage.md, "One owner per board"). `FOR SHARE` keeps the lease
   * row as it is until COMMIT: a process taking the board over waits for
   * these appends to commit, then loads them; once it has the lease, these
   * checks fail. Leases are locked in board order, before any document row,
   * so two processes never deadlock.
   */
  private async fence(client: pg.PoolClient, boardIds: BoardId[]): Promise<{ lost: Set<BoardId>; epochs: Map<BoardId, number> }> {
    const lost = new Set<BoardId>();
    const epochs = new Map<BoardId, number>();
    for (const boardId of boardIds.sort()) {
      if (!this.leases.has(boardId)) continue;
      const epoch = this.leases.get(boardId);
      if (epoch === null || epoch === undefined) {
        lost.add(boardId);
        continue;
      }
      const { rowCount } = await client.query('SELECT 1 FROM board_leases WHERE board_id = $1 AND owner = $2 AND epoch = $3 FOR SHARE', [
        boardId,
        this.ownerId,
        epoch,
      ]);
      if (rowCount) epochs.set(boardId, epoch);
      else lost.add(boardId);
    }
    return { lost, epochs };
  }

  private async writeAppends(client: pg.PoolClient, batch: PendingAppend[], epochs: Map<BoardId, number>): Promise<Map<DocumentName, number>> {
    const lengths = new Map<DocumentName, number>();
    if (batch.length === 0) return lengths;
    const byDocument = new Map<DocumentName, Uint8Array[]>();
    for (const { name, update } of batch) {
      const updates = byDocument.get(name);
      if (updates) updates.push(update);
      else byDocument.set(name, [update]);
    }
    const names: string[] = [];
    const seqs: number[] = [];
    const data: Buffer[] = [];
    const entryEpochs: Array<number | null> = [];
    // Documents in name order, so that two processes' batches lock their counter rows in the same order and never deadlock.
    for (const name of [...byDocument.keys()].sort()) {
      const updates = byDocument.get(name)!;
      // Takes the next sequence numbers from the document's counter row; its lock holds other writers of the document until COMMIT.
      const { rows } = await client.query<{ last_seq: string; snapshot_seq: string }>(
        `INSERT INTO documents (name, board_id, last_seq, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET last_seq = documents.last_seq + EXCLUDED.last_seq
         RETURNING last_seq, snapshot_seq`,
        [name, parseDocumentName(name).boardId, updates.length, Date.now()],
      );
      const last = Number(rows[0]!.last_seq);
      const first = last - updates.length + 1;
      updates.forEach((update, i) => {
        names.push(name);
        seqs.push(first + i);
        data.push(Buffer.from(update.buffer, update.byteOffset, update.byteLength));
        // The epoch the board's lease was checked at (fence): whoever reads the log can tell which owner wrote each entry.
        entryEpochs.push(epochs.get(parseDocumentName(name).boardId) ?? null);
      });
      lengths.set(name, last - Number(rows[0]!.snapshot_seq));
    }
    await client.query(
      'INSERT INTO document_updates (doc_name, seq, data, epoch) SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::BYTEA[], $4::BIGINT[])',
      [names, seqs, data, entryEpochs],
    );
    // A board written to is in use: the retention period starts again.
    const now = Date.now();
    const boards = [...new Set([...byDocument.keys()].map((name) => parseDocumentName(name).boardId))].sort();
    for (const boardId of boards) await this.recordUse(client, boardId, now);
    return lengths;
  }

  async compactDocument(name: DocumentName, state: Uint8Array): Promise<void> {
    const { boardId } = parseDocumentName(name);
    await this.transaction(async (client) => {
      // Only the owner compacts: a process that lost the board holds changes whose appends were refused, and must not write them into the snapshot.
      if ((await this.fence(client, [boardId])).lost.has(boardId)) throw new OwnershipLostError(boardId);
      // The counter row's lock keeps appends from other processes out until the snapshot and the log agree.
      const { rows } = await client.query<{ last_seq: string }>('SELECT last_seq FROM documents WHERE name = $1 FOR UPDATE', [name]);
      const covered = rows[0] ? Number(rows[0].last_seq) : 0;
      // What another process appended may be missing from `state`: merged in, never lost (DocumentStore.compactDocument).
      const log = await client.query<{ data: Buffer }>('SELECT data FROM document_updates WHERE doc_name = $1 AND seq <= $2 ORDER BY seq', [
        name,
        covered,
      ]);
      const snapshot = log.rows.length > 0 ? Y.mergeUpdates([state, ...log.rows.map((row) => new Uint8Array(row.data))]) : state;
      await client.query(
        `INSERT INTO documents (name, board_id, snapshot, snapshot_seq, last_seq, updated_at) VALUES ($1, $2, $3, $4, $4, $5)
         ON CONFLICT (name) DO UPDATE SET snapshot = EXCLUDED.snapshot, snapshot_seq = EXCLUDED.snapshot_seq, updated_at = EXCLUDED.updated_at`,
        [name, parseDocumentName(name).boardId, Buffer.from(snapshot), covered, Date.now()],
      );
      await client.query('DELETE FROM document_updates WHERE doc_name = $1 AND seq <= $2', [name, covered]);
    });
  }

  async deleteBoard(boardId: BoardId): Promise<boolean> {
    const deleted = await this.transaction(async (client) => {
      // Every document of the board by name as well as by board, then the board; its participants go with it (ON DELETE CASCADE).
      await client.query(
        `DELETE FROM documents WHERE board_id = $1 OR name = $1 OR starts_with(name, $1 || '/private/')`,
        [boardId],
      );
      await client.query('DELETE FROM board_leases WHERE board_id = $1', [boardId]);
      const result = await client.query('DELETE FROM boards WHERE id = $1', [boardId]);
      return (result.rowCount ?? 0) > 0;
    });
    this.lastUseWritten.delete(boardId);
    // Board ids are never reused: nothing of this one is written again from here.
    if (this.leases.has(boardId)) this.leases.set(boardId, null);
    return deleted;
  }

  async touchBoard(boardId: BoardId, at: number): Promise<void> {
    await this.recordUse(this.pool, boardId, at);
  }

  /** Records a board's last use, unless one written minutes before already says as much (retention counts days). */
  private async recordUse(db: pg.Pool | pg.PoolClient, boardId: BoardId, at: number): Promise<void> {
    const written = this.lastUseWritten.get(boardId);
    if (written !== undefined && at >= written && at - written < LAST_USE_PRECISION_MS) return;
    await db.query('UPDATE boards SET last_active_at = GREATEST(last_active_at, $1) WHERE id = $2', [at, boardId]);
    this.lastUseWritten.set(boardId, at);
  }

  async listBoardsInactiveSince(cutoff: number, limit: number): Promise<BoardId[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM boards WHERE last_active_at < $1 ORDER BY last_active_at, id LIMIT $2', [
      cutoff,
      limit,
    ]);
    return rows.map((row) => row.id as BoardId);
  }

  async listCycleBoards(cycleId: BoardId): Promise<CycleBoard[]> {
    // The workshop has no cycle id of its own (or its own id); its check-ins carry its id.
    const { rows } = await this.pool.query<Pick<BoardRow, 'id' | 'title' | 'created_at' | 'cycle_stage'>>(
      'SELECT id, title, created_at, cycle_stage FROM boards WHERE id = $1 OR cycle_id = $1 ORDER BY cycle_stage, created_at, id',
      [cycleId],
    );
    return rows.map((row) => ({ id: row.id as BoardId, title: row.title, stage: storedStage(row.cycle_stage), createdAt: Number(row.created_at) }));
  }

  async claimBoard(boardId: BoardId, ttlMs: number): Promise<{ epoch: number } | null> {
    // One statement: two processes claiming at once are ordered by the row's lock, and one of them gets it.
    // Our own live lease keeps its epoch; anyone else's expired one (or our own expired one) is taken with the next epoch.
    const { rows } = await this.pool.query<{ epoch: string }>(
      `INSERT INTO board_leases AS lease (board_id, owner, epoch, expires_at) VALUES ($1, $2, 1, ${DB_NOW_MS} + $3)
       ON CONFLICT (board_id) DO UPDATE SET
         epoch = CASE WHEN lease.owner = EXCLUDED.owner AND lease.expires_at > ${DB_NOW_MS} THEN lease.epoch ELSE lease.epoch + 1 END,
         owner = EXCLUDED.owner,
         expires_at = EXCLUDED.expires_at
       WHERE lease.owner = EXCLUDED.owner OR lease.expires_at <= ${DB_NOW_MS}
       RETURNING epoch`,
      [boardId, this.ownerId, Math.ceil(ttlMs)],
    );
    if (!rows[0]) return null;
    const epoch = Number(rows[0].epoch);
    this.leases.set(boardId, epoch);
    return { epoch };
  }

  async renewBoards(boardIds: readonly BoardId[], ttlMs: number): Promise<Set<BoardId>> {
    const held = boardIds.filter((boardId) => typeof this.leases.get(boardId) === 'number');
    if (held.length === 0) return new Set();
    // Renewed only at the epoch claimed: a lease that expired unnoticed but nobody took is still ours, and nobody wrote under another epoch meanwhile.
    const { rows } = await this.pool.query<{ board_id: string }>(
      `UPDATE board_leases AS lease SET expires_at = ${DB_NOW_MS} + $3
       FROM unnest($1::TEXT[], $2::BIGINT[]) AS held(board_id, epoch)
       WHERE lease.board_id = held.board_id AND lease.epoch = held.epoch AND lease.owner = $4
       RETURNING lease.board_id`,
      [held, held.map((boardId) => this.leases.get(boardId)!), Math.ceil(ttlMs), this.ownerId],
    );
    const renewed = new Set(rows.map((row) => row.board_id as BoardId));
    for (const boardId of held) if (!renewed.has(boardId)) this.leases.set(boardId, null);
    return renewed;
  }

  async releaseBoard(boardId: BoardId): Promise<void> {
    const epoch = this.leases.get(boardId);
    // From now on this process's appends of the board are refused until it claims it again.
    if (this.leases.has(boardId)) this.leases.set(boardId, null);
    if (typeof epoch !== 'number') return;
    // Expired, not deleted: the epoch must only grow, so the next owner's is higher than every one before.
    await this.pool.query(`UPDATE board_leases SET expires_at = ${DB_NOW_MS} WHERE board_id = $1 AND owner = $2 AND epoch = $3`, [
      boardId,
      this.ownerId,
      epoch,
    ]);
  }

  async checkHealth(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Writes what is queued, waits for every batch to commit, then closes the connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.pendingAppends.length > 0) this.flushes = this.flushes.then(() => this.flushAppends());
      await this.flushes;
      await this.pool.end();
    })();
    return this.closing;
  }
}

/**
 * Creates or brings forward the tables, in one transaction under an
 * advisory lock: a second process starting at once waits, then finds them
 * migrated. A database migrated by a newer release is refused untouched.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS retain_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0) AS version FROM retain_schema');
    const version = rows[0]!.version;
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new StorageVersionError(
        `The database was written by a newer release of Retain (storage version ${version}); this release understands up to ${POSTGRES_SCHEMA_VERSION}.`,
      );
    }
    for (let step = version; step < POSTGRES_SCHEMA_VERSION; step++) {
      await client.query(SQL_MIGRATIONS[step]!);
      await client.query('INSERT INTO retain_schema (version) VALUES ($1)', [step + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The join code's six columns, in the order `setJoinCode` and `createBoard` write them. */
function joinCodeValues(joinCode: StoredJoinCode | null): [Buffer | null, Buffer | null, Buffer | null, Buffer | null, number | null, number | null] {
  return [
    joinCode?.hash ?? null,
    joinCode?.sealed ?? null,
    joinCode?.participantTokenSealed ?? null,
    joinCode?.viewerSealed ?? null,
    joinCode?.issuedAt ?? null,
    joinCode?.stoppedAt ?? null,
  ];
}
