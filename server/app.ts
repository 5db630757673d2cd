import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_CONFIG, type ServerConfig } from './config';
import { createLogger } from './logger';
import { SqliteStorage } from './persistence/sqlite';
import type { Storage } from './persistence/types';
import { RoomRegistry } from './rooms/registry';
import { Connections } from './rooms/connection';
import { singleProcessFanout, type BoardFanout } from './rooms/fanout';
import { createUpgradeHandler } from './auth/upgrade';
import { ExerciseCoordinator } from './rooms/exerciseJobs';
import { createRequestHandler } from './http/router';
import { startRetentionSweep } from './lifecycle';
import { JoinAttempts } from './auth/joinAttempts';
import { BoardCreationGate } from './http/boardCreation';
import { PlanImports } from './import/planImports';
import { type BoardEvents, InProcessBoardEvents } from './events/boardEvents';
import { RedisBoardEvents } from './events/redisBoardEvents';
import { memoryLimits, redisLimits } from './http/rateLimits';

/** A running server, as tests and the bootstrap see it. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  rooms: RoomRegistry;
  storage: Storage;
  log: Logger;
  /** Stops accepting, stores every open board, closes sockets with "restarting", then the database. */
  close(): Promise<void>;
}

/**
 * Starts the whole server on one port: the built client, the HTTP API and
 * the sync endpoint. Storage defaults to SQLite in `dataDir`, and the fan-out
 * to a single process; a caller may pass other implementations of either
 * interface (a Postgres store, a Redis fan-out) without touching the rooms.
 */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  dependencies: { storage?: Storage; fanout?: BoardFanout } = {},
): Promise<RunningServer> {
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...overrides };
  const log = createLogger(config.logLevel);
  // Before storage opens: a bad CREATION_ALLOWED_ADDRESSES entry stops the start with nothing to close.
  // REDIS_URL shares board events and rate limits between processes (docs/storage.md, "Redis: events and
  // limits, never data"). Nothing connects yet, and nothing ever waits for Redis: a start with Redis down goes on.
  // The Redis and PostgreSQL clients load only when configured: together they add tens of MB to every
  // process (docs/server-promises.md, "Memory"), and one process on SQLite needs neither.
  const redis = config.redisUrl ? new (await import('./events/redis')).RedisConnections(config.redisUrl, config.redisPrefix, log) : null;
  const limits = redis ? redisLimits(redis.commands, config.redisPrefix) : memoryLimits;
  const boardCreation = new BoardCreationGate(config, log, limits);
  const joinAttempts = new JoinAttempts(config, log, limits);
  // DATABASE_URL chooses PostgreSQL; without it, the SQLite file in DATA_DIR (docs/storage.md).
  const storage =
    dependencies.storage ??
    (config.databaseUrl ? await (await import('./persistence/postgres')).PostgresStorage.open(config.databaseUrl, log) : new SqliteStorage(config.dataDir, log));
  const rooms = new RoomRegistry(
    storage,
    log,
    {
      unloadGraceMs: config.roomUnloadGraceMs,
      boardLeaseMs: config.boardLeaseMs,
      compactAfterUpdates: config.compactAfterUpdates,
      maxBoardBytes: config.maxBoardBytes,
      participantShareBytes: config.participantShareBytes,
      maxBufferedBytes: config.maxBufferedBytes,
      maxPresenceBytes: config.maxPresenceBytes,
    },
    dependencies.fanout ?? singleProcessFanout,
  );
  // Listens to the rooms from here on: the reveal, progress counts, published votes.
  const exercise = new ExerciseCoordinator(rooms, storage, log, { progressIntervalMs: config.progressIntervalMs });
  const connections = new Connections(rooms, log, {
    maxMessageBytes: config.maxMessageBytes,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    rateLimitPerSecond: config.rateLimitPerSecond,
    rateLimitBurst: config.rateLimitBurst,
  });
  const planImports = new PlanImports(config, log, undefined, limits);
  redis?.connect();
  const events: BoardEvents = redis
    ? new RedisBoardEvents(redis.commands, redis.subscriber, `${config.redisPrefix}board-events`, log)
    : new InProcessBoardEvents(log);
  // A board deleted by any process: its sockets here close with 4404 and its rooms are forgotten, as on the
  // process that deleted it (closing twice is harmless).
  const stopHearing = events.subscribe((event) => {
    if (event.type === 'board-deleted') {
      void rooms.closeBoard(event.boardId).catch((error: unknown) => log.error({ err: error, boardId: event.boardId }, 'could not close a deleted board'));
    } else {
      log.debug({ boardId: event.boardId, checkInId: event.checkInId }, 'a check-in was started');
    }
  });
  // After the events: a board the sweep deletes is closed on every process too.
  const stopRetentionSweep = startRetentionSweep({ storage, rooms, log, events }, config);
  const server = http.createServer(createRequestHandler({ storage, config, log, rooms, joinAttempts, boardCreation, planImports, events }));
  server.on('upgrade', createUpgradeHandler({ storage, connections, log, config, joinAttempts }));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // The port is taken (or not ours to bind): release what was opened for it.
    connections.close();
    stopRetentionSweep();
    stopHearing();
    await events.close();
    await redis?.close();
    if (!dependencies.storage) await storage.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info({ host: config.host, port, dataDir: config.dataDir }, 'Retain is listening');

  let closing: Promise<void> | null = null;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    rooms,
    storage,
    log,
    close() {
      closing ??= (async () => {
        connections.stopHeartbeat();
        stopRetentionSweep();
        exercise.stop();
        // A plan still being read must not hold the shutdown up.
        await planImports.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await rooms.shutdown();
        connections.close();
        server.closeAllConnections();
        await stopped;
        await storage.close();
        stopHearing();
        await events.close();
        await redis?.close();
      })();
      return closing;
    },
  };
}
