import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import {
  boardInfoSchema,
  createBoardRequestSchema,
  createBoardResponseSchema,
  joinRequestSchema,
  joinResponseSchema,
  registerParticipantRequestSchema,
  registerParticipantResponseSchema,
  ROLES,
  type Role,
} from '../../shared/schema/api';
import { newBoardId, newJoinCode, newParticipantId, normaliseJoinCode, type BoardId } from '../../shared/schema/ids';
import { initBoard } from '../../shared/board/board';
import { pickPersonColour } from '../../shared/schema/presence';
import type { ServerConfig } from '../config';
import type { BoardRecord, Storage } from '../persistence/types';
import { hashSecret, newSecret } from '../auth/tokens';
import { authorise, participantKeyFromRequest, tokenFromRequest } from '../auth/request';
import { HttpError, readJson, sendValidatedJson } from './respond';
import { deleteBoard } from '../lifecycle';
import type { RoomRegistry } from '../rooms/registry';
import type { Logger } from 'pino';

/** What the board routes need from the server. */
export interface BoardRoutesContext {
  storage: Storage;
  config: ServerConfig;
}

/** How often to draw a new join code when one is already taken, before giving up. */
const JOIN_CODE_ATTEMPTS = 5;

/** `POST /api/boards`: creates a board, its first document and its three links. */
export async function createBoard(ctx: BoardRoutesContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { title, template } = await readJson(req, createBoardRequestSchema, ctx.config.maxJsonBodyBytes);
  const tokens = { facilitator: newSecret(), participant: newSecret(), viewer: newSecret() };
  const createdAt = Date.now();
  const board: BoardRecord = {
    id: newBoardId(),
    title,
    createdAt,
    tokenHashes: {
      facilitator: hashSecret(tokens.facilitator),
      participant: hashSecret(tokens.participant),
      viewer: hashSecret(tokens.viewer),
    },
    joinCode: await unusedJoinCode(ctx.storage),
  };
  const doc = new Y.Doc();
  initBoard(doc, { title, createdAt, template });
  await ctx.storage.createBoard(board, Y.encodeStateAsUpdate(doc));
  doc.destroy();

  const base = publicBase(ctx.config, req);
  const links = Object.fromEntries(
    ROLES.map((role) => [role, `${base}/b/${board.id}#token=${encodeURIComponent(tokens[role])}`]),
  ) as Record<Role, string>;
  sendValidatedJson(res, 201, createBoardResponseSchema, { boardId: board.id, title, joinCode: board.joinCode, links, tokens });
}

/** `GET /api/boards/<id>`: what the holder of a token may know about the board. */
export async function getBoardInfo(
  ctx: BoardRoutesContext,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
  url: URL,
): Promise<void> {
  const access = await authorise(
    ctx.storage,
    boardId,
    tokenFromRequest(req, url),
    participantKeyFromRequest(req, url),
    'ignore',
  );
  sendValidatedJson(res, 200, boardInfoSchema, {
    boardId: access.board.id,
    title: access.board.title,
    role: access.role,
    joinCode: access.role === 'facilitator' ? access.board.joinCode : null,
    participant: access.participant
      ? { participantId: access.participant.id, displayName: access.participant.displayName, colour: access.participant.colour }
      : null,
  });
}

/** `POST /api/join`: turns a typed join code into the board it opens. */
export async function joinWithCode(ctx: BoardRoutesContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { code } = await readJson(req, joinRequestSchema, ctx.config.maxJsonBodyBytes);
  const normalised = normaliseJoinCode(code);
  const board = normalised ? await ctx.storage.findBoardByJoinCode(normalised) : null;
  if (!board || !normalised) throw new HttpError(404, 'No workshop has that code. Check it with the facilitator.');
  sendValidatedJson(res, 200, joinResponseSchema, { boardId: board.id, token: normalised });
}

/**
 * `POST /api/boards/<id>/participants`: a person enters the board with a
 * display name and receives a stable id plus the secret key that proves it.
 */
export async function registerParticipant(
  ctx: BoardRoutesContext,
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
  url: URL,
): Promise<void> {
  const access = await authorise(ctx.storage, boardId, tokenFromRequest(req, url), null);
  const { displayName } = await readJson(req, registerParticipantRequestSchema, ctx.config.maxJsonBodyBytes);
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

async function unusedJoinCode(storage: Storage): Promise<string> {
  for (let attempt = 0; attempt < JOIN_CODE_ATTEMPTS; attempt++) {
    const code = newJoinCode();
    if (!(await storage.findBoardByJoinCode(code))) return code;
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
 */
export async function deleteBoardRoute(
  ctx: BoardRoutesContext & { rooms: RoomRegistry; log: Logger },
  req: IncomingMessage,
  res: ServerResponse,
  boardId: string,
  url: URL,
): Promise<void> {
  const access = await authorise(ctx.storage, boardId, tokenFromRequest(req, url), null);
  if (access.role !== 'facilitator') throw new HttpError(403, 'Only the facilitator can delete the board.');
  await deleteBoard(ctx, access.board.id);
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}
