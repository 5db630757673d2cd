import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { BUILT_CLIENT_DIR, expectNoCspViolations, launchChromium, newPersonContext, visible } from '../helpers/browser';
import { wcagViolations } from '../helpers/axe';
import { createBoard, startTestServer, type TestServer } from '../helpers/server';

/** The sizes every screen is checked at: a trust laptop, a room's projector, a phone. */
const SCREEN_SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 390, height: 844 },
];

/**
 * Axe's violations at each of the sizes, for a page in a laptop's browser
 * (resized, then put back); a phone's page is checked as it is. A layout
 * that hides, overlaps or shrinks things at one size is caught at that size.
 */
async function violationsAtEverySize(page: Page): Promise<string[]> {
  const original = page.viewportSize();
  if (!original || original.width <= 400) return wcagViolations(page);
  const found: string[] = [];
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    // Two frames: the resize's layout and whatever it sets off (the people panel, the bar) have settled.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    found.push(...(await wcagViolations(page)).map((violation) => `${size.width}×${size.height}: ${violation}`));
    // No sideways scrolling, of the page or of the box a laptop’s board screen scrolls in (docs/client.md, "Layout": client/screens/shell/).
    const sideways = await page.evaluate(() =>
      [document.scrollingElement, document.querySelector('.board-shell__content')]
        .filter((box): box is Element => box !== null && box.scrollWidth > box.clientWidth + 1)
        .map((box) => (box === document.scrollingElement ? 'the page' : box.className)),
    );
    found.push(...sideways.map((box) => `${size.width}×${size.height}: ${box} scrolls sideways`));
  }
  await page.setViewportSize(original);
  return found;
}

describe('every screen passes an automated WCAG 2.2 AA check (axe-core), at a laptop’s, a projector’s and a phone’s size', () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer({ clientDir: BUILT_CLIENT_DIR, roomUnloadGraceMs: 60_000 });
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
    expectNoCspViolations();
  });

  /** A person with their own browser storage, joined to the board and live. */
  async function join(link: string, name: string, mobile: boolean): Promise<Page> {
    const page = await (await newPersonContext(browser, { mobile })).newPage();
    await page.goto(link);
    await page.getByRole('textbox', { name: /Your name/ }).fill(name);
    await page.getByRole('button', { name: 'Join the board' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Live' }));
    return page;
  }

  it('on the home page, and after a workshop is created', async () => {
    const page = await (await newPersonContext(browser)).newPage();
    await page.goto(server.url);
    await visible(page.getByRole('heading', { name: 'New workshop' }));
    expect(await violationsAtEverySize(page)).toEqual([]);
    await page.getByLabel('Workshop title').fill('Accessibility check');
    await page.getByRole('button', { name: 'Create workshop board' }).click();
    await visible(page.getByRole('button', { name: 'Open the board as facilitator' }));
    expect(await violationsAtEverySize(page)).toEqual([]);
    // Back on the home page, the board just opened is listed under "Your boards", on a laptop and at a phone's width.
    await page.getByRole('button', { name: 'Open the board as facilitator' }).click();
    await page.getByRole('textbox', { name: /Your name/ }).fill('Fay');
    await page.getByRole('button', { name: 'Join the board' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Live' }));
    await page.goto(server.url);
    await visible(page.getByRole('link', { name: 'Accessibility check, as facilitator' }));
    expect(await violationsAtEverySize(page), 'home with its boards, laptop').toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await violationsAtEverySize(page), 'home with its boards, phone width').toEqual([]);
    await page.context().close();
  });

  it('on the name form and the live board with notes, on a laptop and on a phone', async () => {
    const board = await createBoard(server, 'Accessibility board');
    for (const mobile of [false, true]) {
      const page = await (await newPersonContext(browser, { mobile })).newPage();
      await page.goto(board.links.participant);
      await visible(page.getByRole('textbox', { name: /Your name/ }));
      expect(await violationsAtEverySize(page)).toEqual([]);
      await page.getByRole('textbox', { name: /Your name/ }).fill(mobile ? 'Phone person' : 'Laptop person');
      await page.getByRole('button', { name: 'Join the board' }).click();
      await visible(page.getByRole('status').filter({ hasText: 'Live' }));
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.getByRole('textbox', { name: 'Note text' }).fill('A note to check');
      expect(await violationsAtEverySize(page)).toEqual([]);
      await page.getByRole('textbox', { name: 'Note text' }).press('Enter');
      expect(await violationsAtEverySize(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('on the viewer’s board and the facilitator’s large join code', async () => {
    const board = await createBoard(server, 'Accessibility viewer');
    const viewer = await (await newPersonContext(browser)).newPage();
    await viewer.goto(board.links.viewer);
    await visible(viewer.getByRole('status').filter({ hasText: 'Live – view only' }));
    expect(await violationsAtEverySize(viewer)).toEqual([]);
    await viewer.context().close();

    const facilitator = await (await newPersonContext(browser)).newPage();
    await facilitator.goto(board.links.facilitator);
    await facilitator.getByRole('textbox', { name: /Your name/ }).fill('Fay');
    await facilitator.getByRole('button', { name: 'Join the board' }).click();
    await facilitator.getByRole('button', { name: 'Show large' }).click();
    await visible(facilitator.getByRole('dialog'));
    expect(await violationsAtEverySize(facilitator)).toEqual([]);
    await facilitator.context().close();
  });

  it('on every phase of the exercise, for the facilitator on a laptop and a participant on a phone', async () => {
    const board = await createBoard(server, 'Accessibility exercise', 'four-perspectives');
    const facilitator = await join(board.links.facilitator, 'Fay', false);
    const phone = await join(board.links.participant, 'Pat', true);
    const check = async (phase: string) => {
      for (const page of [facilitator, phone]) {
        await visible(page.getByRole('heading', { level: 2, name: `Now: ${phase}` }));
        expect(await violationsAtEverySize(page), `${phase} on the ${page === phone ? 'phone' : 'laptop'}`).toEqual([]);
      }
    };
    const next = (phase: string) => facilitator.getByRole('button', { name: `Next: ${phase}` }).click();

    await phone.getByRole('radio', { name: 'Staff' }).check();
    await check('Set up');
    await next('Write, in private');
    await phone.getByRole('textbox', { name: 'Your note for “Staff”' }).fill('Rotas we can plan around');
    await phone.getByRole('button', { name: 'Add note' }).click();
    await check('Write, in private');
    await next('Reveal');
    await visible(phone.locator('.lane-note').filter({ hasText: 'Rotas we can plan around' }));
    await check('Reveal');
    await next('Compare');
    await phone.getByRole('button', { name: /^Actions for note:/ }).click();
    // The open menu, on a phone, is part of what must pass.
    expect(await violationsAtEverySize(phone)).toEqual([]);
    await phone.getByRole('menuitem', { name: 'New theme from this note' }).click();
    await visible(facilitator.getByRole('region', { name: 'Theme: Rotas we can plan around' }));
    await check('Compare');
    await facilitator.getByRole('button', { name: 'Compare the perspectives' }).click();
    expect(await violationsAtEverySize(facilitator)).toEqual([]);
    await next('Vote');
    await phone.getByRole('button', { name: 'Add a dot to “Rotas we can plan around”' }).click();
    // The timer's settings are behind the facilitator's "Timer" button; open, they are part of what must pass.
    await facilitator.getByRole('button', { name: 'Timer' }).click();
    await facilitator.getByRole('button', { name: 'Set timer' }).click();
    await check('Vote');
    await facilitator.getByRole('button', { name: 'Close voting and show the results' }).click();
    await visible(phone.getByRole('heading', { name: 'Results' }));
    await check('Vote');
    await next('Agree actions');
    await facilitator.getByRole('button', { name: 'Draft an action from “Rotas we can plan around”' }).click();
    await visible(phone.getByRole('group', { name: /^Action 1/ }));
    for (const page of [facilitator, phone]) {
      await page.getByText(/^Next-steps check/).click();
      await page.getByText(/^Evaluation plan/).click();
    }
    await check('Agree actions');
    await facilitator.context().close();
    await phone.context().close();
  });

  it('on the action plan, with a date, a duration, steps and the import, for the facilitator on a laptop and a participant on a phone', async () => {
    const board = await createBoard(server, 'Accessibility plan');
    const facilitator = await join(board.links.facilitator, 'Fay', false);
    const phone = await join(board.links.participant, 'Pat', true);
    for (const page of [facilitator, phone]) await page.getByRole('button', { name: 'Action plan' }).click();
    expect(await violationsAtEverySize(facilitator)).toEqual([]);
    for (const timescale of ['date', 'duration']) {
      await facilitator.getByRole('button', { name: 'Add an action', exact: true }).click();
      await facilitator.getByRole('combobox', { name: 'Kind of timescale' }).last().selectOption(timescale);
      await facilitator.getByRole('textbox', { name: /^New step/ }).last().fill('A first step');
      await facilitator.getByRole('textbox', { name: /^New step/ }).last().press('Enter');
    }
    await visible(phone.getByRole('checkbox', { name: 'Done: A first step' }).nth(1));
    for (const page of [facilitator, phone]) expect(await violationsAtEverySize(page), page === phone ? 'phone' : 'laptop').toEqual([]);
    await facilitator.context().close();
    await phone.context().close();
  });

  it('on the driver diagram, as a picture and as an outline, on a laptop and on a phone', async () => {
    const board = await createBoard(server, 'Accessibility diagram');
    for (const mobile of [false, true]) {
      const page = await (await newPersonContext(browser, { mobile })).newPage();
      await page.goto(board.links.participant);
      await page.getByRole('textbox', { name: /Your name/ }).fill(mobile ? 'Phone person' : 'Laptop person');
      await page.getByRole('button', { name: 'Join the board' }).click();
      await visible(page.getByRole('status').filter({ hasText: 'Live' }));
      await page.getByRole('button', { name: 'Driver diagrams' }).click();
      if (!mobile) {
        await page.getByRole('textbox', { name: 'New driver diagram' }).fill('Keeping nurses');
        await page.getByRole('button', { name: 'Start a diagram' }).click();
        await page.getByRole('button', { name: 'Add a primary driver' }).click();
      }
      await visible(page.locator('[data-node-id]').nth(1));
      expect(await violationsAtEverySize(page), mobile ? 'picture on a phone' : 'picture on a laptop').toEqual([]);
      await page.getByRole('button', { name: 'Outline' }).click();
      await visible(page.getByRole('button', { name: /^Add under/ }).first());
      expect(await violationsAtEverySize(page), mobile ? 'outline on a phone' : 'outline on a laptop').toEqual([]);
      await page.context().close();
    }
  });
});
