/**
 * Regenerates docs/screenshot.png: the real server and two people in
 * headless Chromium, a facilitator and a participant, on a board with a few
 * notes. Run after `npm run build`:
 *   node --import tsx scripts/take-screenshot.ts
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../server/app';
import { createBoardResponseSchema } from '../shared/schema/api';
import { BUILT_CLIENT_DIR, launchChromium, newPersonContext } from '../tests/helpers/browser';

const NOTES: Array<[string, number, number, string]> = [
  // [text, x, y, colour]: positions relative to the board's top-left corner.
  ['Exit conversation themes reach the board each quarter', 40, 30, 'yellow'],
  ['Managers have protected time for career conversations', 250, 50, 'blue'],
  ['Flexible working requests answered within two weeks', 470, 20, 'green'],
  ['New starters have a buddy for their first 90 days', 60, 220, 'pink'],
  ['Staff can see what changed after the last survey', 290, 240, 'orange'],
  ['Later-career staff hear about flexible retirement before they decide to leave', 520, 210, 'purple'],
];

async function joinAs(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('textbox', { name: /Your name/ }).fill(name);
  await page.getByRole('button', { name: 'Join the board' }).click();
  await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor();
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-screenshot-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, clientDir: BUILT_CLIENT_DIR, logLevel: 'warn' });
  const browser = await launchChromium();
  try {
    const res = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'What does good retention look like?' }),
    });
    const board = createBoardResponseSchema.parse(await res.json());
    const facilitator = await (await newPersonContext(browser)).newPage();
    const participant = await (await newPersonContext(browser)).newPage();
    await joinAs(facilitator, board.links.facilitator, 'Fatima');
    await joinAs(participant, board.links.participant, 'Tom');

    for (const [index, [text, x, y, colour]] of NOTES.entries()) {
      const page = index % 2 === 0 ? facilitator : participant;
      await page.getByRole('button', { name: 'Add note' }).click();
      const editor = page.getByRole('textbox', { name: 'Note text' });
      await editor.fill(text);
      await editor.press('Enter');
      const note = page.locator('[data-note-id]').filter({ hasText: text });
      await note.getByLabel('Note colour').selectOption(colour);
      const box = (await note.boundingBox())!;
      const board = (await page.getByRole('region', { name: 'Board' }).boundingBox())!;
      await page.mouse.move(box.x + 20, box.y + 60);
      await page.mouse.down();
      await page.mouse.move(board.x + x + 20, board.y + y + 60, { steps: 10 });
      await page.mouse.up();
    }
    const area = (await participant.getByRole('region', { name: 'Board' }).boundingBox())!;
    await participant.mouse.move(area.x + 420, area.y + 420, { steps: 5 });
    await facilitator.locator('.cursor').filter({ hasText: 'Tom' }).waitFor();
    await facilitator.mouse.move(0, 0);
    const target = path.resolve(import.meta.dirname, '../docs/screenshot.png');
    await facilitator.screenshot({ path: target });
    console.log(`wrote ${target}`);
  } finally {
    await browser.close();
    await server.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

void main();
