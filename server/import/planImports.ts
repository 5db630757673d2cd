import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Worker, ResourceLimits } from 'node:worker_threads';
import { startWorker } from '../workerThreads';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import { type ImportedPlan, PlanImportError } from '../../shared/import/planFile';
import { AttemptLimit, clientAddress, type LimitStore, memoryLimits, rateLimitKey, tooManyRequests } from '../http/rateLimits';
import { HttpError } from '../http/respond';
import type { PlanParseOutcome } from './planImportWorker';

const HOUR_SECONDS = 60 * 60;

/** How long one file may take to read before its worker is ended; a real plan takes well under a second. */
export const PLAN_PARSE_TIMEOUT_MS = 10_000;
/** How many files are read at once; one more is refused with 503 until one finishes. */
export const MAX_CONCURRENT_PLAN_PARSES = 2;
/**
 * The memory each reading worker may use. Its heap holds the shared strings
 * and at most 102 rows; the parts it inflates are bounded apart from this
 * (server/import/workbookArchive.ts).
 */
export const PLAN_PARSE_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16, stackSizeMb: 4 };

/** Seconds a client is asked to wait when every reader is busy or the server is stopping. */
const BUSY_RETRY_SECONDS = 5;

/**
 * Plan imports (docs/plan-export.md, docs/server-promises.md): at most
 * `importsPerHour` from one client address, each file read in a worker
 * thread of its own with bounded memory and time, a few at once, so that no
 * file, however hostile, holds up the event loop, other boards or a
 * shutdown.
 */
export class PlanImports {
  private readonly perAddress: AttemptLimit;
  private readonly running = new Set<Worker>();
  private closed = false;

  constructor(
    private readonly config: Pick<ServerConfig, 'trustProxy' | 'importsPerHour'>,
    private readonly log: Logger,
    private readonly limits = { timeoutMs: PLAN_PARSE_TIMEOUT_MS, maxConcurrent: MAX_CONCURRENT_PLAN_PARSES },
    /** Where the hourly count is kept: Redis with REDIS_URL, so it holds across processes (docs/storage.md). */
    store: LimitStore = memoryLimits,
  ) {
    this.perAddress = new AttemptLimit('plan-imports-address', config.importsPerHour, HOUR_SECONDS, store);
  }

  /** Counts an import for the request's address, or throws 429 (with `Retry-After`) past the hourly limit. */
  async admit(req: IncomingMessage): Promise<void> {
    const address = clientAddress(req, this.config.trustProxy);
    const refusal = await this.perAddress.take(rateLimitKey(address));
    if (!refusal) return;
    if (refusal.first) this.log.warn({ address, retryAfterSeconds: refusal.retryAfterSeconds }, 'too many plan imports from one address');
    throw tooManyRequests(refusal, 'Too many plans have been imported from here in the last hour.');
  }

  /**
   * Reads a plan file in a worker. Throws PlanImportError for a file that is
   * no plan (including one that needs more time or memory than a plan can),
   * and a 503 HttpError while every reader is busy or the server stops.
   */
  parse(file: Uint8Array): Promise<ImportedPlan> {
    if (this.closed || this.running.size >= this.limits.maxConcurrent) {
      return Promise.reject(
        new HttpError(503, 'The server is busy reading other plans. Try again in a few seconds.', { headers: { 'Retry-After': String(BUSY_RETRY_SECONDS) } }),
      );
    }
    // A copy of its own to hand over: the body's buffer may be a slice of Node's shared pool.
    const bytes = new Uint8Array(file);
    const worker = startParseWorker(bytes);
    this.running.add(worker);
    return new Promise<ImportedPlan>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(worker);
        void worker.terminate();
        outcome();
      };
      const timer = setTimeout(
        () => settle(() => reject(new PlanImportError('The file took too long to read: it is not an action plan.'))),
        this.limits.timeoutMs,
      );
      worker.once('message', (outcome: PlanParseOutcome) =>
        settle(() => {
          if (outcome.ok) resolve(outcome.plan);
          else reject(outcome.refusal === null ? new Error('the plan reader failed') : new PlanImportError(outcome.refusal));
        }),
      );
      worker.once('error', (error: NodeJS.ErrnoException) =>
        settle(() =>
          reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new PlanImportError('The file needs more memory to read than a plan could: it is not an action plan.') : error),
        ),
      );
      worker.once('exit', () =>
        settle(() => reject(new HttpError(503, 'The server is restarting. Try again in a moment.', { headers: { 'Retry-After': String(BUSY_RETRY_SECONDS) } }))),
      );
    });
  }

  /** Ends every file being read (their requests answer 503), for a prompt shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running].map((worker) => worker.terminate()));
  }
}

/** The worker for one file (server/workerThreads.ts says where it is found, compiled or from source). */
function startParseWorker(bytes: Uint8Array): Worker {
  return startWorker(
    { compiled: 'planImportWorker.js', source: path.join(import.meta.dirname, 'planImportWorker.ts') },
    { workerData: bytes, transferList: [bytes.buffer as ArrayBuffer], resourceLimits: PLAN_PARSE_RESOURCE_LIMITS },
  );
}
