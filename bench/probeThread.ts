/**
 * The responsiveness probe on a thread of its own: a client in a room of its
 * own sends an awareness state every few milliseconds, and a second socket in
 * that room times when the server passes each on (our server sends nobody
 * their own presence back, so the sender's echo would never come). Run in the load generator's main thread, its timings would also hold
 * the main thread's own stalls (reading a 4 MB board for a newcomer, say);
 * on its own thread, a long echo is the server's.
 *
 * `startProbeThread` runs this file as a worker (through tsx, like the rest of
 * the harness); the worker part below runs when this file is the worker.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { awarenessEntries } from './wire';
import { decodeMessage, encodeAwarenessMessage, encodeAwarenessUpdate } from '../shared/protocol';

/** One echo: when the state was sent (ms since the epoch, comparable across threads) and how long its echo took. */
export interface ProbeEcho {
  sentAt: number;
  echoMs: number;
}

interface ProbeSettings {
  url: string;
  intervalMs: number;
}

/** Milliseconds since the epoch, to the microsecond, the same on every thread of the process. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ProbeThread {
  /** Stops the probe and returns every echo it timed. */
  stop(): Promise<ProbeEcho[]>;
}

/** Starts the probe on a worker thread; resolves once its socket is open and it is sending. */
export function startProbeThread(url: string, intervalMs: number): Promise<ProbeThread> {
  const self = new URL(import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`,
    { eval: true, workerData: { url, intervalMs } satisfies ProbeSettings },
  );
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { ready?: true; error?: string }) => {
      if (message.error) {
        reject(new Error(`probe thread: ${message.error}`));
        return;
      }
      resolve({
        stop: () =>
          new Promise((done) => {
            worker.once('message', (echoes: ProbeEcho[]) => {
              void worker.terminate();
              done(echoes);
            });
            worker.postMessage('stop');
          }),
      });
    });
  });
}

function runProbe({ url, intervalMs }: ProbeSettings): void {
  const port = parentPort!;
  const awarenessId = Math.floor(Math.random() * 0xffffffff);
  const echoes: ProbeEcho[] = [];
  let clock = 0;
  /** When each clock (1, 2, …) was sent: the server may rebuild the state, so the time travels only here. */
  const sentAtByClock: number[] = [];
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const listener = new WebSocket(url, { perMessageDeflate: false });
  for (const each of [socket, listener]) each.on('error', (error) => port.postMessage({ error: error.message }));
  listener.on('message', (data: Buffer) => {
    if (decodeMessage(data).type !== 'awareness') return;
    const now = epochNow();
    for (const entry of awarenessEntries(data)) {
      const sentAt = entry.clientId === awarenessId ? sentAtByClock[entry.clock - 1] : undefined;
      if (sentAt !== undefined) echoes.push({ sentAt, echoMs: now - sentAt });
    }
  });
  const opened = (each: WebSocket) => new Promise((resolve) => each.once('open', resolve));
  void Promise.all([opened(socket), opened(listener)]).then(() => {
    const timer = setInterval(() => {
      sentAtByClock.push(epochNow());
      socket.send(encodeAwarenessMessage(encodeAwarenessUpdate([{ clientId: awarenessId, clock: ++clock, state: { cursor: { x: 0, y: 0 } } }])));
    }, intervalMs);
    port.on('message', () => {
      clearInterval(timer);
      socket.close();
      listener.close();
      port.postMessage(echoes);
    });
    port.postMessage({ ready: true });
  });
}

if (!isMainThread && (workerData as Partial<ProbeSettings> | null)?.url) runProbe(workerData as ProbeSettings);
