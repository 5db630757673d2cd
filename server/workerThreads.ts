import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker thread's module, as it is named compiled and in the source tree. */
export interface WorkerModule {
  /** The compiled file's name in dist/server/, where scripts/build-server.mjs writes each worker entry beside index.js. */
  compiled: string;
  /** The TypeScript source's path, made by the caller as `path.join(import.meta.dirname, 'x.ts')`. */
  source: string;
}

/**
 * Starts one of the server's worker threads. Compiled (`npm start`), the
 * worker is its own file beside the server's code; run from source through
 * tsx (the tests, `npm run dev`), the worker registers tsx before loading
 * its TypeScript, since a worker thread does not inherit the loader.
 *
 * Paths, not `new URL('./x', import.meta.url)`: Vite, which transforms the
 * server's files when client tests start a real server, rewrites that
 * pattern into a URL of its own dev server, where no worker can be loaded.
 */
export function startWorker(module: WorkerModule, options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(path.join(import.meta.dirname, module.compiled), options);
  const source = pathToFileURL(module.source).href;
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, { ...options, eval: true });
}

/**
 * The bytes in an ArrayBuffer of their own, to post to a worker. postMessage
 * copies the whole buffer behind a view, and an update read off a socket is
 * a view into the socket's read buffer (tens of KB); a view that is its
 * whole buffer is returned as it is, so it can also be moved (transferred).
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
