import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { parseDocumentName, type DocumentName } from './types';
import type { WriterReply, WriterRequest } from './sqliteWriterProtocol';

/**
 * The SQLite store's writer thread (docs/storage.md, "The writer thread"):
 * its own connection to the database file, on which every write to the
 * documents' tables is made. Requests are handled one at a time, in the
 * order they were posted, each in one transaction; the main thread hears of
 * a write only once it is committed (synchronous=FULL: fsynced), so
 * "durable before broadcast" holds while the main thread goes on serving
 * sockets during the fsync.
 */

const { file } = workerData as { file: string };
const db = new Database(file);
db.pragma('secure_delete = ON');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');

const statements = {
  countUpdates: db.prepare('SELECT COUNT(*) AS n FROM document_updates WHERE doc_name = ?'),
  insertUpdate: db.prepare('INSERT INTO document_updates (doc_name, board_id, data) VALUES (?, ?, ?)'),
  upsertSnapshot: db.prepare(
    `INSERT INTO document_snapshots (doc_name, board_id, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(doc_name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  ),
  deleteUpdates: db.prepare('DELETE FROM document_updates WHERE doc_name = ?'),
  touchBoard: db.prepare('UPDATE boards SET last_active_at = MAX(last_active_at, ?) WHERE id = ?'),
};

/**
 * How many updates each document's log holds, so that an append need not
 * count rows: counted once per document, then kept by every append and
 * compaction (this thread is the only one that writes the logs).
 */
const logLengths = new Map<DocumentName, number>();

function logLength(name: DocumentName): number {
  return logLengths.get(name) ?? (statements.countUpdates.get(name) as { n: number }).n;
}

/** Runs one request in its transaction; returns what the main thread is told. */
function handle(request: WriterRequest): WriterReply {
  switch (request.type) {
    case 'append': {
      // Lengths are kept only once the transaction committed: a failed one changed nothing.
      const lengths = new Map<DocumentName, number>();
      const append = db.transaction(() => {
        for (const { name, update } of request.appends) {
          // Counted before the insert, and only for a document this thread has not written yet.
          const before = lengths.get(name) ?? logLength(name);
          statements.insertUpdate.run(name, parseDocumentName(name).boardId, update);
          lengths.set(name, before + 1);
        }
        // A board written to is in use: its retention period starts again.
        for (const boardId of request.touched) statements.touchBoard.run(request.at, boardId);
      });
      append();
      for (const [name, length] of lengths) logLengths.set(name, length);
      // Each append is answered with its log's length after the whole group, as every store does (server/persistence/types.ts).
      return { id: request.id, ok: true, lengths: request.appends.map(({ name }) => lengths.get(name)!) };
    }
    case 'compact':
      db.transaction(() => {
        statements.upsertSnapshot.run(request.name, parseDocumentName(request.name).boardId, request.state, request.at);
        statements.deleteUpdates.run(request.name);
      })();
      logLengths.set(request.name, 0);
      return { id: request.id, ok: true };
    case 'touch':
      statements.touchBoard.run(request.at, request.boardId);
      return { id: request.id, ok: true };
    case 'forget':
      for (const name of logLengths.keys()) if (parseDocumentName(name).boardId === request.boardId) logLengths.delete(name);
      return { id: request.id, ok: true };
    case 'close':
      db.close();
      return { id: request.id, ok: true };
  }
}

parentPort!.on('message', (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    reply = handle(request);
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
  if (request.type === 'close') parentPort!.close();
});
