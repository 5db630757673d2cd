import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { type BoardEvent, InProcessBoardEvents } from '../../server/events/boardEvents';
import { RedisConnections } from '../../server/events/redis';
import { readBoardEventMessage, RedisBoardEvents } from '../../server/events/redisBoardEvents';
import { AttemptLimit, redisLimits } from '../../server/http/rateLimits';
import { configFromEnv } from '../../server/config';
import { PostgresStorage } from '../../server/persistence/postgres';
import { addNote, readNotes } from '../../shared/document/notes';
import { CloseCode } from '../../shared/protocol';
import { newBoardId, type BoardId } from '../../shared/schema/ids';
import { type TestDatabase, testDatabase } from '../helpers/postgres';
import { testRedisPrefix, testRedisUrl, throwawayRedis, type ThrowawayRedis } from '../helpers/redis';
import { connectStockClient, createBoard, eventually, type StockClient, whenSynced } from '../helpers/server';
import type { ServerProcess } from '../helpers/server-process';
import { ServerProcesses } from '../helpers/server-processes';

/*
 * Redis with REDIS_URL: board events every process hears, rate limits every
 * process shares, and nothing of either on the durability path
 * (docs/storage.md, "Redis: events and limits, never data").
 */

function silentLog() {
  return pino({ level: 'silent' });
}

describe('board event messages', () => {
  it('reads a well-formed message and skips, with a warning, one that does not read; nothing throws', () => {
    const log = silentLog();
    const warn = vi.spyOn(log, 'warn');
    const boardId = newBoardId();
    expect(readBoardEventMessage(JSON.stringify({ origin: 'p1', event: { type: 'board-deleted', boardId } }), log)).toEqual({
      origin: 'p1',
      event: { type: 'board-deleted', boardId },
    });
    for (const text of [
      'not json {',
      'null',
      JSON.stringify({ origin: 'p1' }),
      JSON.stringify({ origin: 'p1', event: { type: 'board-renamed', boardId } }),
      JSON.stringify({ origin: 'p1', event: { type: 'board-deleted', boardId: '../etc/passwd' } }),
      JSON.stringify({ origin: 'p1', event: { type: 'check-in-created', boardId } }),
      JSON.stringify({ origin: '', event: { type: 'board-deleted', boardId } }),
    ]) {
      expect(readBoardEventMessage(text, log), text).toBeNull();
    }
    expect(warn).toHaveBeenCalledTimes(7);
  });
});

describe('board events in one process', () => {
  it('delivers each event to every subscriber in order, until it unsubscribes or the events close', async () => {
    const log = silentLog();
    const events = new InProcessBoardEvents(log);
    const first: BoardEvent[] = [];
    const second: BoardEvent[] = [];
    const stopFirst = events.subscribe((event) => first.push(event));
    events.subscribe((event) => second.push(event));
    const a = newBoardId();
    const b = newBoardId();
    events.publish({ type: 'board-deleted', boardId: a });
    events.publish({ type: 'check-in-created', boardId: a, checkInId: b });
    stopFirst();
    events.publish({ type: 'board-deleted', boardId: b });
    expect(first.map((event) => event.type)).toEqual(['board-deleted', 'check-in-created']);
    expect(second).toHaveLength(3);
    await events.close();
    events.publish({ type: 'board-deleted', boardId: a });
    expect(second).toHaveLength(3);
  });

  it('keeps delivering to the other subscribers when one throws', () => {
    const log = silentLog();
    const error = vi.spyOn(log, 'error');
    const events = new InProcessBoardEvents(log);
    const heard: BoardId[] = [];
    events.subscribe(() => {
      throw new Error('a broken handler');
    });
    events.subscribe((event) => heard.push(event.boardId));
    const boardId = newBoardId();
    expect(() => events.publish({ type: 'board-deleted', boardId })).not.toThrow();
    expect(heard).toEqual([boardId]);
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('board events through Redis', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close();
  });

  async function processEvents(url: string, channel: string) {
    const log = silentLog();
    const connections = new RedisConnections(url, 'retain-test:', log);
    connections.connect();
    const events = new RedisBoardEvents(connections.commands, connections.subscriber, channel, log);
    opened.push(connections, events);
    await eventually(async () => {
      expect(connections.commands.status).toBe('ready');
      expect(connections.subscriber.status).toBe('ready');
    });
    return { events, log };
  }

  it('reaches the other process once and the publisher itself once, and skips a malformed message on the channel', async () => {
    const url = await testRedisUrl();
    const channel = `${testRedisPrefix()}board-events`;
    const one = await processEvents(url, channel);
    const two = await processEvents(url, channel);
    const heardByOne: BoardEvent[] = [];
    const heardByTwo: BoardEvent[] = [];
    one.events.subscribe((event) => heardByOne.push(event));
    two.events.subscribe((event) => heardByTwo.push(event));
    const warn = vi.spyOn(two.log, 'warn');

    const raw = new Redis(url);
    opened.push({ close: async () => raw.disconnect() });
    await eventually(async () => expect(await raw.pubsub('NUMSUB', channel)).toEqual([channel, 2]));
    await raw.publish(channel, 'not json {');
    await raw.publish(channel, JSON.stringify({ origin: 'elsewhere', event: { type: 'board-deleted', boardId: 'no/such' } }));
    const boardId = newBoardId();
    one.events.publish({ type: 'board-deleted', boardId });

    await eventually(() => expect(heardByTwo).toEqual([{ type: 'board-deleted', boardId }]));
    expect(warn).toHaveBeenCalledTimes(2);
    // Heard at once by its publisher, and not a second time when Redis sends it back.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heardByOne).toEqual([{ type: 'board-deleted', boardId }]);
  });

  it('drops, with a warning, what is published while Redis is down, and still tells the publishing process', async () => {
    const log = silentLog();
    const warn = vi.spyOn(log, 'warn');
    // Nothing listens on port 1.
    const connections = new RedisConnections('redis://127.0.0.1:1', 'retain-test:', log);
    connections.connect();
    const events = new RedisBoardEvents(connections.commands, connections.subscriber, `${testRedisPrefix()}board-events`, log);
    opened.push(connections, events);
    const heard: BoardEvent[] = [];
    events.subscribe((event) => heard.push(event));
    const boardId = newBoardId();
    expect(() => events.publish({ type: 'board-deleted', boardId })).not.toThrow();
    expect(heard).toEqual([{ type: 'board-deleted', boardId }]);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ boardId }), expect.stringMatching(/not passed to other processes/));
  });
});

describe('rate limits in Redis', () => {
  it('counts in Redis shared by two processes, and in memory while Redis is down', async () => {
    const url = await testRedisUrl();
    const prefix = testRedisPrefix();
    const log = silentLog();
    const a = new RedisConnections(url, prefix, log);
    const b = new RedisConnections(url, prefix, log);
    const down = new RedisConnections('redis://127.0.0.1:1', prefix, log);
    try {
      for (const connections of [a, b, down]) connections.connect();
      await eventually(() => expect([a.commands.status, b.commands.status]).toEqual(['ready', 'ready']));
      const onA = new AttemptLimit('test-limit', 3, 60, redisLimits(a.commands, prefix));
      const onB = new AttemptLimit('test-limit', 3, 60, redisLimits(b.commands, prefix));
      expect(await onA.take('key')).toBeNull();
      expect(await onB.take('key')).toBeNull();
      expect(await onA.take('key')).toBeNull();
      expect(await onB.take('key')).toMatchObject({ first: true });
      expect(await onA.take('key')).toMatchObject({ first: false });

      const insured = new AttemptLimit('test-limit', 2, 60, redisLimits(down.commands, prefix));
      expect(await insured.take('key')).toBeNull();
      expect(await insured.take('key')).toBeNull();
      expect(await insured.take('key')).toMatchObject({ first: true });
    } finally {
      for (const connections of [a, b, down]) await connections.close();
    }
  });
});

describe('REDIS_URL and REDIS_PREFIX', () => {
  it('reads a redis:// URL, refuses anything else, and keeps one process without it', () => {
    expect(configFromEnv({}).redisUrl).toBeNull();
    expect(configFromEnv({ REDIS_URL: 'redis://redis.internal:6379' }).redisUrl).toBe('redis://redis.internal:6379');
    expect(configFromEnv({ REDIS_URL: 'redis://r:6379', REDIS_PREFIX: 'trust-a:' }).redisPrefix).toBe('trust-a:');
    expect(() => configFromEnv({ REDIS_URL: 'http://redis.internal' })).toThrow(/REDIS_URL/);
  });
});

describe('two server processes on one database and one Redis', () => {
  let database: TestDatabase;
  const processes = new ServerProcesses();
  const clients: StockClient[] = [];
  const redisServers: ThrowawayRedis[] = [];

  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await processes.stopAll();
    for (const redis of redisServers.splice(0)) await redis.kill();
    await database.drop();
  });

  /**
   * A and B: the same database, Redis and prefix, each its own DATA_DIR;
   * resolves once both are connected to Redis (until then each counts its
   * limits in memory, as while Redis is down).
   */
  async function startPair(redisUrl: string, env: Record<string, string> = {}, prefix = testRedisPrefix()): Promise<[ServerProcess, ServerProcess]> {
    const pair = await Promise.all(
      ['A', 'B'].map(() => processes.start({ DATABASE_URL: database.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, ...env })),
    );
    await bothConnected(redisUrl, prefix);
    return pair as [ServerProcess, ServerProcess];
  }

  /** A facilitator on the board through A, the process that created it; the close codes it is given. */
  async function connectOn(server: ServerProcess, boardId: string, token: string) {
    const client = connectStockClient(server, boardId, { token });
    clients.push(client);
    const closeCodes: number[] = [];
    client.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closeCodes.push(event.code);
      if (event?.code === CloseCode.boardGone) client.provider.shouldConnect = false;
    });
    await whenSynced(client.provider);
    return { client, closeCodes };
  }

  async function deleteThrough(server: ServerProcess, boardId: string, token: string): Promise<number> {
    const response = await fetch(`${server.url}/api/boards/${boardId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    return response.status;
  }

  /** Both processes' connections are up: two listening on the prefix's channel, two for commands. */
  async function bothConnected(url: string, prefix: string) {
    const look = new Redis(url);
    try {
      await eventually(
        async () => {
          expect(await look.pubsub('NUMSUB', `${prefix}board-events`)).toEqual([`${prefix}board-events`, 2]);
          const list = (await look.client('LIST')) as string;
          expect(list.split('\n').filter((line) => line.includes(` name=${prefix}commands `))).toHaveLength(2);
        },
        10_000,
        100,
      );
    } finally {
      look.disconnect();
    }
  }

  it('closes with 4404 the sockets A holds on a board deleted through B', async () => {
    const [a, b] = await startPair(await testRedisUrl());
    const board = await createBoard(a, 'Deleted elsewhere');
    const { closeCodes } = await connectOn(a, board.boardId, board.tokens.facilitator);
    const asked = Date.now();
    expect(await deleteThrough(b, board.boardId, board.tokens.facilitator)).toBe(204);
    await eventually(() => expect(closeCodes).toContain(CloseCode.boardGone), 2000);
    expect(Date.now() - asked).toBeLessThan(2000);
    // Gone for A's HTTP API too: the rows went with B's deletion.
    expect((await fetch(`${a.url}/api/boards/${board.boardId}?token=${board.tokens.facilitator}`)).status).toBe(404);
  });

  it('refuses board creation once the hourly budget is spent across both processes, not per process', async () => {
    const [a, b] = await startPair(await testRedisUrl(), { BOARD_CREATIONS_PER_HOUR: '3' });
    const create = (server: ServerProcess) =>
      fetch(`${server.url}/api/boards`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Budget' }) });
    expect((await create(a)).status).toBe(201);
    expect((await create(b)).status).toBe(201);
    expect((await create(a)).status).toBe(201);
    const refused = await create(b);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await create(a)).status).toBe(429);
  });

  it('keeps serving and storing while Redis is down, and passes deletions again once it is back', async () => {
    const redis = await throwawayRedis();
    redisServers.push(redis);
    const prefix = testRedisPrefix();
    const [a, b] = await startPair(redis.url, {}, prefix);
    const board = await createBoard(a, 'Through an outage');
    const writer = await connectOn(a, board.boardId, board.tokens.facilitator);
    const reader = await connectOn(a, board.boardId, board.tokens.viewer);

    await redis.kill();
    addNote(writer.client.doc, { text: 'written while Redis was down', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(reader.client.doc).map((note) => note.text)).toEqual(['written while Redis was down']));
    // Stored: Postgres holds it, read apart from either process.
    const store = await PostgresStorage.open(database.url);
    try {
      await eventually(async () => {
        const stored = new Y.Doc();
        for (const update of await store.loadDocument(board.boardId as BoardId)) Y.applyUpdate(stored, update);
        expect(readNotes(stored).map((note) => note.text)).toEqual(['written while Redis was down']);
      });
    } finally {
      await store.close();
    }
    // The limits fall back to counting in memory: creating a board still works.
    const second = await createBoard(a, 'Created while Redis was down');
    expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
    expect(writer.closeCodes).toEqual([]);
    // Said once, as a warning, by each process: the outage is in the log, the URL never is.
    for (const p of [a, b]) await eventually(() => expect(p.output()).toMatch(/Redis is unreachable|lost the connection to Redis/));
    expect(a.output()).not.toContain(redis.url);

    await redis.start();
    await bothConnected(redis.url, prefix);
    const onSecond = await connectOn(a, second.boardId, second.tokens.facilitator);
    expect(await deleteThrough(b, second.boardId, second.tokens.facilitator)).toBe(204);
    await eventually(() => expect(onSecond.closeCodes).toContain(CloseCode.boardGone), 2000);
    expect(await deleteThrough(b, board.boardId, board.tokens.facilitator)).toBe(204);
    await eventually(() => expect(writer.closeCodes).toContain(CloseCode.boardGone), 2000);
  });
});
