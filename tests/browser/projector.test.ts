import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addAction } from '../../shared/document/actions';
import { addNote } from '../../shared/document/notes';
import { setLocked, writePhase } from '../../shared/document/session';
import { PHASE_GUIDE } from '../../shared/rules/phaseRules';
import type { Phase } from '../../shared/schema/exercise';
import type { PerspectiveId } from '../../shared/schema/ids';
import { chromiumPeople, visible } from '../helpers/browser';
import { createBoard } from '../helpers/server';

const ARRIVES_MS = 5000;
const VIEW_ONLY = 'Live – view only';

describe('a projector on the viewer link, in real Chromium', () => {
  const { person, startServer, scriptedFacilitator } = chromiumPeople();

  const showsPhase = (page: Page, phase: Phase) => visible(page.getByRole('heading', { name: `Now: ${PHASE_GUIDE[phase].title}` }), ARRIVES_MS);
  const showsViewOnly = (page: Page) => visible(page.getByRole('status').filter({ hasText: VIEW_ONLY }), ARRIVES_MS);

  it('stays live through three reloads and follows the facilitator through every phase', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Projected workshop', 'four-perspectives');
    const doc = await scriptedFacilitator(server, board, 'Fran');

    const projector = await person();
    await projector.goto(board.links.viewer);
    await showsViewOnly(projector);
    await showsPhase(projector, 'setup');

    // Changes with deletions in them, as a real session makes: what a reloaded viewer once sent back.
    const scratch = addNote(doc, { text: 'Written by mistake', x: 0, y: 0, authorId: null, authorName: 'Fran', perspectiveId: 'staff' as PerspectiveId });
    doc.getMap('notes').delete(scratch);
    setLocked(doc, true);
    setLocked(doc, false);

    const reloadAt = new Set<Phase>(['write', 'compare', 'actions']);
    for (const phase of ['write', 'reveal', 'compare', 'vote', 'actions', 'done'] as const) {
      if (phase === 'compare') addNote(doc, { text: 'Flexible rotas', x: 0, y: 0, authorId: null, authorName: 'Fran', perspectiveId: 'staff' as PerspectiveId });
      if (phase === 'actions') addAction(doc, { topic: 'Rota pilot' });
      writePhase(doc, phase);
      await showsPhase(projector, phase);
      await showsViewOnly(projector);
      if (reloadAt.has(phase)) {
        await projector.reload();
        await showsViewOnly(projector);
        await showsPhase(projector, phase);
      }
    }
    expect(await projector.getByText('The board refused a change from this device').count()).toBe(0);
  });
});
