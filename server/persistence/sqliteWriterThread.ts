import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { BoardId } from '../../shared/schema/ids';
import { ownBuffer, startWorker } from '../workerThreads';
import { type DocumentName, parseDocumentName } from './types';
import type { WriterReply, WriterRequest } from './sqliteWriterProtocol';

/** Each kind of request in T without its `id` (distributed over the union, so each kind keeps its own fields). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A request as the main thread makes it, before it is given an id. */
type Request = WithoutId<WriterRequest>;

interface Waiting {
  resolve: (reply: Extract<WriterReply, { ok: true }>) => void;
  reject: (error: Error) => void;
}

interface QueuedAppend {
  name: DocumentName;
  update: Uint8Array;
  resolve: (logLength: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The main thread's side of the SQLite writer thread
 * (server/persistence/sqliteWriter.ts; docs/storage.md, "The writer thread").
 *
 * Appends are committed in groups: while one group is being committed (and
 * fsynced) on the writer thread, the appends that arrive wait here, and go
 * as the next group the moment the first is answered. So a busy server
 * commits as often as the disk allows, however many rooms write, and its
 * main thread never waits for the disk. Other requests (compactions, the
 * last-use marks) are posted at once; the writer handles everything in the
 * order it was posted.
 */
export class SqliteWriterThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private queued: QueuedAppend[] = [];
  private groupInFlight = false;
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly file: string,
    /** Which of these boards' last use is due to be written with this group (server/persistence/sqlite.ts, useDue). */
    private readonly boardsToTouch: (boards: Set<BoardId>, at: number) => BoardId[],
  ) {}

  /**
   * Starts the thread now, if it is not running: it takes tens of
   * milliseconds, which the first append after a room loads should not wait.
   */
  start(): void {
    if (!this.closed) this.thread();
  }

  /** Appends an update to a document's log; resolves with the log's length once it is durable. */
  append(name: DocumentName, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the store is closed'));
        return;
      }
      this.queued.push({ name, update, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Posts a request other than an append; resolves once the writer has done it (committed). */
  async request(request: Request): Promise<Extract<WriterReply, { ok: true }>> {
    if (this.closed) throw new Error('the store is closed');
    return this.post(request);
  }

  /** Sends what is queued, waits for everything posted, then ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (!this.worker) return;
    const worker = this.worker;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      await this.post({ type: 'close' });
    } finally {
      // Referenced until it has ended: idle, it keeps nothing alive, and a process with nothing else to do would exit first.
      worker.ref();
      await exited;
    }
  }

  private scheduleFlush(): void {
    // setImmediate: every room's append made in this turn joins the group.
    if (this.flushScheduled || this.groupInFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Posts the queued appends as one group, unless a group is being committed (then they go when it is answered). */
  private flush(): void {
    if (this.groupInFlight || this.queued.length === 0) return;
    const group = this.queued;
    this.queued = [];
    this.groupInFlight = true;
    const at = Date.now();
    const boards = new Set(group.map(({ name }) => parseDocumentName(name).boardId));
    const appends = group.map(({ name, update }) => ({ name, update: ownBuffer(update) }));
    this.post({ type: 'append', appends, touched: this.boardsToTouch(boards, at), at }).then(
      (reply) => {
        this.groupInFlight = false;
        group.forEach((append, index) => append.resolve(reply.lengths![index]!));
        this.flush();
      },
      (error: unknown) => {
        this.groupInFlight = false;
        for (const append of group) append.reject(error);
        this.flush();
      },
    );
  }

  private post(request: Request): Promise<Extract<WriterReply, { ok: true }>> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Referenced while it owes an answer, so the process waits for it; idle, it keeps nothing alive.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  /** The writer thread, started on first use and again after one that stopped. */
  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(
      { compiled: 'sqliteWriter.js', source: path.join(import.meta.dirname, 'sqliteWriter.ts') },
      { workerData: { file: this.file } },
    );
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new Error(`SQLite write failed: ${reply.message}`));
    });
    const stopped = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      // Whatever it had not answered may or may not be committed: its rooms fail, and their clients resend on reconnecting.
      const error = new Error(`the SQLite writer thread stopped (${why})`);
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

