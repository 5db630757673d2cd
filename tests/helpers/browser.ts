import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, unless CHROMIUM_PATH says otherwise. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Headless Chromium with the flags this machine needs: no sandbox (tests run
 * as root) and no background networking (the network is closed, and
 * Chromium's own calls home would only fail noisily).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A context of its own per person: separate storage, like separate browsers. */
export function newPersonContext(browser: Browser, options: { mobile?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext(
    options.mobile
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 } },
  );
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
 * One Chromium for a test file, and a fresh context per person (separate
 * storage, like separate browsers), closed after each test. Call it inside
 * `describe`; it registers its own hooks.
 */
export function chromiumPeople(): { person(options?: { mobile?: boolean }): Promise<Page> } {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  return {
    async person(options = {}) {
      const context = await newPersonContext(browser, options);
      contexts.push(context);
      context.setDefaultTimeout(10_000);
      return context.newPage();
    },
  };
}
