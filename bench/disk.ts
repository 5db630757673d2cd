import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { percentile } from './report';

/** How long one durable commit takes on the disk our server's data lives on. */
export interface CommitLatency {
  commits: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Times small commits to a fresh SQLite file in the temporary directory the
 * benchmark's servers keep their data in, with the settings our server uses
 * (WAL, synchronous=FULL: every commit waits for the disk's flush). Our server
 * broadcasts an update only once such a commit has returned, so these figures
 * are a floor under its update latency that the reference server, which
 * stores nothing, does not have.
 */
export async function measureCommitLatency(commits = 300): Promise<CommitLatency> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-bench-disk-'));
  const db = new Database(path.join(dir, 'commit-latency.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE updates (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO updates (data) VALUES (?)');
    const commit = db.transaction((data: Buffer) => insert.run(data));
    const update = Buffer.alloc(200, 7);
    const times: number[] = [];
    for (let i = 0; i < commits; i++) {
      const started = performance.now();
      commit(update);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { commits, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1]! };
  } finally {
    db.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
