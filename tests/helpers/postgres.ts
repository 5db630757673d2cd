import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, runShared, type SharedServer } from './throwaway';

/**
 * PostgreSQL for the tests of the Postgres store (docs/storage.md, "How the
 * tests get a database"): a server already running at
 * RETAIN_TEST_DATABASE_URL, or else a throwaway one started from the
 * installed binaries, shared by the whole run (`setup` is the server
 * project's global set-up) and stopped at its end. Each test file asks
 * `testDatabase()` for a database of its own.
 */

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const MISSING =
  'PostgreSQL is needed for the Postgres store tests: install it (apt-get install postgresql) or set RETAIN_TEST_DATABASE_URL.';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The administrative URL of the server the run's tests make databases on; empty when there is none. */
    retainTestDatabaseUrl: string;
    /** Why there is none (one line), else empty. */
    retainTestDatabaseProblem: string;
  }
}

/** A database of the test's own, and how to remove it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A server the tests may create databases on. */
type TestServer = SharedServer;

/**
 * Whether a server lets us in at the URL: false when nothing listens there
 * (refused, or silent for 2 s), and, at the default URL only, when one
 * answers but refuses us (a distribution's own service, asking passwords).
 * A URL given in RETAIN_TEST_DATABASE_URL that refuses us is an error to fix.
 */
async function answers(url: string, explicit: boolean): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EADDRNOTAVAIL' || /timeout/i.test(String((error as Error).message))) return false;
    if (!explicit) return false;
    throw new Error(`RETAIN_TEST_DATABASE_URL (${url}) answered but refused the connection: ${(error as Error).message}`, { cause: error });
  }
}

/** The directory holding initdb and pg_ctl: Debian's versioned folders (newest first), then PATH. */
function findBinaries(): string | null {
  const has = (dir: string) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => path.join(debian, version, 'bin'))
    : [];
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...versions, ...onPath].find(has) ?? null;
}

/**
 * Starts a throwaway server in a temporary folder: loopback only, on a free
 * port, trusting local connections. initdb refuses to run as root, so root
 * runs the binaries as the `postgres` account (which the package creates).
 */
async function startThrowawayServer(): Promise<TestServer> {
  const bin = findBinaries();
  if (!bin) throw new Error(MISSING);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-pg-'));
  const dataDir = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:postgres', root]);
  const run = (tool: string, args: string[]) => {
    const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const result = spawnSync(command, commandArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout || result.error?.message}`);
  };
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  // fsync off: the tests check what the store commits, not the disk's flushing, and a throwaway server need not survive a power cut.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c fsync=off`;
  run('pg_ctl', ['-D', dataDir, '-l', path.join(root, 'server.log'), '-o', options, '-w', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(asRoot ? 'runuser' : path.join(bin, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl')] : []), '-D', dataDir, '-m', 'immediate', 'stop']);
    fs.rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/** The server at RETAIN_TEST_DATABASE_URL, or a throwaway one when nothing answers there. */
async function findOrStartServer(): Promise<TestServer> {
  const explicit = Boolean(process.env.RETAIN_TEST_DATABASE_URL);
  const url = process.env.RETAIN_TEST_DATABASE_URL || DEFAULT_URL;
  if (await answers(url, explicit)) return { url, stop: () => undefined };
  return startThrowawayServer();
}

const shared = runShared('retainTestDatabaseUrl', 'retainTestDatabaseProblem', findOrStartServer);

/**
 * Global set-up of the server project: finds or starts the run's one
 * server. Where there is none to be had, it says why to the tests that need
 * one, which fail with that line, and the rest of the run goes on.
 */
export const setup = shared.setup;

/** The run's server: the global set-up's, or (a test run without it) one found or started by this worker. */
const serverUrl = shared.url;

/** A fresh database of the caller's own (`retain_test_<random>`), and a `drop()` that removes it. */
export async function testDatabase(): Promise<TestDatabase> {
  const adminUrl = await serverUrl();
  const name = `retain_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // FORCE: a store a failed test left open must not keep the database.
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
