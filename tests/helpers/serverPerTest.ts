import { afterEach, beforeEach } from 'vitest';
import type { ServerConfig } from '../../server/config';
import { startTestServer, type StockClient, type TestServer } from './server';

/**
 * A fresh server on 127.0.0.1 for each test of a file or describe block,
 * handed to `started` (which may set up what every test needs, a board say);
 * after each test, every stock client pushed to the returned list is
 * destroyed and the server stopped. Apart from tests/helpers/server.ts,
 * which scripts import without vitest.
 */
export function serverPerTest(started: (server: TestServer) => void | Promise<void>, overrides: Partial<ServerConfig> = {}): StockClient[] {
  const clients: StockClient[] = [];
  let running: TestServer | null = null;
  beforeEach(async () => {
    running = await startTestServer(overrides);
    await started(running);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await running?.stop();
    running = null;
  });
  return clients;
}
