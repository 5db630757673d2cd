import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addAction, addActionSteps, updateAction } from '../../shared/document/actions';
import { writePhase } from '../../shared/document/session';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** Every field of an action at least this wide on a 1366 px laptop. */
const MIN_FIELD_PX = 200;

const LONG_STEP =
  'Ask each ward manager for the last twelve months of exit interview notes and summarise why people left, by band and by length of service';

/** Three actions as a workshop leaves them: long words, a date, a duration, steps (one long), each progress. */
function threeActions(doc: Y.Doc): void {
  const rotas = addAction(doc, { topic: 'Predictable rotas: staff know their shifts well ahead', now: 1 });
  updateAction(doc, rotas, {
    action: 'Publish rotas six weeks ahead on every ward, with a named lead for each',
    owner: 'Ward managers, with the e-rostering team',
    timescale: { kind: 'date', date: '2027-03-31' },
    success: 'Every ward’s rota is out six weeks ahead for three months in a row',
    status: 'not-started',
  });
  addActionSteps(doc, rotas, [{ text: LONG_STEP }, { text: 'Agree the rota calendar', done: true }]);
  const careers = addAction(doc, { topic: 'Career conversations', now: 2 });
  updateAction(doc, careers, {
    action: 'Offer a career conversation to everyone in band 5',
    owner: 'HR Director',
    timescale: { kind: 'duration', amount: 3, unit: 'months' },
    status: 'under-way',
  });
  const leavers = addAction(doc, { topic: 'Understanding why people leave', now: 3 });
  updateAction(doc, leavers, { action: 'Exit interviews for every leaver', owner: 'People team', status: 'stuck' });
}

interface Measured {
  name: string;
  width: number;
}

/**
 * Every field of every action on screen, by its accessible name (or class),
 * with its rendered width: the grid cells of the six columns, and each
 * control a person types in or chooses from. A tick box and the
 * "how many" number (three digits at most) are meant to be small.
 */
function fieldWidths(page: Page, cardSelector: string): Promise<Measured[]> {
  return page.evaluate((selector) => {
    const measured: { name: string; width: number }[] = [];
    for (const card of document.querySelectorAll(selector)) {
      const controls = card.querySelectorAll<HTMLElement>(
        '.action-fields__field, .status-select select, textarea, select, input:not([type="checkbox"]):not([type="number"])',
      );
      for (const control of controls) {
        // The next-steps check and evaluation plan, closed, are not fields of the action's row.
        if (control.closest('details:not([open])')) continue;
        const name =
          control.getAttribute('aria-label') ??
          (control.id && document.querySelector(`label[for="${control.id}"]`)?.textContent) ??
          control.closest('label')?.textContent ??
          `${control.className} ${control.dataset.field ?? ''}`;
        measured.push({ name: name.trim(), width: Math.round(control.getBoundingClientRect().width) });
      }
    }
    return measured;
  }, cardSelector);
}

/** The progress selects whose chosen value (or any option) does not fit inside them. */
function clippedSelects(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    const clipped: string[] = [];
    for (const select of document.querySelectorAll<HTMLSelectElement>('.status-select select')) {
      const style = getComputedStyle(select);
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const widest = Math.max(...[...select.options].map((option) => canvas.measureText(option.text).width));
      // The padding on both sides, and room for the drop-down arrow.
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
      if (select.scrollWidth > select.clientWidth || widest > room) clipped.push(`${select.getAttribute('aria-label') ?? select.value}: ${Math.round(widest)} px of text in ${Math.round(room)} px`);
    }
    return clipped;
  });
}

/** How far the page, or any scroller on it, scrolls sideways. */
function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page: ${root.scrollWidth - root.clientWidth} px`);
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      const overflowX = getComputedStyle(element).overflowX;
      if ((overflowX === 'auto' || overflowX === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
        found.push(`${element.tagName.toLowerCase()}.${element.className}: ${element.scrollWidth - element.clientWidth} px`);
      }
    }
    return found;
  });
}

describe('the action plan fits a laptop and a phone, in real Chromium', () => {
  const { join, startServer, scriptedFacilitator } = chromiumPeople();

  it('gives every field of an action room to read on the plan at 1366 px, shows progress in full, and never scrolls sideways at 1366 or 390', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: 30-day check-in');
    threeActions(await scriptedFacilitator(server, board));
    const fay = await join(board.links.facilitator, 'Fay');
    await fay.setViewportSize(LAPTOP);
    await fay.getByRole('button', { name: 'Action plan' }).click();
    await visible(fay.getByRole('textbox', { name: /^Step 1 of “Publish rotas/ }), ARRIVES_MS);

    const fields = await fieldWidths(fay, '.plan-card');
    // Three cards of six fields and a progress select, with the controls inside them.
    expect(fields.length).toBeGreaterThan(3 * 7);
    expect(fields.filter((field) => field.width < MIN_FIELD_PX)).toEqual([]);
    expect(await clippedSelects(fay)).toEqual([]);
    // The long step wraps in full: its field is as tall as its text, nothing hidden behind a scrollbar.
    const step = fay.getByRole('textbox', { name: /^Step 1 of “Publish rotas/ });
    expect(await step.inputValue()).toBe(LONG_STEP);
    expect(await step.evaluate((field) => field.scrollHeight <= field.clientHeight + 1)).toBe(true);
    // The summary lists each action's owner, timescale and progress, and takes focus to its card.
    const summary = fay.getByRole('table', { name: 'The plan at a glance' });
    expect(await summary.getByRole('row').nth(2).innerText()).toMatch(/Offer a career conversation[\s\S]*HR Director[\s\S]*Within 3 months[\s\S]*Under way/);
    await summary.getByRole('button', { name: 'Exit interviews for every leaver' }).click();
    await expect.poll(() => fay.evaluate(() => document.activeElement?.textContent)).toBe('3. Exit interviews for every leaver');
    expect(await sidewaysScroll(fay)).toEqual([]);

    await fay.setViewportSize(PHONE);
    expect(await sidewaysScroll(fay)).toEqual([]);
    expect(await clippedSelects(fay)).toEqual([]);
  });

  it('gives every field room in the exercise’s actions phase at 1366 px, and never scrolls sideways at 1366 or 390', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
    const doc = await scriptedFacilitator(server, board);
    threeActions(doc);
    writePhase(doc, 'actions');
    const fay = await join(board.links.facilitator, 'Fay');
    await fay.setViewportSize(LAPTOP);
    await visible(fay.getByRole('group', { name: /^Action 3/ }), ARRIVES_MS);
    await visible(fay.getByRole('textbox', { name: /^Step 1 of “Publish rotas/ }));

    const fields = await fieldWidths(fay, '.action');
    expect(fields.length).toBeGreaterThan(3 * 6);
    expect(fields.filter((field) => field.width < MIN_FIELD_PX)).toEqual([]);
    const step = fay.getByRole('textbox', { name: /^Step 1 of “Publish rotas/ });
    expect(await step.evaluate((field) => field.scrollHeight <= field.clientHeight + 1)).toBe(true);
    expect(await sidewaysScroll(fay)).toEqual([]);

    await fay.setViewportSize(PHONE);
    expect(await sidewaysScroll(fay)).toEqual([]);
  });

  it('keeps a phone’s plan within its width for a participant', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Ward 7: 30-day check-in');
    threeActions(await scriptedFacilitator(server, board));
    const pat = await join(board.links.participant, 'Pat', { mobile: true });
    await pat.getByRole('button', { name: 'Action plan' }).click();
    await visible(pat.getByRole('textbox', { name: /^Step 1 of “Publish rotas/ }), ARRIVES_MS);
    expect(await sidewaysScroll(pat)).toEqual([]);
    expect(await clippedSelects(pat)).toEqual([]);
  });
});
