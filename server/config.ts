import path from 'node:path';
import { z } from 'zod';

/** Everything the server reads from its environment, validated once at start. */
export interface ServerConfig {
  /** The interface to listen on. The default keeps the server private to this machine. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Where the SQLite file lives. */
  dataDir: string;
  /**
   * A PostgreSQL database to keep everything in instead of the SQLite file
   * (docs/storage.md); null keeps SQLite, the default.
   */
  databaseUrl: string | null;
  /**
   * A Redis server that several processes share for board events and rate
   * limits, never for data (docs/storage.md, "Redis: events and limits,
   * never data"); null: one process, events and counts in memory.
   */
  redisUrl: string | null;
  /** Starts every Redis key, channel and connection name, so that deployments sharing one Redis keep apart. */
  redisPrefix: string;
  /**
   * The address people reach the server at, for the links a new board gets
   * (for example https://retain.trust.nhs.uk). Without it, links use the
   * address the creating browser used.
   */
  publicUrl: string | null;
  /** Where the built client is; null serves no client (API-only tests). */
  clientDir: string | null;
  /** How long an empty room stays loaded. */
  roomUnloadGraceMs: number;
  /**
   * How long a server process's claim on a board lasts unless renewed, with
   * PostgreSQL shared by several processes (docs/storage.md, "One owner per
   * board"): also how long the others wait to take over a board whose
   * process died.
   */
  boardLeaseMs: number;
  /** Compact a board's update log into a snapshot after this many updates. */
  compactAfterUpdates: number;
  /** The largest WebSocket message a client may send; a larger one closes the connection with 1009. */
  maxMessageBytes: number;
  /**
   * Messages a connection may send: a bucket of `rateLimitBurst` refilled at
   * `rateLimitPerSecond`. A connection that empties it is closed with 1008.
   */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  /** The most a board's stored document may hold; past it, changes are refused with 4413. */
  maxBoardBytes: number;
  /** How far a connection may fall behind (bytes queued to it) before it is dropped to resync. */
  maxBufferedBytes: number;
  /**
   * Browser origins allowed to open the sync socket. Null: the server's own
   * origin only (the Host the request came to, or PUBLIC_URL).
   */
  allowedOrigins: string[] | null;
  /** Boards nobody has opened or changed for this many days are deleted; 0 keeps them for ever. */
  retentionDays: number;
  /** How often the retention sweep runs. */
  retentionSweepIntervalMs: number;
  /** The largest JSON body the HTTP API reads. */
  maxJsonBodyBytes: number;
  /** How often the server pings sockets to find dead ones. */
  heartbeatIntervalMs: number;
  /**
   * How often the server republishes the exercise's counts (drafts per lane,
   * people who placed dots) and moves late drafts, on a clock grid, so that
   * nobody can tell whose keystroke or draft a change was (docs/exercise.md, "Anonymity").
   */
  progressIntervalMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Whether the server sits behind a reverse proxy whose `X-Forwarded-For`
   * it may believe. Off, the client address is the socket's peer: a header
   * anyone can write must not choose which rate-limit bucket they land in.
   */
  trustProxy: boolean;
  /** Failed join attempts (a wrong code or token) one client address may make per `joinFailureWindowSeconds`; more answer 429. */
  joinFailuresPerAddress: number;
  /** Failed attempts on one board (wrong tokens presented at its upgrade) per window, from all addresses together. */
  joinFailuresPerBoard: number;
  /** The window the join-failure limits count over. */
  joinFailureWindowSeconds: number;
  /** A join code stops working this many hours after it was issued (the facilitator can issue a new one). */
  joinCodeTtlHours: number;
  /** Boards one client address may create per hour. */
  boardCreationsPerHour: number;
  /** When set, creating a board needs this secret (header `X-Retain-Creation-Secret` or body field `creationSecret`). */
  creationSecret: string | null;
  /** When set, only these client addresses (exact IPs, or IPv4/IPv6 CIDR ranges) may create boards. */
  creationAllowedAddresses: string[] | null;
  /** The most boards the server holds; creating one more answers 507. */
  maxBoards: number;
  /** How much of a board one participant's writes may take, in bytes; past it only that person's changes are refused (4413). */
  participantShareBytes: number;
  /** The largest presence (awareness) state one client may publish, in bytes of JSON. */
  maxPresenceBytes: number;
  /** Plan imports one client address may make per hour. */
  importsPerHour: number;
}

/** The defaults, also used by tests that override a few fields. */
export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: path.resolve('data'),
  databaseUrl: null,
  redisUrl: null,
  redisPrefix: 'retain:',
  publicUrl: null,
  clientDir: path.resolve('dist/client'),
  roomUnloadGraceMs: 30_000,
  // Ten seconds: a board whose process died is served elsewhere within that; renewals every third of it cost a query each.
  boardLeaseMs: 10_000,
  compactAfterUpdates: 500,
  maxMessageBytes: 8 * 1024 * 1024,
  // Dragging a note sends about 60 updates a second and the pointer 20: room to spare, not to flood.
  rateLimitPerSecond: 200,
  rateLimitBurst: 400,
  maxBoardBytes: 32 * 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
  allowedOrigins: null,
  retentionDays: 365,
  retentionSweepIntervalMs: 60 * 60 * 1000,
  maxJsonBodyBytes: 64 * 1024,
  heartbeatIntervalMs: 30_000,
  // Long enough that several people's writing lands in one change of the counts; short enough to feel live.
  progressIntervalMs: 10_000,
  logLevel: 'info',
  trustProxy: false,
  // A person mistyping a code a few times is never stopped; a guesser gets 20 tries per 10 minutes.
  joinFailuresPerAddress: 20,
  joinFailuresPerBoard: 100,
  joinFailureWindowSeconds: 600,
  // Two weeks: a code shown at a workshop stays good for people who join late, not for a year.
  joinCodeTtlHours: 14 * 24,
  boardCreationsPerHour: 30,
  creationSecret: null,
  creationAllowedAddresses: null,
  maxBoards: 10_000,
  // An eighth of a 32 MB board: thousands of notes' worth, but no single person can fill the board.
  participantShareBytes: 4 * 1024 * 1024,
  maxPresenceBytes: 4096,
  importsPerHour: 20,
};

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  HOST: z.string().min(1).default(DEFAULT_CONFIG.host),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_CONFIG.port),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'give a postgres:// URL, e.g. postgres://retain@db.internal:5432/retain')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'give a redis:// URL, e.g. redis://redis.internal:6379')
    .optional(),
  // Also names the connections (CLIENT SETNAME), which takes no spaces.
  REDIS_PREFIX: z.string().regex(/^\S{1,100}$/, 'up to 100 characters, no spaces').default(DEFAULT_CONFIG.redisPrefix),
  PUBLIC_URL: z.string().url().optional(),
  ROOM_UNLOAD_GRACE_MS: z.coerce.number().int().min(0).default(DEFAULT_CONFIG.roomUnloadGraceMs),
  // At least a few hundred milliseconds: a renewal every third of it must fit in one round trip to the database.
  BOARD_LEASE_MS: z.coerce.number().int().min(300).default(DEFAULT_CONFIG.boardLeaseMs),
  COMPACT_AFTER_UPDATES: positiveInt.default(DEFAULT_CONFIG.compactAfterUpdates),
  MAX_MESSAGE_BYTES: positiveInt.default(DEFAULT_CONFIG.maxMessageBytes),
  RATE_LIMIT_PER_SECOND: positiveInt.default(DEFAULT_CONFIG.rateLimitPerSecond),
  RATE_LIMIT_BURST: positiveInt.default(DEFAULT_CONFIG.rateLimitBurst),
  MAX_BOARD_BYTES: positiveInt.default(DEFAULT_CONFIG.maxBoardBytes),
  MAX_BUFFERED_BYTES: positiveInt.default(DEFAULT_CONFIG.maxBufferedBytes),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean) : null))
    .refine((origins) => origins === null || origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), 'list origins as https://host[:port], comma-separated'),
  RETENTION_DAYS: z.coerce.number().min(0).default(DEFAULT_CONFIG.retentionDays),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(DEFAULT_CONFIG.logLevel),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  JOIN_FAILURES_PER_ADDRESS: positiveInt.default(DEFAULT_CONFIG.joinFailuresPerAddress),
  JOIN_FAILURES_PER_BOARD: positiveInt.default(DEFAULT_CONFIG.joinFailuresPerBoard),
  JOIN_FAILURE_WINDOW_SECONDS: positiveInt.default(DEFAULT_CONFIG.joinFailureWindowSeconds),
  JOIN_CODE_TTL_HOURS: positiveInt.default(DEFAULT_CONFIG.joinCodeTtlHours),
  BOARD_CREATIONS_PER_HOUR: positiveInt.default(DEFAULT_CONFIG.boardCreationsPerHour),
  CREATION_SECRET: z.string().min(16, 'use a secret of at least 16 characters').optional(),
  CREATION_ALLOWED_ADDRESSES: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : null)),
  MAX_BOARDS: positiveInt.default(DEFAULT_CONFIG.maxBoards),
  PARTICIPANT_SHARE_BYTES: positiveInt.default(DEFAULT_CONFIG.participantShareBytes),
  MAX_PRESENCE_BYTES: positiveInt.default(DEFAULT_CONFIG.maxPresenceBytes),
  IMPORTS_PER_HOUR: positiveInt.default(DEFAULT_CONFIG.importsPerHour),
});

/** Reads the configuration from environment variables; throws one readable line per bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    ...DEFAULT_CONFIG,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    roomUnloadGraceMs: e.ROOM_UNLOAD_GRACE_MS,
    boardLeaseMs: e.BOARD_LEASE_MS,
    compactAfterUpdates: e.COMPACT_AFTER_UPDATES,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    rateLimitPerSecond: e.RATE_LIMIT_PER_SECOND,
    rateLimitBurst: e.RATE_LIMIT_BURST,
    maxBoardBytes: e.MAX_BOARD_BYTES,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    allowedOrigins: e.ALLOWED_ORIGINS ?? null,
    retentionDays: e.RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    joinFailuresPerAddress: e.JOIN_FAILURES_PER_ADDRESS,
    joinFailuresPerBoard: e.JOIN_FAILURES_PER_BOARD,
    joinFailureWindowSeconds: e.JOIN_FAILURE_WINDOW_SECONDS,
    joinCodeTtlHours: e.JOIN_CODE_TTL_HOURS,
    boardCreationsPerHour: e.BOARD_CREATIONS_PER_HOUR,
    creationSecret: e.CREATION_SECRET ?? null,
    creationAllowedAddresses: e.CREATION_ALLOWED_ADDRESSES ?? null,
    maxBoards: e.MAX_BOARDS,
    participantShareBytes: e.PARTICIPANT_SHARE_BYTES,
    maxPresenceBytes: e.MAX_PRESENCE_BYTES,
    importsPerHour: e.IMPORTS_PER_HOUR,
  };
}
