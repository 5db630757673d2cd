import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type * as Y from 'yjs';
import type { ServerConfig } from '../../server/config';
import type { CreateBoardResponse } from '../../shared/schema/api';
import { joinBoard, launchChromium } from './chromium';
import { connectStockClient, registerParticipant, startTestServer, type StockClient, type TestServer, whenSynced } from './server';

export { chromiumPath, joinBoard, launchChromium } from './chromium';

/** What the pages of this test file had blocked by the server's content security policy. */
const cspViolations: string[] = [];

/**
 * Fails if any page was refused something by the content security policy
 * (an inline script, a style, a connection): the policy and the client must
 * agree, or a trust's users would meet a broken page.
 */
export function expectNoCspViolations(): void {
  const found = cspViolations.splice(0);
  expect(found, 'content security policy violations').toEqual([]);
}

/** A context of its own per person: separate storage, like separate browsers. */
export async function newPersonContext(browser: Browser, options: { mobile?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(
    options.mobile
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 } },
  );
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return context;
}

/** Where the built client lives; the browser tests serve it from the real server. */
export const BUILT_CLIENT_DIR = path.resolve(import.meta.dirname, '../../dist/client');

/** How long a UI check waits by default before failing. */
const UI_TIMEOUT_MS = 5000;

/** Waits until the first element the locator finds is visible; fails with the locator's description if it never is. */
export async function visible(locator: Locator, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * How many updates the page's local copies of boards hold (y-indexeddb's
 * `updates` store, summed over the board copies, private ones left out).
 * The unsaved-changes banner reads a ledger written synchronously, but the
 * IndexedDB write of the same change commits a moment later; a test that
 * closes a tab while offline waits for this count first, as a person who
 * closes the tab a second later would (docs/client.md, "Copies on this device").
 */
export async function localBoardUpdates(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases())
      .map((database) => database.name ?? '')
      .filter((name) => name.startsWith('retain-board-') && !name.endsWith('-private'));
    let total = 0;
    for (const name of names) {
      total += await new Promise<number>((resolve, reject) => {
        const opening = indexedDB.open(name);
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const database = opening.result;
          if (!database.objectStoreNames.contains('updates')) {
            database.close();
            resolve(0);
            return;
          }
          const counting = database.transaction('updates', 'readonly').objectStore('updates').count();
          counting.onsuccess = () => {
            database.close();
            resolve(counting.result);
          };
          counting.onerror = () => reject(counting.error);
        };
      });
    }
    return total;
  });
}

/** How a person's browser differs from an ordinary laptop's. */
export interface PersonOptions {
  /** A phone: small screen, touch. */
  mobile?: boolean;
  /** A machine whose clock is wrong: the page's Date runs this far ahead of the real time. */
  clockSkewMs?: number;
}

/** The people of one test, and what the test started for them; everything is closed after each test. */
export interface ChromiumPeople {
  /** A person with a browser of their own (a fresh context), on a blank page. */
  person(options?: PersonOptions): Promise<Page>;
  /** A person's browser, for a test that opens several tabs in the same one. */
  personBrowser(options?: PersonOptions): Promise<BrowserContext>;
  /** A person who opens the link in a browser of their own, enters their name and waits until the board is live. */
  join(link: string, name: string, options?: PersonOptions): Promise<Page>;
  /** The real server serving the built client; stopped after the test, once the people's browsers are closed. */
  startServer(overrides?: Partial<ServerConfig>): Promise<TestServer>;
  /**
   * A facilitator working through plain Yjs (registered under `name`,
   * connected with the stock provider, synced), to put the board where a test
   * needs it without clicking through; disconnected after the test.
   */
  scriptedFacilitator(server: TestServer, board: CreateBoardResponse, name?: string): Promise<Y.Doc>;
}

/**
 * One Chromium for a test file, and a fresh context per person (separate
 * storage, like separate browsers), closed after each test, then the test's
 * server stopped and the content security policy checked. Call it inside
 * `describe`; it registers its own hooks.
 */
export function chromiumPeople(): ChromiumPeople {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const servers: TestServer[] = [];
  const clients: StockClient[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const context of contexts.splice(0)) await context.close();
    for (const server of servers.splice(0)) await server.stop();
    expectNoCspViolations();
  });
  async function personBrowser(options: PersonOptions = {}): Promise<BrowserContext> {
    const context = await newPersonContext(browser, options);
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    if (options.clockSkewMs) await context.clock.install({ time: Date.now() + options.clockSkewMs });
    return context;
  }
  async function person(options: PersonOptions = {}): Promise<Page> {
    return (await personBrowser(options)).newPage();
  }
  return {
    person,
    personBrowser,
    async join(link, name, options = {}) {
      return joinBoard(await person(options), link, name);
    },
    async startServer(overrides = {}) {
      // A room outlives a page reload, as it does for people in a session.
      const server = await startTestServer({ clientDir: BUILT_CLIENT_DIR, roomUnloadGraceMs: 60_000, ...overrides });
      servers.push(server);
      return server;
    },
    async scriptedFacilitator(server, board, name = 'Setup script') {
      const registered = await registerParticipant(server, board.boardId, board.tokens.facilitator, name);
      const client = connectStockClient(server, board.boardId, { token: board.tokens.facilitator, participant: registered.participantKey });
      clients.push(client);
      await whenSynced(client.provider);
      return client.doc;
    },
  };
}

