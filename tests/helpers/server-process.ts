import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SERVER_BUNDLE } from '../../scripts/build-server.mjs';

/** The real server, compiled to dist/server/ and run as its own process the way `npm start` runs it. */
export interface ServerProcess {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): string;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Starts the server process on a free loopback port and waits until it says where it listens. */
export function startServerProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  // The server test project's global set-up compiled it (build-server-once.ts).
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_BUNDLE], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Retain is running at (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        const url = match[1]!;
        resolve({ url, wsUrl: `${url.replace(/^http/, 'ws')}/sync`, child, exited, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before starting:\n${output}`));
    });
  });
}
