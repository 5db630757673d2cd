import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addAction, readActions, updateAction } from '../../shared/document/actions';
import { addDiagram, addDriverNode } from '../../shared/document/drivers';
import { markActionsAgreed } from '../../shared/document/phases';
import { readSession, writePhase } from '../../shared/document/session';
import { addTheme } from '../../shared/document/themes';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { DriverNodeId } from '../../shared/schema/ids';
import { chromiumPeople, joinBoard, visible } from '../helpers/browser';
import { createBoard, type TestServer } from '../helpers/server';

const ARRIVES_MS = 5000;

/**
 * What six people met running a real workshop: each test walks through one
 * of those moments as the people in the room did, in real Chromium.
 */
describe('a six-person workshop’s rough edges, in real Chromium', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  const { join, personBrowser, startServer, scriptedFacilitator } = chromiumPeople();

  async function start() {
    server = await startServer();
    board = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
  }

  /** A facilitator working through plain Yjs, to put the board where the workshop was. */
  const facilitatorDoc = () => scriptedFacilitator(server, board);

  /** Five actions, each with an owner and a timescale, marked agreed; and a diagram with one change idea. */
  function agreedPlanOfFive(doc: Y.Doc): void {
    for (let i = 1; i <= 5; i++) {
      const id = addAction(doc, { topic: `Topic ${i}`, now: i });
      updateAction(doc, id, { action: `Agreed action ${i}`, owner: 'Ward manager', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
    }
    expect(markActionsAgreed(doc, true)).toEqual([]);
    writePhase(doc, 'actions');
    const diagramId = addDiagram(doc, { title: 'Keeping nurses' });
    const primary = addDriverNode(doc, { diagramId, parentId: null, text: 'Predictable work' })!;
    const secondary = addDriverNode(doc, { diagramId, parentId: primary, text: 'Rotas' }) as DriverNodeId;
    addDriverNode(doc, { diagramId, parentId: secondary, text: 'Self-rostering pilot' });
  }

  async function openOutline(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Driver diagrams' }).click();
    await page.getByRole('button', { name: 'Outline' }).click();
  }

  describe('an agreed plan keeps to three to five actions', () => {
    it('asks the facilitator to reopen the agreement before “Make it an action” adds a sixth', async () => {
      await start();
      const doc = await facilitatorDoc();
      agreedPlanOfFive(doc);
      const fran = await join(board.links.facilitator, 'Fran');
      await openOutline(fran);
      await fran.getByRole('button', { name: /^Make it an action/ }).click();
      const question = fran.getByRole('alertdialog');
      await visible(question);
      expect(await question.innerText()).toMatch(/agreed/);
      expect(readActions(doc)).toHaveLength(5);
      await question.getByRole('button', { name: 'Keep the agreed plan' }).click();
      expect(await fran.getByRole('alertdialog').count()).toBe(0);
      expect(readActions(doc)).toHaveLength(5);

      await fran.getByRole('button', { name: /^Make it an action/ }).click();
      await fran.getByRole('alertdialog').getByRole('button', { name: 'Reopen the agreement and add it' }).click();
      await expect.poll(() => readActions(doc).length, { timeout: ARRIVES_MS }).toBe(6);
      expect(readSession(doc).actionsAgreed).toBe(false);
    });

    it('asks the facilitator to reopen the agreement before “Add an action” in the plan adds one, even to a plan of three', async () => {
      await start();
      const doc = await facilitatorDoc();
      agreedPlanOfFive(doc);
      const fran = await join(board.links.facilitator, 'Fran');
      await fran.getByRole('button', { name: 'Action plan' }).click();
      await fran.getByRole('button', { name: 'Add an action', exact: true }).click();
      await visible(fran.getByRole('alertdialog'));
      expect(readActions(doc)).toHaveLength(5);
      await fran.getByRole('alertdialog').getByRole('button', { name: 'Reopen the agreement and add it' }).click();
      await expect.poll(() => readActions(doc).length, { timeout: ARRIVES_MS }).toBe(6);
      expect(readSession(doc).actionsAgreed).toBe(false);
      await visible(fran.getByText(/6 actions, not agreed yet/));
    });

    it('tells a participant the plan is agreed and only the facilitator can reopen it, and adds nothing', async () => {
      await start();
      const doc = await facilitatorDoc();
      agreedPlanOfFive(doc);
      const pat = await join(board.links.participant, 'Pat');
      await openOutline(pat);
      await pat.getByRole('button', { name: /^Make it an action/ }).click();
      await visible(pat.getByRole('alert').filter({ hasText: 'only the facilitator can reopen' }));
      expect(await pat.getByRole('alertdialog').count()).toBe(0);
      expect(readActions(doc)).toHaveLength(5);
      expect(readSession(doc).actionsAgreed).toBe(true);
    });
  });

  describe('a half-typed note survives the facilitator changing phase', () => {
    it('keeps the text in its field through the reveal, and offers it after the move to compare', async () => {
      await start();
      const doc = await facilitatorDoc();
      writePhase(doc, 'write');
      const fran = await join(board.links.facilitator, 'Fran');
      const pat = await join(board.links.participant, 'Pat');
      await pat.getByRole('radio', { name: 'Staff' }).click();
      const field = pat.getByRole('textbox', { name: 'Your note for “Staff”' });
      await field.fill('Exit interviews that someone actually rea');

      await fran.getByRole('button', { name: 'Next: Reveal' }).click();
      await visible(pat.getByRole('heading', { name: 'Now: Reveal' }), ARRIVES_MS);
      await expect.poll(() => readSession(doc).revealed, { timeout: ARRIVES_MS }).toBe(true);
      expect(await field.inputValue()).toBe('Exit interviews that someone actually rea');

      await fran.getByRole('button', { name: 'Next: Compare' }).click();
      await visible(pat.getByRole('heading', { name: 'Now: Compare' }), ARRIVES_MS);
      const kept = pat.getByRole('region', { name: 'Your unfinished note' });
      await visible(kept);
      await kept.getByRole('textbox').fill('Exit interviews that someone actually reads');
      await kept.getByRole('button', { name: /^Add it to the board/ }).click();
      await visible(fran.getByText('Exit interviews that someone actually reads'), ARRIVES_MS);
      expect(await pat.getByRole('region', { name: 'Your unfinished note' }).count()).toBe(0);
    });
  });

  it('takes the red reason for refusing “Next: Done” away as soon as the actions are agreed', async () => {
    await start();
    const doc = await facilitatorDoc();
    addTheme(doc, { title: 'Predictable rotas' });
    const ids = [1, 2, 3].map((i) => addAction(doc, { topic: `Topic ${i}`, now: i }));
    writePhase(doc, 'actions');
    const fran = await join(board.links.facilitator, 'Fran');
    await fran.getByRole('button', { name: 'Next: Done' }).click();
    const reason = fran.locator('.facilitator-controls__problem');
    await expect.poll(() => reason.innerText()).toMatch(/not agreed yet/);
    await fran.getByRole('button', { name: 'Mark the actions agreed' }).click();
    await expect.poll(() => fran.locator('.actions__refusal').innerText()).toMatch(/^Not yet/);

    for (const id of ids) updateAction(doc, id, { owner: 'HR lead', timescale: { kind: 'date', date: '2027-01-31' } });
    await expect.poll(() => fran.locator('.actions__refusal').innerText(), { timeout: ARRIVES_MS }).toBe('');
    await fran.getByRole('button', { name: 'Mark the actions agreed' }).click();
    await visible(fran.getByText('The actions are agreed.'));
    await expect.poll(() => reason.innerText()).toBe('');
  });

  // Two joins and two reloads: longer than most tests here, though nothing in it waits on a clock.
  it('keeps a facilitator’s private drafts apart from a participant’s opened in another tab of the same browser', { timeout: 30_000 }, async () => {
    await start();
    const doc = await facilitatorDoc();
    writePhase(doc, 'write');
    const oneBrowser = await personBrowser();
    const fran = await joinBoard(await oneBrowser.newPage(), board.links.facilitator, 'Fran');
    const pat = await joinBoard(await oneBrowser.newPage(), board.links.participant, 'Pat');
    await pat.getByRole('radio', { name: 'Staff' }).click();
    const field = pat.getByRole('textbox', { name: 'Your note for “Staff”' });
    await field.fill('Written by Pat in the second tab');
    await field.press('Enter');
    await visible(pat.locator('.lane-note--mine').filter({ hasText: 'Written by Pat in the second tab' }));
    await expect.poll(() => fran.locator('.lane').filter({ hasText: 'Staff: 1 note' }).count(), { timeout: ARRIVES_MS }).toBe(1);

    await fran.reload();
    await visible(fran.getByRole('status').filter({ hasText: 'Live' }), ARRIVES_MS);
    await visible(fran.getByRole('heading', { name: 'Now: Write, in private' }));
    // Counts settle once both private documents have synced; Pat's note must still be Pat's alone.
    await expect.poll(() => fran.locator('.lane').filter({ hasText: 'Staff: 1 note' }).count(), { timeout: ARRIVES_MS }).toBe(1);
    expect(await fran.locator('.lane-note--mine').count()).toBe(0);
    await pat.reload();
    await visible(pat.locator('.lane-note--mine').filter({ hasText: 'Written by Pat in the second tab' }), ARRIVES_MS);
  });

  it('says there are unsaved changes right after a note is written offline', async () => {
    await start();
    const doc = await facilitatorDoc();
    writePhase(doc, 'write');
    const pat = await join(board.links.participant, 'Pat');
    await pat.getByRole('radio', { name: 'Staff' }).click();
    await visible(pat.getByRole('status').filter({ hasText: 'Live – all changes saved' }), ARRIVES_MS);
    await pat.context().setOffline(true);
    await visible(pat.getByRole('status').filter({ hasText: 'Offline –' }), ARRIVES_MS);
    const field = pat.getByRole('textbox', { name: 'Your note for “Staff”' });
    await field.fill('Written with the wifi down');
    await field.press('Enter');
    await visible(pat.getByRole('status').filter({ hasText: 'Offline – 1 unsaved change' }), ARRIVES_MS);
    await pat.context().setOffline(false);
    await visible(pat.getByRole('status').filter({ hasText: 'Live – all changes saved' }), ARRIVES_MS);
  });
});
