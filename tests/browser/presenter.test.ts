import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { addAction, updateAction } from '../../shared/document/actions';
import { addDiagram, addDriverNode } from '../../shared/document/drivers';
import { addNote } from '../../shared/document/notes';
import { setFacilitatorView, setSessionFlag, writePhase } from '../../shared/document/session';
import { addTheme } from '../../shared/document/themes';
import { PHASE_GUIDE } from '../../shared/rules/phaseRules';
import type { Phase } from '../../shared/schema/exercise';
import type { NoteId, PerspectiveId } from '../../shared/schema/ids';
import { chromiumPeople, visible } from '../helpers/browser';
import { wcagViolations } from '../helpers/axe';
import { createBoard } from '../helpers/server';

/**
 * The presenter view (client/screens/presenter/): what the viewer link shows
 * on a room's projector, in real Chromium at the two projector sizes.
 */

const ARRIVES_MS = 5000;
const SCREENS = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
] as const;
const LANES = ['board', 'hr', 'managers', 'staff'] as const;

/** How far the page itself could scroll: nothing, on the presenter view. */
function pageOverflow(page: Page): Promise<{ down: number; across: number }> {
  return page.evaluate(() => {
    const scroller = document.scrollingElement!;
    return { down: scroller.scrollHeight - window.innerHeight, across: scroller.scrollWidth - window.innerWidth };
  });
}

describe('the presenter view on the viewer link, in real Chromium', () => {
  const { person, join, startServer, scriptedFacilitator } = chromiumPeople();

  const showsNow = (page: Page, words: string) => visible(page.getByRole('heading', { name: `Now: ${words}` }), ARRIVES_MS);
  const showsPhase = (page: Page, phase: Phase) => showsNow(page, PHASE_GUIDE[phase].title);

  async function projector(link: string, size: { width: number; height: number }): Promise<Page> {
    const page = await person();
    await page.setViewportSize(size);
    await page.goto(link);
    await visible(page.getByRole('status').filter({ hasText: 'Live – view only' }), ARRIVES_MS);
    return page;
  }

  it('shows four lanes of 40 notes at the reveal without the page scrolling, and passes axe, at 1920×1080 and 1366×768', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'A busy reveal', 'four-perspectives');
    const doc = await scriptedFacilitator(server, board, 'Fran');
    doc.transact(() => {
      for (const lane of LANES) {
        for (let n = 1; n <= 40; n++) {
          addNote(doc, {
            text: `${lane} note ${n}: protected time for training and a rota people can plan their lives around`,
            x: 0,
            y: 0,
            authorId: null,
            authorName: '',
            perspectiveId: lane as PerspectiveId,
          });
        }
      }
    });
    writePhase(doc, 'reveal');

    for (const size of SCREENS) {
      const page = await projector(board.links.viewer, size);
      await showsPhase(page, 'reveal');
      await visible(page.locator('.presenter-lane').nth(3));
      await page.waitForFunction(() => document.querySelectorAll('.presenter-note').length === 160, undefined, { timeout: ARRIVES_MS });
      expect(await page.locator('.presenter-lane').count()).toBe(4);
      for (let lane = 0; lane < 4; lane++) expect(await page.locator('.presenter-lane').nth(lane).locator('.presenter-note').count()).toBe(40);
      expect(await pageOverflow(page)).toEqual({ down: 0, across: 0 });
      // Side by side, each whole on screen: the fourth lane is not below the fold.
      const boxes = await Promise.all([0, 1, 2, 3].map(async (lane) => (await page.locator('.presenter-lane').nth(lane).boundingBox())!));
      for (const [index, box] of boxes.entries()) {
        expect(box.y + box.height).toBeLessThanOrEqual(size.height + 0.5);
        expect(box.x + box.width).toBeLessThanOrEqual(size.width + 0.5);
        if (index > 0) expect(box.x).toBeGreaterThan(boxes[index - 1]!.x);
      }
      expect(await wcagViolations(page)).toEqual([]);
    }
  });

  it('follows a scripted facilitator through every phase and every activity, with nobody touching it', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Followed workshop', 'four-perspectives');
    const doc = await scriptedFacilitator(server, board, 'Fran');
    const page = await projector(board.links.viewer, SCREENS[1]);

    await showsPhase(page, 'setup');
    await visible(page.getByText(board.joinCode, { exact: true }));
    await visible(page.getByRole('img', { name: /QR code for .*\/j\// }));
    expect(await wcagViolations(page)).toEqual([]);

    writePhase(doc, 'write');
    await showsPhase(page, 'write');
    await visible(page.getByRole('list', { name: 'Notes written so far, by lane' }));
    await visible(page.getByText(/0 of 0 done writing/));

    const noteIds: NoteId[] = [];
    for (const lane of LANES) {
      noteIds.push(addNote(doc, { text: `Flexible rotas, seen by ${lane}`, x: 0, y: 0, authorId: null, authorName: '', perspectiveId: lane as PerspectiveId }));
    }
    writePhase(doc, 'reveal');
    await showsPhase(page, 'reveal');
    await visible(page.getByText('Flexible rotas, seen by staff'));

    writePhase(doc, 'compare');
    await showsPhase(page, 'compare');
    addTheme(doc, { title: 'Flexible working', noteIds });
    // The matrix as a picture, and the same in words for screen readers.
    await visible(page.locator('.presenter-chart__image'));
    expect(await page.locator('figcaption').textContent()).toContain('Flexible working');

    writePhase(doc, 'vote');
    await showsPhase(page, 'vote');
    // While voting is open, only the counts over everyone: the dots placed, and by how many people.
    await visible(page.getByText('0 dots placed yet', { exact: true }));
    setSessionFlag(doc, 'votingClosed', true);
    await visible(page.getByText('0 dots placed', { exact: true }));
    await visible(page.locator('.presenter-chart__image'));

    const action = addAction(doc, { topic: 'Pilot self-rostering on two wards' });
    updateAction(doc, action, { owner: 'Director of nursing', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
    writePhase(doc, 'actions');
    await showsPhase(page, 'actions');
    await visible(page.getByRole('heading', { name: 'Pilot self-rostering on two wards' }));
    await visible(page.getByText('Director of nursing'));
    await visible(page.getByText('Within 3 months'));
    writePhase(doc, 'done');
    await showsPhase(page, 'done');
    await visible(page.getByRole('heading', { name: 'Pilot self-rostering on two wards' }));

    // The facilitator's activity: the driver diagrams (the one they show), the plan, and back.
    addDiagram(doc, { title: 'First diagram' });
    const second = addDiagram(doc, { title: 'Keeping newly qualified nurses' });
    addDriverNode(doc, { diagramId: second, parentId: null, text: 'Preceptorship that works' });
    setFacilitatorView(doc, { activity: 'diagrams', diagramId: second });
    await showsNow(page, 'Driver diagram');
    await visible(page.locator('.presenter-diagram__image'));
    expect(await page.locator('.presenter-diagram figcaption').textContent()).toContain('Keeping newly qualified nurses');
    expect(await page.locator('.presenter-diagram figcaption').textContent()).toContain('Preceptorship that works');
    expect(await pageOverflow(page)).toEqual({ down: 0, across: 0 });
    expect(await wcagViolations(page)).toEqual([]);

    setFacilitatorView(doc, { activity: 'plan', diagramId: null });
    await showsNow(page, 'Action plan');
    await visible(page.getByRole('heading', { name: 'Pilot self-rostering on two wards' }));
    await visible(page.locator('.presenter-chart__image'));
    expect(await wcagViolations(page)).toEqual([]);

    setFacilitatorView(doc, { activity: 'workshop', diagramId: null });
    await showsPhase(page, 'done');
    expect(await page.getByRole('button').count()).toBe(0);
    expect(await page.getByText('The board refused a change from this device').count()).toBe(0);
  });

  it('follows the facilitator’s own screen: switching to the driver diagrams or the plan moves the projector too', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Switched workshop', 'four-perspectives');
    const facilitator = await join(board.links.facilitator, 'Fran');
    const page = await projector(board.links.viewer, SCREENS[0]);
    await showsPhase(page, 'setup');

    await facilitator.getByRole('button', { name: 'Action plan' }).click();
    await showsNow(page, 'Action plan');
    await facilitator.getByRole('button', { name: 'Driver diagrams' }).click();
    await showsNow(page, 'Driver diagram');
    await facilitator.getByRole('button', { name: 'The exercise' }).click();
    await showsPhase(page, 'setup');
  });

  it('shows a QR code that decodes to the participant invite link, at both sizes, and the join code; a blank board shows them beside its notes', async () => {
    const server = await startServer();
    const board = await createBoard(server, 'Scan to join', 'blank');
    const doc = await scriptedFacilitator(server, board, 'Fran');
    addNote(doc, { text: 'Say thank you more often', x: 0, y: 0, authorId: null, authorName: '' });

    for (const size of SCREENS) {
      const page = await projector(board.links.viewer, size);
      await showsNow(page, 'The board');
      await visible(page.getByText('Say thank you more often'));
      await visible(page.getByText(board.joinCode, { exact: true }));
      const qr = page.locator('.presenter-join__qr-image');
      await visible(qr);
      await page.waitForFunction(() => (document.querySelector('.presenter-join__qr-image') as HTMLImageElement | null)?.complete === true);
      const png = PNG.sync.read(await qr.screenshot());
      const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
      const origin = new URL(page.url()).origin;
      expect(decoded?.data).toBe(`${origin}/j/${board.joinCode}`);
      // Big enough to scan from the room: at least a fifth of the screen's height.
      expect((await qr.boundingBox())!.height).toBeGreaterThan(size.height / 5);
      expect(await pageOverflow(page)).toEqual({ down: 0, across: 0 });
      expect(await wcagViolations(page)).toEqual([]);
    }

    // A stopped code leaves the screen at the next refresh: the projector never shows a code that no longer works.
    const stopped = await fetch(`${server.url}/api/boards/${board.boardId}/join-code`, { method: 'DELETE', headers: { Authorization: `Bearer ${board.tokens.facilitator}` } });
    expect(stopped.status).toBe(204);
    const page = await projector(board.links.viewer, SCREENS[0]);
    await visible(page.getByText('Say thank you more often'));
    expect(await page.getByText(board.joinCode, { exact: true }).count()).toBe(0);
    expect(await page.locator('.presenter-join__qr-image').count()).toBe(0);
  });
});
