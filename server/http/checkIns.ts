import type * as Y from 'yjs';
import { initBoard, readBoardMeta } from '../../shared/document/board';
import { readCycle, startCheckIn } from '../../shared/document/cycle';
import { checkInResponseSchema, cycleResponseSchema } from '../../shared/schema/api';
import { type CycleStage, nextStage, stageName } from '../../shared/schema/cycle';
import { BOARD_TITLE_MAX_CHARS } from '../../shared/schema/records';
import { newSecret } from '../auth/tokens';
import { type BoardRecord, cycleOf, type CycleBoard } from '../persistence/types';
import { newBoardAnswer, storeNewBoard } from './boards';
import { HttpError, sendValidatedJson } from './respond';
import type { BoardCall, HttpContext } from './router';

/*
 * The retention cycle's routes (docs/api.md,
 * "Check-ins"): starting the next check-in of a board's cycle, and listing
 * the boards of the cycle. Both are the facilitator's (the route table in
 * server/http/router.ts refuses anyone else with 403 before these run).
 */

/**
 * Check-ins being started, by cycle id: one at a time per cycle, so two
 * clicks on "Start the 30-day check-in" make one board and a 409, not two
 * boards at the same stage (the second waits and then finds the first).
 */
const starting = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(cycleId: string, work: () => Promise<T>): Promise<T> {
  const before = starting.get(cycleId) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(work);
  const settled = run.catch(() => undefined);
  starting.set(cycleId, settled);
  try {
    return await run;
  } finally {
    if (starting.get(cycleId) === settled) starting.delete(cycleId);
  }
}

/** A 409 naming the board already at the stage, so the client can offer to open it. */
function alreadyStarted(stage: CycleStage, board: CycleBoard): HttpError {
  return new HttpError(409, `The ${stage}-day check-in has already been started.`, { boardId: board.id });
}

/**
 * The title of a check-in: the cycle's workshop title and the stage, within
 * the title's limit. The workshop's title is the first snapshot's when the
 * source is a check-in (its history starts with the workshop), so it is
 * found even once the workshop board has been deleted.
 */
function checkInTitle(workshopTitle: string, stage: CycleStage): string {
  const suffix = ` – ${stageName(stage)}`;
  return `${workshopTitle.slice(0, BOARD_TITLE_MAX_CHARS - suffix.length).trimEnd()}${suffix}`;
}

/**
 * `POST /api/boards/<id>/check-ins` (facilitator, body `{}`): creates the
 * next board of the board's cycle from this one, answering 201 with its
 * links as `POST /api/boards` does, and its stage. Its facilitator token
 * is the caller's own (only its hash is stored), so one facilitator link
 * opens every board of the cycle; its participant and viewer tokens and its
 * join code are new, so the people of one meeting do not walk into the next
 * by an old link. Its document holds copies of what it carries over
 * (`startCheckIn`), so deleting this board later breaks nothing.
 */
export async function startCheckInRoute(ctx: HttpContext, { req, res, access }: BoardCall<Record<string, never>>): Promise<void> {
  const source = access.board;
  const { cycleId, stage } = cycleOf(source);
  const next = nextStage(stage);
  if (next === null) throw new HttpError(409, 'The cycle ends with the 90-day check-in.');
  const answer = await oneAtATime(cycleId, async () => {
    const existing = (await ctx.storage.listCycleBoards(cycleId)).find((board) => board.stage === next);
    if (existing) throw alreadyStarted(next, existing);
    const tokens = { facilitator: access.token, participant: newSecret(), viewer: newSecret() };
    // Read and copied inside the room's turn: the live document, with every update already applied.
    const created = await ctx.rooms.use(source, source.id, async (room) => {
      const fromTitle = readBoardMeta(room.doc)?.title ?? source.title;
      const workshopTitle = stage === 0 ? fromTitle : (readCycle(room.doc).history.find((snapshot) => snapshot.stage === 0)?.title ?? fromTitle);
      const title = checkInTitle(workshopTitle, next);
      return storeNewBoard(ctx, {
        title,
        tokens,
        cycle: { cycleId, stage: next },
        buildDocument: (doc: Y.Doc, createdAt: number) => {
          initBoard(doc, { title, createdAt, template: 'blank' });
          startCheckIn(room.doc, doc, { stage: next, title: fromTitle, now: createdAt });
        },
      });
    });
    ctx.log.info({ boardId: created.board.id, from: source.id, cycleId, stage: next }, 'started a check-in');
    // No process keeps the cycle's listing cached (getCycle reads storage each time): the event is for those that come to.
    ctx.events.publish({ type: 'check-in-created', boardId: source.id, checkInId: created.board.id });
    return { ...newBoardAnswer(ctx, req, created, tokens), stage: next };
  });
  sendValidatedJson(res, 201, checkInResponseSchema, answer);
}

/**
 * `GET /api/boards/<id>/cycle` (facilitator): every board of the board's
 * cycle that still exists, ordered by stage, this one included. A board
 * with no cycle lists itself alone.
 */
export async function getCycle(ctx: HttpContext, { res, access }: BoardCall): Promise<void> {
  const boards = await ctx.storage.listCycleBoards(cycleOf(access.board).cycleId);
  // The board asked about is listed even if a store lost track of its cycle: the caller is on it.
  if (!boards.some((board) => board.id === access.board.id)) boards.push(asCycleBoard(access.board));
  boards.sort((a, b) => a.stage - b.stage || a.createdAt - b.createdAt);
  sendValidatedJson(res, 200, cycleResponseSchema, {
    boards: boards.map((board) => ({ boardId: board.id, title: board.title, stage: board.stage, createdAt: board.createdAt })),
  });
}

function asCycleBoard(board: BoardRecord): CycleBoard {
  return { id: board.id, title: board.title, stage: cycleOf(board).stage, createdAt: board.createdAt };
}
