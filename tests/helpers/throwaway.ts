import net from 'node:net';
import { inject, type ProvidedContext } from 'vitest';

/**
 * What the tests' PostgreSQL and Redis helpers share (docs/storage.md, "How
 * the tests get a PostgreSQL server" and "Redis: events and limits, never
 * data"): a server found or started once per run by the server project's
 * global set-up, handed to the test files through vitest's provide/inject,
 * or, in a run without that set-up, found or started once by the worker
 * itself. Also the free loopback port every throwaway server listens on.
 */

/** A free TCP port of 127.0.0.1 (free when asked: the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A server the run's tests share: where it answers, and how to stop it (nothing, for one found running). */
export interface SharedServer {
  url: string;
  stop(): void | Promise<void>;
}

/** The provided values that are strings: a server's URL, and why there is none. */
type TextKey = { [K in keyof ProvidedContext]: ProvidedContext[K] extends string ? K : never }[keyof ProvidedContext];

/** The global set-up's side and the tests' side of one shared server. */
export interface RunShared {
  /** Global set-up: finds or starts the server; where there is none, tells the tests why instead of failing the run. */
  setup(context: { provide<K extends TextKey>(key: K, value: ProvidedContext[K]): void }): Promise<() => Promise<void>>;
  /** The server's URL for a test: the global set-up's, or one this worker finds or starts once; throws the one-line reason there is none. */
  url(): Promise<string>;
}

/**
 * Ties a find-or-start function to the two provided keys naming the
 * server's URL and the reason there is none.
 */
export function runShared(urlKey: TextKey, problemKey: TextKey, findOrStart: () => Promise<SharedServer>): RunShared {
  let own: Promise<SharedServer> | null = null;
  return {
    async setup({ provide }) {
      try {
        const server = await findOrStart();
        provide(urlKey, server.url);
        provide(problemKey, '');
        return async () => {
          await server.stop();
        };
      } catch (error) {
        provide(urlKey, '');
        provide(problemKey, error instanceof Error ? error.message : String(error));
        return async () => undefined;
      }
    },
    async url() {
      let provided: string | undefined;
      let problem: string | undefined;
      try {
        provided = inject(urlKey);
        problem = inject(problemKey);
      } catch {
        provided = undefined;
      }
      if (problem) throw new Error(problem);
      if (provided) return provided;
      own ??= findOrStart();
      return (await own).url;
    },
  };
}
