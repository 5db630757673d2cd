import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Launching Debian's Chromium and joining a board in it, without vitest:
 * the browser tests use them through tests/helpers/browser.ts, and the
 * browser benchmark (bench/browser.ts) and the screenshots
 * (scripts/screenshots.ts) run outside vitest.
 */

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

/** Opens a board link in a page, enters a name and waits until the board is live, as a person does. */
export async function joinBoard(page: Page, link: string, name: string, timeoutMs = 5000): Promise<Page> {
  await page.goto(link);
  await page.getByRole('textbox', { name: /Your name/ }).fill(name);
  await page.getByRole('button', { name: 'Join the board' }).click();
  await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return page;
}
