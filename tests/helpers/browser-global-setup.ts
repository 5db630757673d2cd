import fs from 'node:fs';
import path from 'node:path';
import { chromiumPath } from './browser';

/**
 * Runs once before the browser tests: fails at once, with one line saying
 * how to fix it, when Chromium or the built client is missing, instead of
 * letting every test time out.
 */
export default function checkBrowserPrerequisites(): void {
  const executable = chromiumPath();
  if (!fs.existsSync(executable)) {
    throw new Error(
      `Chromium not found at ${executable}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  const index = path.resolve(import.meta.dirname, '../../dist/client/index.html');
  if (!fs.existsSync(index)) {
    throw new Error('The client is not built: run `npm run build` first (`npm test` does it for you).');
  }
}
