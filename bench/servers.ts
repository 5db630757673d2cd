import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pinToCpu } from './procfs';

/** Which server a run measures. */
export type ServerKind = 'ours' | 'reference';

/** A server under test, running as its own process on 127.0.0.1. */
export interface ServerUnderTest {
  kind: ServerKind;
  pid: number;
  httpUrl: string;
  /** Makes `count` rooms and returns the sync URL a participant uses for each. */
  createRooms(count: number, label: string): Promise<string[]>;
  /** Stops the process and starts it again on the same data (the reference keeps nothing). */
  restart(): Promise<void>;
  /** Stops the process and removes its data. */
  stop(): Promise<void>;
  /** What the process printed, for a failure report. */
  output(): string;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The flags `npm start` gives node, read from package.json's start script,
 * so that the benchmark runs our server exactly as a trust would
 * (docs/performance.md says why each is there).
 */
export const OUR_NODE_FLAGS: readonly string[] = (() => {
  const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /\bnode((?: --\S+)*) dist\/server\/index\.js/.exec(packageJson.scripts.start);
  if (!match) throw new Error(`package.json's start script does not run node … dist/server/index.js: ${packageJson.scripts.start}`);
  return match[1]!.trim().split(' ').filter(Boolean);
})();

/** The limits our server would otherwise apply to a benchmark's traffic, lifted so that they do not shape the figures. */
export const OUR_BENCH_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  // One writer in the big-room load sends 10 edits and 10 cursors a second, and
  // populating a big board sends a burst: the per-connection limit (200/s,
  // burst 400) is a guard against floods, not something to measure.
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  // The 1,000-room load creates its boards from one address.
  BOARD_CREATIONS_PER_HOUR: '1000000',
};

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

/** Spawns a Node process with exactly `env` and waits until its output matches `ready`. */
function spawnAndWait(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number, cpu: number | null): Promise<Spawned & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (cpu !== null && child.pid !== undefined) pinToCpu(child.pid, cpu);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // Keep only the tail: a server that logs a lot must not fill the harness's memory.
      if (output.length > 100_000) output = output.slice(-50_000);
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        const keep = (more: Buffer) => {
          output = (output + more.toString('utf8')).slice(-50_000);
        };
        child.stdout!.on('data', keep);
        child.stderr!.on('data', keep);
        resolve({ child, exited, output: () => output, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before starting:\n${output}`));
    });
  });
}

async function stopProcess(spawned: Spawned, graceMs = 10_000): Promise<void> {
  if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
  spawned.child.kill('SIGTERM');
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Our server, as `npm start` runs it (compiled to dist/server/ by
 * `npm run bench` first), on a free port and a temporary data directory, with
 * the benchmark's limits. BENCH_SERVER_PROFILE_DIR=dir writes a CPU profile
 * of each run of it there.
 */
export async function startOurs(cpu: number | null): Promise<ServerUnderTest> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-bench-'));
  const start = async (port: string) =>
    spawnAndWait(
      [
        ...OUR_NODE_FLAGS,
        ...(process.env.BENCH_SERVER_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE_DIR}`] : []),
        'dist/server/index.js',
      ],
      { ...process.env, ...OUR_BENCH_ENV, HOST: '127.0.0.1', PORT: port, DATA_DIR: dataDir },
      /Retain is running at (http:\/\/[^\s]+)/,
      30_000,
      cpu,
    );
  let spawned = await start('0');
  const httpUrl = spawned.match[1]!;
  const wsBase = httpUrl.replace(/^http/, 'ws');
  return {
    kind: 'ours',
    get pid() {
      return spawned.child.pid!;
    },
    httpUrl,
    async createRooms(count, label) {
      return mapLimit(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
        const res = await fetch(`${httpUrl}/api/boards`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ title: `Benchmark ${label} ${i + 1}` }),
        });
        if (res.status !== 201) throw new Error(`POST /api/boards answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { boardId: string; tokens: { facilitator: string } };
        // Every client of a room shares one link, and its writers edit the text
        // of notes they all wrote under their own names: only the facilitator
        // may do that (docs/document-layout.md, "Who wrote a note"). The write
        // guard still reads and checks every update as it does a participant's.
        return `${wsBase}/sync/${encodeURIComponent(body.boardId)}?token=${encodeURIComponent(body.tokens.facilitator)}`;
      });
    },
    async restart() {
      await stopProcess(spawned);
      // The same port, so the sync URLs already handed out stay valid.
      spawned = await start(new URL(httpUrl).port);
    },
    async stop() {
      await stopProcess(spawned);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
    output: () => spawned.output(),
  };
}

/** Asks the kernel for a free loopback port: the reference server cannot report the one it got for PORT=0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The reference server: @y/websocket-server's own bin (src/server.js), as
 * `npx y-websocket-server` would run it. Without YPERSISTENCE it keeps
 * documents in memory only; it takes any room name and ignores tokens.
 */
export async function startReference(cpu: number | null): Promise<ServerUnderTest> {
  const require = createRequire(import.meta.url);
  const serverJs = path.join(path.dirname(require.resolve('@y/websocket-server/package.json')), 'src/server.js');
  // No persistence and no callback, whatever the caller's environment says.
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1' };
  delete env.YPERSISTENCE;
  delete env.CALLBACK_URL;
  let spawned: Spawned;
  let port = 0;
  const start = async (): Promise<Spawned> => {
    // The port is chosen here and handed over; another process could take it in between, so try a few.
    for (let attempt = 0; ; attempt++) {
      port = port || (await freePort());
      try {
        const started = await spawnAndWait([serverJs], { ...env, PORT: String(port) }, /running at/, 15_000, cpu);
        // "running at" is printed from the listen callback; make sure the port answering is this process's.
        const res = await fetch(`http://127.0.0.1:${port}/`);
        if (!res.ok) throw new Error(`reference server answered ${res.status}`);
        return started;
      } catch (error) {
        if (attempt >= 3) throw error;
        port = 0;
      }
    }
  };
  spawned = await start();
  const httpUrl = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}`;
  let rooms = 0;
  return {
    kind: 'reference',
    get pid() {
      return spawned.child.pid!;
    },
    httpUrl,
    async createRooms(count, label) {
      // Any name is a room; the path mirrors ours so that both see the same URL shape.
      return Array.from({ length: count }, () => `${wsBase}/sync/bench-${label}-${++rooms}`);
    },
    async restart() {
      await stopProcess(spawned);
      spawned = await start();
    },
    async stop() {
      await stopProcess(spawned);
    },
    output: () => spawned.output(),
  };
}

/** Starts a server of the given kind. */
export function startServerUnderTest(kind: ServerKind, cpu: number | null): Promise<ServerUnderTest> {
  return kind === 'ours' ? startOurs(cpu) : startReference(cpu);
}
