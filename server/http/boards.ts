import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import * as Y from 'yjs';
import {
  boardInfoSchema,
  type createBoardRequestSchema,
  type CreateBoardResponse,
  createBoardResponseSchema,
  type joinRequestSchema,
  joinCodeResponseSchema,
  joinResponseSchema,
  type registerParticipantRequestSchema,
  registerParticipantResponseSchema,
  ROLES,
  type Role,
} from '../../shared/schema/api';
import { newBoardId, newParticipantId, normaliseJoinCode, type BoardId } from '../../shared/schema/ids';
import { initBoard } from '../../shared/document/board';
import type { CycleStage } from '../../shared/schema/cycle';
import { pickPersonColour } from '../../shared/schema/presence';
import type { ServerConfig } from '../config';
import type { BoardRecord, Storage } from '../persistence/types';
import { hashSecret, newSecret } from '../auth/tokens';
import type { BoardAccess } from '../auth/request';
import {
  hashJoinCode,
  issueJoinCode,
  joinCodeExpiresAt,
  joinCodeIsLive,
  openJoinCode,
  openJoinCodeForViewer,
  openParticipantTokenForFacilitator,
  openParticipantTokenWithCode,
  openViewerTokenForFacilitator,
  sealParticipantTokenForFacilitator,
  sealViewerTokenForFacilitator,
} from '../auth/joinCodes';
import { HttpError, sendValidatedJson } from './respond';
import { clientAddress } from './rateLimits';
import { deleteBoard } from '../lifecycle';
import type { BoardCall, Call, HttpContext } from './router';

/*
 * The board routes' handlers. Who may call each, and the body each takes,
 * are in the route table (server/http/router.ts): a handler is called with
 * the body read and, on a board route, the caller's access established.
 */

/** How often to draw a new join code when one is already taken, before giving up. */
const JOIN_CODE_ATTEMPTS = 5;

/** `POST /api/boards`: creates a board, its first document and its three links. */
export async function createBoard(
  ctx: HttpContext,
  { req, res, body: { title, template, creationSecret } }: Call<z.infer<typeof createBoardRequestSchema>>,
): Promise<void> {
  await ctx.boardCreation.admit(req, creationSecret);
  const tokens = { facilitator: newSecret(), participant: newSecret(), viewer: newSecret() };
  const created = await storeNewBoard(ctx, { title, tokens, buildDocument: (doc, createdAt) => initBoard(doc, { title, createdAt, template }) });
  sendValidatedJson(res, 201, createBoardResponseSchema, newBoardAnswer(ctx, req, created, tokens));
}

/** The three tokens of a new board, in the clear: shown once, in the answer, and kept only as hashes. */
export type BoardTokens = Record<Role, string>;

/** What `storeNewBoard` makes a board from. */
export interface NewBoardInput {
  title: string;
  tokens: BoardTokens;
  /** Writes the board's first document: `initBoard`, and for a check-in what it carries over. */
  buildDocument: (doc: Y.Doc, createdAt: number) => void;
  /** The cycle it joins (a check-in); a new workshop has none and is a cycle of its own. */
  cycle?: { cycleId: BoardId; stage: CycleStage };
}

/** A board just stored, with its join code in the clear for the answer. */
export interface CreatedBoard {
  board: BoardRecord;
  joinCode: string;
}

/**
 * Stores a new board from the tokens given: their hashes, the participant
 * and viewer tokens sealed for the facilitator, a fresh join code, and its
 * first document. Shared by `POST /api/boards` and the check-ins
 * (server/http/checkIns.ts), which differ only in where the facilitator
 * token comes from and what the document holds. Refused with 507 once the
 * server holds MAX_BOARDS boards.
 */
export async function storeNewBoard(ctx: HttpContext, input: NewBoardInput): Promise<CreatedBoard> {
  if ((await ctx.storage.countBoards()) >= ctx.config.maxBoards) {
    ctx.log.warn({ maxBoards: ctx.config.maxBoards }, 'refused a new board: the server holds MAX_BOARDS boards');
    throw new HttpError(507, 'This server holds as many workshops as it is set up for. Delete workshops you no longer need, or ask IT to raise MAX_BOARDS.');
  }
  const { tokens } = input;
  const createdAt = Date.now();
  const boardId = newBoardId();
  const joinCode = await unusedJoinCode(ctx.storage, tokens.facilitator, boardId, createdAt, tokens.participant, tokens.viewer);
  const board: BoardRecord = {
    id: boardId,
    title: input.title,
    createdAt,
    tokenHashes: {
      facilitator: hashSecret(tokens.facilitator),
      participant: hashSecret(tokens.participant),
      viewer: hashSecret(tokens.viewer),
    },
    participantTokenSealed: sealParticipantTokenForFacilitator(tokens.participant, tokens.facilitator, boardId),
    viewerTokenSealed: sealViewerTokenForFacilitator(tokens.viewer, tokens.facilitator, boardId),
    joinCode: joinCode.stored,
    ...(input.cycle ? { cycleId: input.cycle.cycleId, cycleStage: input.cycle.stage } : {}),
  };
  const doc = new Y.Doc();
  try {
    input.buildDocument(doc, createdAt);
    await ctx.storage.createBoard(board, Y.encodeStateAsUpdate(doc));
  } finally {
    doc.destroy();
  }
  return { board, joinCode: joinCode.code };
}

/** The answer to creating a board: its id, title, join code, and each role's link and token. */
export function newBoardAnswer(ctx: HttpContext, req: IncomingMessage, { board, joinCode }: CreatedBoard, tokens: BoardTokens): CreateBoardResponse {
  const base = publicBase(ctx.config, req);
  const links = Object.fromEntries(ROLES.map((role) => [role, boardLink(base, board.id, tokens[role])])) as Record<Role, string>;
  return { boardId: board.id, title: board.title, joinCode, links, tokens };
}

/** A board's link for one role: the token rides in the fragment, which browsers never send (docs/client.md, "Links, tokens and identity"). */
function boardLink(base: string, boardId: string, token: string): string {
  return `${base}/b/${boardId}#token=${encodeURIComponent(token)}`;
}

/** `GET /api/boards/<id>`: what the holder of a token may know about the board. */
export async function getBoardInfo(ctx: HttpContext, { req, res, access }: BoardCall): Promise<void> {
  const code =
    access.role === 'facilitator' ? facilitatorsJoinCode(ctx, access) : access.role === 'viewer' ? viewersJoinCode(ctx, access) : { joinCode: null, joinCodeExpiresAt: null };
  sendValidatedJson(res, 200, boardInfoSchema, {
    boardId: access.board.id,
    title: access.board.title,
    role: access.role,
    ...code,
    viewerLink: access.role === 'facilitator' ? viewerLinkFor(ctx, access, req) : null,
    participant: access.participant
      ? { participantId: access.participant.id, displayName: access.participant.displayName, colour: access.participant.colour }
      : null,
  });
}

/** The facilitator's current code, opened with the token they presented; none once it stopped or expired. */
function facilitatorsJoinCode(ctx: HttpContext, access: BoardAccess): { joinCode: string | null; joinCodeExpiresAt: number | null } {
  const stored = access.board.joinCode;
  if (!stored || !joinCodeIsLive(stored, ctx.config.joinCodeTtlHours, Date.now())) return { joinCode: null, joinCodeExpiresAt: null };
  return {
    joinCode: stored.sealed ? openJoinCode(stored.sealed, access.token, access.board.id) : null,
    joinCodeExpiresAt: joinCodeExpiresAt(stored, ctx.config.joinCodeTtlHours),
  };
}

/**
 * The current code for the viewer, opened with the viewer token they
 * presented: the presenter view on the room's projector shows it, which is
 * the point of it (docs/api.md). None once the code stopped or expired, and
 * none on a board created before the code was sealed for the viewer.
 */
function viewersJoinCode(ctx: HttpContext, access: BoardAccess): { joinCode: string | null; joinCodeExpiresAt: number | null } {
  const stored = access.board.joinCode;
  if (!stored?.viewerSealed || !joinCodeIsLive(stored, ctx.config.joinCodeTtlHours, Date.now())) return { joinCode: null, joinCodeExpiresAt: null };
  const joinCode = openJoinCodeForViewer(stored.viewerSealed, access.token, access.board.id);
  return { joinCode, joinCodeExpiresAt: joinCode === null ? null : joinCodeExpiresAt(stored, ctx.config.joinCodeTtlHours) };
}

/** The viewer link, for the facilitator's "Present" button: the viewer token opened with the facilitator's; null on a board from before it was kept. */
function viewerLinkFor(ctx: HttpContext, access: BoardAccess, req: IncomingMessage): string | null {
  const sealed = access.board.viewerTokenSealed;
  const viewerToken = sealed ? openViewerTokenForFacilitator(sealed, access.token, access.board.id) : null;
  return viewerToken === null ? null : boardLink(publicBase(ctx.config, req), access.board.id, viewerToken);
}

/**
 * `POST /api/join`: turns a typed join code into the board it opens and the
 * board's participant token, so that stopping or replacing the code later
 * never shuts out the people already in (docs/server-promises.md, "Roles").
 * Every attempt is counted before the code is looked up, and a right code
 * given back, so an address tries at most `joinFailuresPerAddress` wrong
 * codes per window (server/auth/joinAttempts.ts).
 */
export async function joinWithCode(ctx: HttpContext, { req, res, body: { code } }: Call<z.infer<typeof joinRequestSchema>>): Promise<void> {
  const address = clientAddress(req, ctx.config.trustProxy);
  await ctx.joinAttempts.beforeCode(address, null);
  const normalised = normaliseJoinCode(code);
  const board = normalised ? await ctx.storage.findBoardByJoinCodeHash(hashJoinCode(normalised)) : null;
  if (!board || !normalised) throw new HttpError(404, 'No workshop has that code. Check it with the facilitator: a new code replaces the old one.');
  if (!joinCodeIsLive(board.joinCode, ctx.config.joinCodeTtlHours, Date.now())) {
    await forgetExpiredCodesSeal(ctx.storage, board);
    throw new HttpError(410, 'This join code has expired or the facilitator has stopped it. Ask the facilitator for the current code.');
  }
  await ctx.joinAttempts.codeAccepted(address, null);
  sendValidatedJson(res, 200, joinResponseSchema, { boardId: board.id, token: tokenForCode(ctx, board, normalised) });
}

/**
 * What a person who typed a live code connects with: the participant token
 * sealed under the code, or the code itself on a board whose participant
 * token the server cannot recover (docs/server-promises.md, "Roles").
 */
function tokenForCode(ctx: HttpContext, board: BoardRecord, code: string): string {
  const sealed = board.joinCode?.participantTokenSealed;
  if (!sealed) return code;
  const participantToken = openParticipantTokenWithCode(sealed, code, board.id);
  if (participantToken === null) ctx.log.warn({ boardId: board.id }, 'the participant token sealed under the join code does not open: the code is given back as the token');
  return participantToken ?? code;
}

/** An expired code can no longer hand out the participant token: the copy sealed under it goes. */
async function forgetExpiredCodesSeal(storage: Storage, board: BoardRecord): Promise<void> {
  if (board.joinCode?.participantTokenSealed) await storage.setJoinCode(board.id, { ...board.joinCode, participantTokenSealed: null });
}

/**
 * `POST /api/boards/<id>/join-code` with the facilitator's token: a new join
 * code, which the answer carries; the one before it stops working at once.
 * The facilitator's token opens the participant token, which the new code
 * then hands out; people already in keep theirs.
 */
export async function renewJoinCode(ctx: HttpContext, { res, access }: BoardCall): Promise<void> {
  const sealed = access.board.participantTokenSealed;
  const participantToken = sealed ? openParticipantTokenForFacilitator(sealed, access.token, access.board.id) : null;
  if (sealed && participantToken === null) ctx.log.warn({ boardId: access.board.id }, 'the participant token sealed for the facilitator does not open: the new code is the credential itself');
  const viewerSealed = access.board.viewerTokenSealed;
  const viewerToken = viewerSealed ? openViewerTokenForFacilitator(viewerSealed, access.token, access.board.id) : null;
  const issued = await unusedJoinCode(ctx.storage, access.token, access.board.id, Date.now(), participantToken, viewerToken);
  await ctx.storage.setJoinCode(access.board.id, issued.stored);
  sendValidatedJson(res, 201, joinCodeResponseSchema, { joinCode: issued.code, expiresAt: joinCodeExpiresAt(issued.stored, ctx.config.joinCodeTtlHours)! });
}

/**
 * `DELETE /api/boards/<id>/join-code` with the facilitator's token: the
 * workshop is over for newcomers; the code stops working at once, and the
 * participant token sealed under it is removed. People typing it are told it
 * was stopped; links, and the people who joined with the code, keep working.
 */
export async function stopJoinCode(ctx: HttpContext, { res, access }: BoardCall): Promise<void> {
  const stored = access.board.joinCode;
  if (stored && stored.stoppedAt === null) {
    await ctx.storage.setJoinCode(access.board.id, { ...stored, participantTokenSealed: null, viewerSealed: null, stoppedAt: Date.now() });
  }
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}

/**
 * `POST /api/boards/<id>/participants`: a person enters the board with a
 * display name and receives a stable id plus the secret key that proves it.
 */
export async function registerParticipant(
  ctx: HttpContext,
  { res, access, body: { displayName } }: BoardCall<z.infer<typeof registerParticipantRequestSchema>>,
): Promise<void> {
  const participantKey = newSecret();
  const participantId = newParticipantId();
  const colour = pickPersonColour(await ctx.storage.listParticipantColours(access.board.id));
  await ctx.storage.addParticipant({
    id: participantId,
    boardId: access.board.id as BoardId,
    keyHash: hashSecret(participantKey),
    displayName,
    colour,
    role: access.role,
    createdAt: Date.now(),
  });
  sendValidatedJson(res, 201, registerParticipantResponseSchema, { participantId, participantKey, displayName, colour, role: access.role });
}

async function unusedJoinCode(
  storage: Storage,
  facilitatorToken: string,
  boardId: BoardId,
  now: number,
  participantToken: string | null,
  viewerToken: string | null,
): Promise<ReturnType<typeof issueJoinCode>> {
  for (let attempt = 0; attempt < JOIN_CODE_ATTEMPTS; attempt++) {
    const issued = issueJoinCode(facilitatorToken, boardId, now, participantToken, viewerToken);
    if (!(await storage.findBoardByJoinCodeHash(issued.stored.hash))) return issued;
  }
  throw new HttpError(503, 'Could not find a free join code; try again.');
}

/** A Host header is only trusted when it looks like a host name and optional port. */
const HOST_HEADER_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/i;

/**
 * The address to put in links: PUBLIC_URL when configured (behind a proxy,
 * with TLS), else the address the creating browser used.
 */
function publicBase(config: ServerConfig, req: IncomingMessage): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.headers.host;
  if (host && HOST_HEADER_PATTERN.test(host)) return `http://${host}`;
  return `http://${config.host}:${config.port}`;
}

/**
 * `DELETE /api/boards/<id>` with the facilitator's token: deletes the board,
 * its people and everything written on it, at once and for good. Anyone on
 * it is disconnected with 4404; every later request gets 404.
 * `deleteBoard` tells every other process too (docs/storage.md, "Redis:
 * events and limits, never data").
 */
export async function deleteBoardRoute(ctx: HttpContext, { res, access }: BoardCall): Promise<void> {
  await deleteBoard(ctx, access.board.id);
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}
