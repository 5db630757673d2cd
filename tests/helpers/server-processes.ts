import fs from 'node:fs/promises';
import { makeDataDir } from './server';
import { startServerProcess, type ServerProcess } from './server-process';

/**
 * The real server processes one test starts (docs/storage.md, "One owner per
 * board"): each with a data directory of its own unless it is given one (a
 * process restarted in place keeps its directory and its PORT), all killed
 * and their directories removed by `stopAll()`, which a test file calls
 * after each test.
 */
export class ServerProcesses {
  private readonly running = new Set<ServerProcess>();
  private readonly dirs: string[] = [];

  /** A data directory removed by `stopAll()`. */
  async dataDir(): Promise<string> {
    const dir = await makeDataDir();
    this.dirs.push(dir);
    return dir;
  }

  /** Starts one process with the environment; DATA_DIR is a fresh directory unless the environment names one. */
  async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const p = await startServerProcess({ DATA_DIR: env.DATA_DIR ?? (await this.dataDir()), ...env });
    this.running.add(p);
    return p;
  }

  /** SIGKILL (a stopped process is let run first: it takes no SIGKILL until then); resolves once it has exited. */
  async kill(p: ServerProcess): Promise<void> {
    this.running.delete(p);
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGCONT');
    p.child.kill('SIGKILL');
    await p.exited;
  }

  /** Kills every process still running and removes every data directory. */
  async stopAll(): Promise<void> {
    for (const p of [...this.running]) await this.kill(p);
    for (const dir of this.dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  }
}
