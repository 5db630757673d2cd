import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;

describe('two people build a driver diagram at the same time, in real Chromium', () => {
  const { person, startServer } = chromiumPeople();

  async function join(link: string, name: string): Promise<Page> {
    const page = await person();
    await joinBoard(page, link, name, ARRIVES_MS);
    await page.getByRole('button', { name: 'Driver diagrams' }).click();
    return page;
  }

  /** The outline item holding a node with this text. */
  const item = (page: Page, text: string): Locator =>
    page.locator('li.outline__item').filter({ has: page.locator(`> .outline__row input[value="${text}"]`) });

  /** Adds a node under a parent in the outline and names it, as a person would with the keyboard. */
  async function addUnder(page: Page, parentText: string, text: string): Promise<void> {
    const parent = item(page, parentText);
    await parent.locator('> .outline__row').getByRole('button', { name: /^Add under/ }).click();
    // Held by its element: once typed into, it no longer matches an empty field.
    const blank = (await parent.locator('> ul > li > .outline__row input.outline__text[value=""]').first().elementHandle())!;
    await blank.fill(text);
    await blank.press('Enter');
    await visible(item(page, text));
  }

  async function addPrimary(page: Page, text: string): Promise<void> {
    await page.getByRole('button', { name: 'Add a primary driver' }).last().click();
    const blank = (await page.locator('.outline > ul > li > .outline__row input.outline__text[value=""]').first().elementHandle())!;
    await blank.fill(text);
    await blank.press('Enter');
    await visible(item(page, text));
  }

  /**
   * Drags a box by its handle with the mouse, in small steps as a hand would,
   * onto the middle of another box (to hang it there) or its top edge (to put it above).
   */
  async function dragOnto(page: Page, text: string, targetText: string, where: 'middle' | 'top'): Promise<void> {
    const handle = page.getByRole('button', { name: `Drag “${text}” onto another box` });
    const target = page.locator('[data-node-id]').filter({ has: page.locator('textarea', { hasText: targetText }) });
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    // The handle sits near the box's top: aim the handle so the dragged box's middle lands where wanted.
    const box = (await page.locator('[data-node-id]').filter({ has: handle }).boundingBox())!;
    const handleBelowBoxMiddle = from.y + from.height / 2 - (box.y + box.height / 2);
    const targetY = (where === 'middle' ? to.y + to.height / 2 : to.y + to.height * 0.1) + handleBelowBoxMiddle;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(from.x + from.width / 2 + ((to.x + 40 - from.x) * i) / 12, from.y + from.height / 2 + ((targetY - from.y - from.height / 2) * i) / 12);
    }
    await page.mouse.up();
  }

  const levelOf = (page: Page, text: string) => item(page, text).locator('> .outline__row .outline__level').innerText();

  it('lets both add drivers and change ideas concurrently, three levels deep, move a branch by dragging, and download the picture', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Retention away day');
    const fay = await join(board.links.facilitator, 'Fay');
    const pat = await join(board.links.participant, 'Pat');

    await fay.getByRole('textbox', { name: 'New driver diagram' }).fill('Keeping newly qualified nurses');
    await fay.getByRole('button', { name: 'Start a diagram' }).click();
    const aim = fay.getByRole('textbox', { name: 'What we want to achieve' });
    await aim.fill('Cut first-year leavers by a third by March');
    await aim.press('Enter');
    await expect.poll(() => pat.getByRole('textbox', { name: 'What we want to achieve' }).inputValue(), { timeout: ARRIVES_MS }).toBe(
      'Cut first-year leavers by a third by March',
    );
    for (const page of [fay, pat]) await page.getByRole('button', { name: 'Outline' }).click();

    await addPrimary(fay, 'Predictable rotas');
    await visible(item(pat, 'Predictable rotas'), ARRIVES_MS);
    await addPrimary(pat, 'Support in the first year');
    await visible(item(fay, 'Support in the first year'), ARRIVES_MS);

    // At the same time, each builds a branch two levels deeper.
    await Promise.all([
      (async () => {
        await addUnder(fay, 'Predictable rotas', 'Rotas published early');
        await addUnder(fay, 'Rotas published early', 'Publish six weeks ahead');
      })(),
      (async () => {
        await addUnder(pat, 'Support in the first year', 'Preceptorship that works');
        await addUnder(pat, 'Preceptorship that works', 'Protected preceptor time');
      })(),
    ]);
    for (const page of [fay, pat]) {
      for (const [text, level] of [
        ['Predictable rotas', 'Primary driver'],
        ['Rotas published early', 'Secondary driver'],
        ['Publish six weeks ahead', 'Change idea'],
        ['Support in the first year', 'Primary driver'],
        ['Preceptorship that works', 'Secondary driver'],
        ['Protected preceptor time', 'Change idea'],
      ]) {
        await expect.poll(() => levelOf(page, text!), { timeout: ARRIVES_MS }).toBe(level);
      }
    }

    // Pat drags a secondary driver onto the other primary driver in the picture; Fay sees the branch move.
    await pat.getByRole('button', { name: 'Picture' }).click();
    await dragOnto(pat, 'Preceptorship that works', 'Predictable rotas', 'middle');
    const preceptorship = item(fay, 'Preceptorship that works');
    await expect
      .poll(async () => (await item(fay, 'Predictable rotas').locator('> ul > li').count()), { timeout: ARRIVES_MS })
      .toBe(2);
    expect(await preceptorship.locator('input[value="Protected preceptor time"]').count()).toBe(1);
    expect(await levelOf(fay, 'Protected preceptor time')).toBe('Change idea');

    // Dropped on the top edge of a box, a box goes above it: Pat puts the second primary driver first.
    await dragOnto(pat, 'Support in the first year', 'Predictable rotas', 'top');
    await expect
      .poll(() => fay.locator('.outline > ul > li > .outline__row input.outline__text').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value)), {
        timeout: ARRIVES_MS,
      })
      .toEqual(['Support in the first year', 'Predictable rotas']);

    // Deleting a branch can be undone, and both see it come back.
    await pat.getByRole('button', { name: 'Outline' }).click();
    await visible(item(pat, 'Publish six weeks ahead'));
    await item(fay, 'Publish six weeks ahead').locator('> .outline__row').getByRole('button', { name: /^Delete/ }).click();
    await expect.poll(() => item(pat, 'Publish six weeks ahead').count(), { timeout: ARRIVES_MS }).toBe(0);
    await fay.getByRole('button', { name: 'Undo' }).click();
    await visible(item(pat, 'Publish six weeks ahead'), ARRIVES_MS);

    // The picture, as SVG and as PNG.
    await fay.getByRole('button', { name: 'Picture' }).click();
    const [svgDownload] = await Promise.all([fay.waitForEvent('download'), fay.getByRole('button', { name: 'Download SVG' }).click()]);
    expect(svgDownload.suggestedFilename()).toBe('keeping-newly-qualified-nurses.svg');
    const svg = await fs.readFile((await svgDownload.path())!, 'utf8');
    for (const text of ['Cut first-year leavers', 'Predictable rotas', 'Protected preceptor time']) expect(svg).toContain(text);
    const [pngDownload] = await Promise.all([fay.waitForEvent('download'), fay.getByRole('button', { name: 'Download PNG' }).click()]);
    const png = await fs.readFile((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(5000);
  });
});
