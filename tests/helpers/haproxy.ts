import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './throwaway';

/**
 * HAProxy in front of several server processes, run with the very file the
 * docs tell people to use, docs/haproxy.cfg (README.md, "Several processes";
 * docs/storage.md, "Routing"): in the foreground (-db), on a free port of
 * 127.0.0.1, its servers' addresses given through the environment as that
 * file expects them.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const HAPROXY_CONFIG = path.join(REPO_ROOT, 'docs', 'haproxy.cfg');
const MISSING = 'HAProxy is needed for the multi-process test: install it (apt-get install haproxy).';

/** The servers docs/haproxy.cfg names, RETAIN_SERVER_1 to RETAIN_SERVER_<SERVER_COUNT>. */
export const SERVER_COUNT = 3;

export interface RunningHaproxy {
  url: string;
  /** The sync endpoint's base, for y-websocket's WebsocketProvider. */
  wsUrl: string;
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL after a second); resolves once it has exited. */
  stop(): Promise<void>;
}

/** The installed haproxy (on PATH, or Debian's in /usr/sbin); throws the one line saying to install it where it is missing. */
export function haproxyBinary(): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const found = [...onPath, '/usr/sbin', '/usr/local/sbin', '/usr/bin'].map((dir) => path.join(dir, 'haproxy')).find((file) => fs.existsSync(file));
  if (!found) throw new Error(MISSING);
  return found;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts HAProxy before the given servers (host:port each, SERVER_COUNT of them); resolves once it listens. */
export async function startHaproxy(servers: string[], timeoutMs = 10_000): Promise<RunningHaproxy> {
  const binary = haproxyBinary();
  if (servers.length !== SERVER_COUNT) throw new Error(`docs/haproxy.cfg names ${SERVER_COUNT} servers, not ${servers.length}`);
  const port = await freePort();
  const env: Record<string, string> = { ...process.env, RETAIN_PROXY_BIND: `127.0.0.1:${port}` } as Record<string, string>;
  servers.forEach((address, i) => (env[`RETAIN_SERVER_${i + 1}`] = address));
  const child = spawn(binary, ['-db', '-f', HAPROXY_CONFIG], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`HAProxy did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = `http://127.0.0.1:${port}`;
  return { url, wsUrl: `ws://127.0.0.1:${port}/sync`, output: () => output, stop };
}
