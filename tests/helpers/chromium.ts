import { chromium, type Browser } from 'playwright-core';

/**
 * Launching Debian's Chromium, without vitest: the browser tests use it
 * through tests/helpers/browser.ts, and the browser benchmark
 * (bench/browser.ts) runs outside vitest.
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
