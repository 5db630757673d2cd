/**
 * `npm run screenshots`: runs a short workshop with several people in real
 * Chromium against the real server, and saves each main screen at a laptop's,
 * a projector's and a phone's size into docs/screenshots/ (the README shows
 * the main ones).
 *
 * Two people use the browser as people do (the facilitator on a laptop, a
 * participant on a phone) and the projector shows the viewer link; four more
 * work through plain Yjs, as the tests' scripted people do, so that the
 * lanes, themes and votes look like a real session's without minutes of
 * clicking. Run after `npm run build` (the npm script builds first).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addAction, readActions, updateAction } from '../shared/document/actions';
import { readAssessmentTopics, setAgreedRating, setOwnRating } from '../shared/document/assessment';
import type { Rating } from '../shared/schema/assessment';
import { addDiagram, addDriverNode } from '../shared/document/drivers';
import { addNote, readNotes } from '../shared/document/notes';
import { readPerspectives } from '../shared/document/perspectives';
import { setSessionFlag, writePhase } from '../shared/document/session';
import { addTheme, moveNoteToTheme } from '../shared/document/themes';
import { changeOwnVote } from '../shared/document/votes';
import { PRIVATE_DOCUMENT_SUFFIX } from '../shared/protocol';
import type { CreateBoardResponse } from '../shared/schema/api';
import type { Phase } from '../shared/schema/exercise';
import type { NoteId, ParticipantId, PerspectiveId, ThemeId, TopicId } from '../shared/schema/ids';
import { joinBoard, launchChromium } from '../tests/helpers/chromium';
import { connectStockClient, createBoard, registerParticipant, whenSynced, type StockClient } from '../tests/helpers/server';
import { startServerProcess, type ServerProcess } from '../tests/helpers/server-process';

const OUT_DIR = path.resolve(import.meta.dirname, '../docs/screenshots');

/** The sizes the issue asks for: a trust laptop, a room's projector, a phone. */
const SIZES = {
  laptop: { width: 1366, height: 768 },
  projector: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;
type SizeName = keyof typeof SIZES;

/** What each scripted person writes, by lane order (the board, HR, line managers, staff). */
const NOTES_BY_LANE: string[][] = [
  ['Retention is a standing board item with a named executive lead', 'Exit data reported every quarter', 'Staff survey results discussed with actions'],
  ['Stay conversations for every new starter', 'Flexible working offered from day one', 'Exit interviews analysed for themes', 'A clear internal transfer route'],
  ['Time in the rota for one-to-ones', 'Training on flexible working requests', 'Managers know who is thinking of leaving'],
  ['Rotas published six weeks ahead', 'A career conversation every year', 'Somewhere to rest on a night shift', 'Being thanked for extra shifts'],
];

const THEMES = ['Flexible working', 'Career paths', 'Wellbeing at work', 'Listening to staff'];

/** How the scripted people rate, in turn, and what the group agrees: mostly amber and red at the workshop, better at the check-in. */
const RATINGS: Rating[] = ['red', 'amber', 'amber', 'green'];
const AGREED: Rating[] = ['red', 'amber', 'amber', 'green', 'amber'];
const CHECK_IN_NOTES = ['In every advert since January', 'Two thirds of wards have held them', 'Rest room open on floors 2 and 3'];

interface ScriptedPerson {
  board: StockClient;
  private: StockClient;
  id: ParticipantId;
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function joinScripted(server: ServerProcess, board: CreateBoardResponse, role: 'facilitator' | 'participant', name: string): Promise<ScriptedPerson> {
  const token = board.tokens[role];
  const registered = await registerParticipant(server, board.boardId, token, name);
  const params = { token, participant: registered.participantKey };
  const person = {
    board: connectStockClient(server, board.boardId, params),
    private: connectStockClient(server, `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, params),
    id: registered.participantId as ParticipantId,
    name,
  };
  await Promise.all([whenSynced(person.board.provider, 10_000), whenSynced(person.private.provider, 10_000)]);
  return person;
}

/** A page in a browser of its own (separate storage, like separate people), at one of the sizes. */
async function openPage(browser: Browser, size: SizeName): Promise<Page> {
  const phone = size === 'phone';
  const context = await browser.newContext({ viewport: SIZES[size], deviceScaleFactor: 1, isMobile: phone, hasTouch: phone });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

async function save(page: Page, name: string, size: SizeName): Promise<void> {
  // Let live changes land and transitions settle before the picture is taken.
  await sleep(600);
  const file = path.join(OUT_DIR, `${name}-${size}.png`);
  await page.screenshot({ path: file });
  console.log(`saved ${path.relative(process.cwd(), file)}`);
}

/** Waits until every page shows the phase (their phase heading names it) before the pictures are taken. */
async function reachPhase(facilitator: Y.Doc, phase: Phase, pages: Page[]): Promise<void> {
  writePhase(facilitator, phase);
  await sleep(1500);
  for (const page of pages) await page.waitForLoadState('networkidle').catch(() => undefined);
}

async function main(): Promise<void> {
  await fs.mkdir(OUT_DIR, { recursive: true });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-screenshots-'));
  const server = await startServerProcess({ DATA_DIR: dataDir, ROOM_UNLOAD_GRACE_MS: '60000' });
  const browser = await launchChromium();
  const scripted: ScriptedPerson[] = [];
  try {
    for (const size of ['laptop', 'phone'] as const) {
      const home = await openPage(browser, size);
      await home.goto(server.url);
      await save(home, 'home', size);
    }

    const board = await createBoard(server, 'Ward 7 retention workshop', 'four-perspectives');
    const script = await joinScripted(server, board, 'facilitator', 'Session script');
    const facilitatorDoc = script.board.doc;
    scripted.push(script);

    const fran = await openPage(browser, 'laptop');
    await joinBoard(fran, board.links.facilitator, 'Fran (facilitator)', 15_000);
    const cal = await openPage(browser, 'phone');
    await joinBoard(cal, board.links.participant, 'Cal', 15_000);
    const projector = await openPage(browser, 'projector');
    await projector.goto(board.links.viewer);
    const smallProjector = await openPage(browser, 'laptop');
    await smallProjector.goto(board.links.viewer);

    const names = ['Alex', 'Bea', 'Dev', 'Eli'];
    for (const name of names) scripted.push(await joinScripted(server, board, 'participant', name));
    const people = scripted.slice(1);

    await sleep(1500);
    await save(fran, 'setup', 'laptop');
    await save(projector, 'presenter-setup', 'projector');

    await reachPhase(facilitatorDoc, 'write', [fran, cal, projector]);
    const lanes = readPerspectives(facilitatorDoc);
    people.forEach((person, p) => {
      lanes.forEach((lane, l) => {
        const text = NOTES_BY_LANE[l % NOTES_BY_LANE.length]![p % NOTES_BY_LANE[l % NOTES_BY_LANE.length]!.length]!;
        addNote(person.private.doc, { text, x: 0, y: 0, authorId: person.id, authorName: person.name, perspectiveId: lane.id as PerspectiveId });
      });
    });
    // The server publishes the counts of drafts on a coarse interval (docs/exercise.md, "Anonymity"): wait for one.
    await sleep(11_000);
    await save(fran, 'write', 'laptop');
    await save(cal, 'write', 'phone');
    await save(projector, 'presenter-write', 'projector');
    await save(smallProjector, 'presenter-write', 'laptop');

    await reachPhase(facilitatorDoc, 'reveal', [fran, cal, projector]);
    await sleep(1500);
    await save(fran, 'reveal', 'laptop');
    await save(projector, 'presenter-reveal', 'projector');

    await reachPhase(facilitatorDoc, 'compare', [fran, cal, projector]);
    const themeIds: ThemeId[] = THEMES.map((title) => addTheme(facilitatorDoc, { title }));
    const notes = readNotes(facilitatorDoc);
    notes.forEach((note, n) => {
      // Most notes go into a theme; a few are left for the group to place.
      if (n % 5 !== 4) moveNoteToTheme(facilitatorDoc, note.id as NoteId, themeIds[n % themeIds.length]!);
    });
    await sleep(1500);
    await save(fran, 'compare', 'laptop');
    await save(cal, 'compare', 'phone');
    await save(projector, 'presenter-compare', 'projector');

    await reachPhase(facilitatorDoc, 'vote', [fran, cal, projector]);
    // Each person's dots, by theme: uneven, as a real vote is.
    const ballots = [
      [0, 0, 1, 3],
      [0, 0, 2],
      [0, 1, 1, 3, 2],
      [1, 0, 0],
    ];
    people.forEach((person, p) => {
      for (const theme of ballots[p % ballots.length]!) changeOwnVote(person.private.doc, themeIds[theme]!, 1, { budget: 5, cap: 3 });
    });
    await sleep(1500);
    await save(projector, 'presenter-vote', 'projector');
    setSessionFlag(facilitatorDoc, 'votingClosed', true);
    await sleep(2000);
    await save(fran, 'vote-results', 'laptop');
    await save(projector, 'presenter-vote-results', 'projector');

    await reachPhase(facilitatorDoc, 'actions', [fran, cal, projector]);
    const plan = [
      { topic: 'Flexible working', action: 'Offer flexible working from the first day in every advert', owner: 'Director of People', success: 'Half of new starters ask for a flexible pattern' },
      { topic: 'Career paths', action: 'Hold a career conversation with every nurse each year', owner: 'Ward managers', success: 'Nine in ten conversations recorded by March' },
      { topic: 'Wellbeing at work', action: 'Open a rest room for night shifts on every floor', owner: 'Estates lead', success: 'Staff survey wellbeing score up five points' },
    ];
    plan.forEach((item, i) => {
      const id = addAction(facilitatorDoc, { themeId: themeIds[i]!, topic: item.topic });
      updateAction(facilitatorDoc, id, {
        action: item.action,
        owner: item.owner,
        success: item.success,
        timescale: { kind: 'duration', amount: 3 * (i + 1), unit: 'months' },
        status: i === 0 ? 'under-way' : 'not-started',
      });
    });
    await sleep(1500);
    await save(fran, 'actions', 'laptop');
    await save(cal, 'actions', 'phone');
    await save(projector, 'presenter-actions', 'projector');

    const diagramId = addDiagram(facilitatorDoc, { title: 'Keeping our nurses', aim: 'Cut nurse leavers in the first two years by a third by next winter' });
    const driver = addDriverNode(facilitatorDoc, { diagramId, parentId: null, text: 'Flexible working' });
    if (driver) {
      addDriverNode(facilitatorDoc, { diagramId, parentId: driver, text: 'Self-rostering pilot on two wards' });
      addDriverNode(facilitatorDoc, { diagramId, parentId: driver, text: 'Flexible working in every advert' });
    }
    const careers = addDriverNode(facilitatorDoc, { diagramId, parentId: null, text: 'Career paths' });
    if (careers) addDriverNode(facilitatorDoc, { diagramId, parentId: careers, text: 'Yearly career conversations' });

    await fran.getByRole('button', { name: 'Driver diagrams' }).first().click();
    await save(fran, 'diagram', 'laptop');
    await fran.getByRole('button', { name: 'Action plan' }).first().click();
    await save(fran, 'plan', 'laptop');
    await cal.getByRole('button', { name: 'Action plan' }).first().click();
    await save(cal, 'plan', 'phone');
    await save(projector, 'presenter-plan', 'projector');

    // The self-assessment: everyone rates in private, one tap a colour; the spread after the reveal; the agreed ratings.
    const topics = readAssessmentTopics(facilitatorDoc);
    people.forEach((person, p) => {
      topics.forEach((topic, t) => setOwnRating(person.private.doc, topic.id as TopicId, RATINGS[(p + t) % RATINGS.length]!));
    });
    await cal.getByRole('button', { name: 'Self-assessment' }).first().click();
    await cal.getByRole('radiogroup').first().waitFor();
    await save(cal, 'assessment-rating', 'phone');
    // The spread is published at the server's next progress tick (docs/exercise.md, "Self-assessment").
    setSessionFlag(facilitatorDoc, 'assessmentRevealed', true);
    await sleep(11_000);
    topics.forEach((topic, t) => setAgreedRating(facilitatorDoc, topic.id as TopicId, { rating: AGREED[t % AGREED.length]!, note: '' }));
    await fran.getByRole('button', { name: 'Self-assessment' }).first().click();
    await sleep(1500);
    await save(fran, 'assessment-results', 'laptop');
    await save(projector, 'presenter-assessment', 'projector');

    // The 30-day check-in, its agenda, and what changed since the workshop.
    const started = await fetch(`${server.url}/api/boards/${board.boardId}/check-ins`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const checkIn = (await started.json()) as CreateBoardResponse;
    const checkInScript = await joinScripted(server, checkIn, 'facilitator', 'Check-in script');
    scripted.push(checkInScript);
    const checkInDoc = checkInScript.board.doc;
    readActions(checkInDoc).forEach((action, i) => updateAction(checkInDoc, action.id, { status: i === 0 ? 'done' : 'under-way', review: CHECK_IN_NOTES[i % CHECK_IN_NOTES.length]! }));
    readAssessmentTopics(checkInDoc).forEach((topic, t) => setAgreedRating(checkInDoc, topic.id as TopicId, { rating: AGREED[(t + 1) % AGREED.length]!, note: '' }));
    await joinBoard(fran, checkIn.links.facilitator, 'Fran (facilitator)', 15_000);
    await fran.getByRole('button', { name: 'What changed' }).first().click();
    await fran.getByRole('region', { name: 'The check-in’s agenda' }).waitFor();
    await sleep(1500);
    await save(fran, 'check-in-agenda', 'laptop');
    await fran.getByRole('heading', { name: 'The self-assessment at each stage' }).scrollIntoViewIfNeeded();
    await save(fran, 'what-changed', 'laptop');
  } finally {
    for (const person of scripted) {
      person.board.destroy();
      person.private.destroy();
    }
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
