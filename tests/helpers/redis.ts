import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, runShared, type SharedServer } from './throwaway';

/**
 * Redis for the tests of board events and shared rate limits (docs/storage.md,
 * "Redis: events and limits, never data"): a server already answering at
 * RETAIN_TEST_REDIS_URL (default redis://127.0.0.1:6379), or else a throwaway
 * `redis-server` started from the installed binary, shared by the run
 * (`setup` is the server project's global set-up) and stopped at its end.
 * Tests keep apart by prefix (`testRedisPrefix()`), never by server; a test
 * that stops Redis on purpose starts its own (`throwawayRedis()`).
 */

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const MISSING = 'Redis is needed for these tests: install it (apt-get install redis-server) or set RETAIN_TEST_REDIS_URL.';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the run's Redis; empty when there is none. */
    retainTestRedisUrl: string;
    /** Why there is none (one line), else empty. */
    retainTestRedisProblem: string;
  }
}

/** Whether a Redis answers PING at the URL within the time. */
export function answersPing(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    let received = '';
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
  });
}

/** The installed redis-server: on PATH, or Debian's. */
function findBinary(): string | null {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...onPath, '/usr/bin', '/usr/local/bin'].map((dir) => path.join(dir, 'redis-server')).find((file) => fs.existsSync(file)) ?? null;
}

/** A Redis of the test's own, which it may stop and start again on the same port. */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Starts it (again); resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: Redis gone at once, as in a crash); resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * A `redis-server` on a free port of 127.0.0.1 keeping nothing on disk (no
 * snapshots, no append-only file): a restart starts empty, as the limits
 * and events are made to cope with. Fails at once, with one line, where
 * the binary is missing.
 */
export async function throwawayRedis(port?: number): Promise<ThrowawayRedis> {
  const binary = findBinary();
  if (!binary) throw new Error(MISSING);
  const chosen = port ?? (await freePort());
  const url = `redis://127.0.0.1:${chosen}`;
  let child: ChildProcess | null = null;
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    await kill();
    const started = spawn(binary, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(url, 500))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        await kill();
        throw new Error(`redis-server did not start on port ${chosen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  await start();
  return { url, port: chosen, start, kill };
}

/** The Redis at RETAIN_TEST_REDIS_URL, or a throwaway one when nothing answers there. */
async function findOrStartRedis(): Promise<SharedServer> {
  const url = process.env.RETAIN_TEST_REDIS_URL || DEFAULT_URL;
  if (await answersPing(url)) return { url, stop: async () => undefined };
  const started = await throwawayRedis();
  return { url: started.url, stop: started.kill };
}

const shared = runShared('retainTestRedisUrl', 'retainTestRedisProblem', findOrStartRedis);

/**
 * Global set-up of the server project: finds or starts the run's Redis.
 * Where there is none, the tests that need it fail with the one line saying
 * why, and the rest of the run goes on.
 */
export const setup = shared.setup;

/** The run's Redis: the global set-up's, or (a run without it) one found or started by this worker. */
export const testRedisUrl = shared.url;

/** A key and channel prefix of the caller's own, so test files sharing one Redis never count or hear each other's. */
export function testRedisPrefix(): string {
  return `retain-test-${randomBytes(6).toString('hex')}:`;
}
