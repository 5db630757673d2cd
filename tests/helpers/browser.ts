import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium';

export { chromiumPath, launchChromium } from './chromium';

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
    expectNoCspViolations();
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

/** Opens a board link in a page, enters a name and waits until the board is live, as a person does. */
export async function joinBoard(page: Page, link: string, name: string, timeoutMs = UI_TIMEOUT_MS): Promise<Page> {
  await page.goto(link);
  await page.getByRole('textbox', { name: /Your name/ }).fill(name);
  await page.getByRole('button', { name: 'Join the board' }).click();
  await visible(page.getByRole('status').filter({ hasText: 'Live' }), timeoutMs);
  return page;
}
