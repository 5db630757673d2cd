import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addAction } from '../../shared/document/actions';
import { addDiagram, addDriverNode } from '../../shared/document/drivers';
import { addNote } from '../../shared/document/notes';
import { writePhase } from '../../shared/document/session';
import type { PerspectiveId } from '../../shared/schema/ids';
import type { CreateBoardResponse } from '../../shared/schema/api';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;
const LOCKED = 'The facilitator has locked the board';
const REFUSED = 'Your latest change was not saved: the facilitator has locked the board.';

describe('the locked board, in real Chromium', () => {
  let board: CreateBoardResponse;
  let script: Y.Doc;
  const { join, startServer, scriptedFacilitator } = chromiumPeople();

  /** A board in the compare phase with revealed notes, an action and a driver diagram, set up through plain Yjs. */
  async function boardInCompare(): Promise<void> {
    const server = await startServer();
    board = await createBoard(server, 'Locked board', 'four-perspectives');
    script = await scriptedFacilitator(server, board);
    for (const text of ['Flexible rotas', 'Career conversations']) {
      addNote(script, { text, x: 0, y: 0, authorId: null, authorName: 'Script', perspectiveId: 'staff' as PerspectiveId });
    }
    addAction(script, { topic: 'Flexible rotas pilot' });
    const diagram = addDiagram(script, { title: 'Keeping nurses', aim: 'Fewer leavers' });
    addDriverNode(script, { diagramId: diagram, parentId: null, text: 'Flexible working' });
    script.getMap('session').set('revealed', true);
    writePhase(script, 'compare');
  }

  const themes = (page: Page) => page.getByRole('region', { name: /^Theme: / });
  const isLive = (page: Page) => visible(page.getByRole('status').filter({ hasText: 'Live – all changes saved' }), ARRIVES_MS);

  async function expectNothingEditable(fields: Locator): Promise<void> {
    const count = await fields.count();
    expect(count).toBeGreaterThan(0);
    for (let index = 0; index < count; index++) expect(await fields.nth(index).isEditable()).toBe(false);
  }

  it('holds back a participant’s controls in compare, the driver diagram and the plan, and says why', async () => {
    await boardInCompare();
    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat');
    await visible(pat.getByRole('button', { name: /^Actions for note:/ }).first(), ARRIVES_MS);

    await fran.getByRole('button', { name: 'Lock the board' }).click();
    await visible(pat.getByRole('status').filter({ hasText: LOCKED }), ARRIVES_MS);
    expect(await pat.getByRole('button', { name: /^Actions for (note|theme):/ }).count()).toBe(0);
    expect(await pat.getByRole('button', { name: 'Add theme' }).count()).toBe(0);
    // Nothing left to drag: no note is focusable as something to pick up.
    expect(await pat.locator('.lane-note__body[tabindex]').count()).toBe(0);
    expect(await pat.getByRole('button', { name: /^Add to the driver diagram/ }).count()).toBe(0);
    // The facilitator keeps every control.
    await visible(fran.getByRole('button', { name: 'Add theme' }));

    await pat.getByRole('button', { name: 'Driver diagrams' }).click();
    await visible(pat.getByRole('status').filter({ hasText: LOCKED }));
    expect(await pat.getByRole('textbox', { name: 'What we want to achieve' }).isEditable()).toBe(false);
    expect(await pat.getByRole('button', { name: 'Add a primary driver' }).count()).toBe(0);
    expect(await pat.getByRole('button', { name: /^Drag “/ }).count()).toBe(0);
    await pat.getByRole('button', { name: 'Outline' }).click();
    expect(await pat.getByRole('button', { name: /^Add under/ }).count()).toBe(0);
    expect(await pat.getByRole('button', { name: /^Delete/ }).count()).toBe(0);

    await pat.getByRole('button', { name: 'Action plan' }).click();
    const table = pat.getByRole('list', { name: 'Actions' });
    await visible(table);
    await expectNothingEditable(table.getByRole('textbox'));
    await expectNothingEditable(table.getByRole('combobox'));

    await fran.getByRole('button', { name: 'Unlock the board' }).click();
    await expect.poll(() => table.getByRole('textbox').first().isEditable(), { timeout: ARRIVES_MS }).toBe(true);
    expect(await pat.getByRole('status').filter({ hasText: LOCKED }).count()).toBe(0);
  });

  it('refuses a change that raced the lock, puts the participant’s screen back, and never shows it to anyone', async () => {
    await boardInCompare();
    const fran = await join(board.links.facilitator, 'Fran');
    const pat = await join(board.links.participant, 'Pat');
    await visible(pat.getByRole('button', { name: /^Actions for note:/ }).first(), ARRIVES_MS);

    // Pat's connection drops; Pat groups a note, not knowing the facilitator locks the board meanwhile.
    await pat.context().setOffline(true);
    await pat.getByRole('button', { name: /^Actions for note:/ }).first().click();
    await pat.getByRole('menuitem', { name: 'New theme from this note' }).click();
    await expect.poll(() => themes(pat).count()).toBe(1);
    await fran.getByRole('button', { name: 'Lock the board' }).click();
    await pat.context().setOffline(false);

    const refusal = pat.getByRole('alert').filter({ hasText: REFUSED });
    await visible(refusal, ARRIVES_MS);
    await visible(pat.getByRole('status').filter({ hasText: LOCKED }));
    await expect.poll(() => themes(pat).count(), { timeout: ARRIVES_MS }).toBe(0);
    await isLive(pat);
    await pat.getByRole('button', { name: 'Dismiss' }).click();
    expect(await refusal.count()).toBe(0);

    await pat.reload();
    await isLive(pat);
    await visible(pat.getByRole('region', { name: 'Notes in no theme' }).getByText('Flexible rotas'));
    expect(await themes(pat).count()).toBe(0);
    await fran.getByRole('button', { name: 'Unlock the board' }).click();
    await expect.poll(() => pat.getByRole('status').filter({ hasText: LOCKED }).count(), { timeout: ARRIVES_MS }).toBe(0);
    await pat.reload();
    await isLive(pat);
    await fran.reload();
    await isLive(fran);
    expect(await themes(pat).count()).toBe(0);
    expect(await themes(fran).count()).toBe(0);
    expect(script.getMap('themes').size).toBe(0);
  });
});
