import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ServerConfig } from '../config';
import type { Storage } from '../persistence/types';
import type { JoinAttempts } from '../auth/joinAttempts';
import { type BoardAccess, authoriseRequest, decodePathSegment, requestUrl } from '../auth/request';
import type { BoardCreationGate } from './boardCreation';
import type { PlanImports } from '../import/planImports';
import { createBoard, deleteBoardRoute, getBoardInfo, joinWithCode, registerParticipant, renewJoinCode, stopJoinCode } from './boards';
import { checkPlanFormat, downloadPlan, importPlan } from './plan';
import { getCycle, startCheckInRoute } from './checkIns';
import type { RoomRegistry } from '../rooms/registry';
import type { BoardEvents } from '../events/boardEvents';
import { HttpError, readJson, sendJson, sendValidatedJson } from './respond';
import { BoardElsewhereError } from '../rooms/registry';
import { OwnershipLostError } from '../persistence/types';
import { checkInRequestSchema, createBoardRequestSchema, joinRequestSchema, registerParticipantRequestSchema, serverTimeSchema } from '../../shared/schema/api';

/**
 * Sent with every response. The content security policy allows scripts,
 * styles and connections from this server only (no inline script: the built
 * client has none), images also from data: and blob: URLs (the icon, the
 * diagram's PNG), and no framing, so another site cannot embed a board to
 * trick people into typing on it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/** Everything the HTTP side needs. */
export interface HttpContext {
  storage: Storage;
  config: ServerConfig;
  log: Logger;
  rooms: RoomRegistry;
  /** Counts failed join attempts, shared with the sync upgrade. */
  joinAttempts: JoinAttempts;
  boardCreation: BoardCreationGate;
  /** Reads imported plan files off the event loop, and limits imports per client address. */
  planImports: PlanImports;
  /** What every server process must hear: a board deleted, a check-in started (server/events/boardEvents.ts). */
  events: BoardEvents;
}

/**
 * Who may call a route (docs/server-promises.md, "Roles and who may do what").
 * The router establishes it once, before the handler runs, and hands the
 * handler what it found:
 *
 * - `public`: anyone, without a token. Such a route guards itself where it
 *   must: creating a board passes the creation gate (addresses, secret, an
 *   hourly limit), joining counts wrong codes.
 * - `board`: whoever holds a way into the board named by the path's `:board`:
 *   one of its three links' tokens, or its live join code (which grants the
 *   participant role). No token is 401, a wrong one 401 (429 past the join
 *   limits), a board that does not exist 404. The handler gets the board, the
 *   role, the participant behind `X-Participant-Key` when that key belongs to
 *   the board (an unknown key is ignored, so board info can say the person
 *   must register again), and the token presented.
 * - `facilitator`: as `board`, then anyone but the facilitator is refused
 *   with 403 and the route's `refusal`.
 */
type AccessLevel = 'public' | 'board' | 'facilitator';

/**
 * What a path parameter matches, and a check made before access: an address
 * that names nothing (a plan format there is none of) is 404 whoever asks,
 * as an unknown route is.
 */
const PATH_PARAMETERS: Readonly<Record<string, { pattern: string; check?: (value: string) => void }>> = {
  /** Any segment: whether it names a board, and whether the caller may open it, is the access check's to say. */
  board: { pattern: '[^/]+' },
  format: { pattern: '[a-z]+', check: checkPlanFormat },
};

/**
 * Every route of the API, in one place: method, path, who may call it, the
 * JSON body it takes (read and validated before the handler runs, at most
 * `maxJsonBodyBytes`: 413 past it, 415 when not JSON, 400 when it does not
 * match), and the handler. A path that matches with another method answers
 * 405 with `Allow` listing the methods in this order.
 */
const ROUTES: readonly Route[] = [
  route({ method: 'POST', path: '/api/boards', access: 'public', body: createBoardRequestSchema, handler: createBoard }),
  route({ method: 'GET', path: '/api/boards/:board', access: 'board', handler: getBoardInfo }),
  route({ method: 'DELETE', path: '/api/boards/:board', access: 'facilitator', refusal: 'Only the facilitator can delete the board.', handler: deleteBoardRoute }),
  route({ method: 'POST', path: '/api/boards/:board/participants', access: 'board', body: registerParticipantRequestSchema, handler: registerParticipant }),
  route({ method: 'POST', path: '/api/join', access: 'public', body: joinRequestSchema, handler: joinWithCode }),
  route({ method: 'POST', path: '/api/boards/:board/join-code', access: 'facilitator', refusal: 'Only the facilitator can issue a join code.', handler: renewJoinCode }),
  route({ method: 'DELETE', path: '/api/boards/:board/join-code', access: 'facilitator', refusal: 'Only the facilitator can stop the join code.', handler: stopJoinCode }),
  route({ method: 'GET', path: '/api/boards/:board/plan.:format', access: 'board', handler: downloadPlan }),
  // The body is the plan file itself, not JSON: the handler reads it (at most MAX_PLAN_FILE_BYTES) once the hourly import limit lets it through.
  route({ method: 'POST', path: '/api/boards/:board/plan/import', access: 'facilitator', refusal: 'Only the facilitator can import a plan.', handler: importPlan }),
  route({ method: 'POST', path: '/api/boards/:board/check-ins', access: 'facilitator', refusal: 'Only the facilitator can start a check-in.', body: checkInRequestSchema, handler: startCheckInRoute }),
  route({ method: 'GET', path: '/api/boards/:board/cycle', access: 'facilitator', refusal: 'Only the facilitator can see the cycle.', handler: getCycle }),
  route({ method: 'GET', path: '/api/time', access: 'public', handler: serverTime }),
  route({ method: 'GET', path: '/healthz', access: 'public', handler: healthCheck }),
];

/** `GET /api/time`: the shared timer shows the same time on every screen, so clients measure their clock against this. */
async function serverTime(_ctx: HttpContext, { res }: Call): Promise<void> {
  sendValidatedJson(res, 200, serverTimeSchema, { now: Date.now() });
}

/** `GET /healthz`: 200 while storage can serve, 503 otherwise. */
async function healthCheck(ctx: HttpContext, { res }: Call): Promise<void> {
  try {
    await ctx.storage.checkHealth();
    sendJson(res, 200, { status: 'ok' });
  } catch (error) {
    ctx.log.error({ err: error }, 'health check failed');
    sendJson(res, 503, { status: 'unavailable' });
  }
}

/** What a handler is given. */
export interface Call<Body = undefined> {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's parameters (`:board`, `:format`), decoded and checked. */
  params: Readonly<Record<string, string>>;
  /** The JSON body, validated against the route's `body` schema. */
  body: Body;
}

/** A `board` or `facilitator` route's call: also who is asking, as the router established it. */
export interface BoardCall<Body = undefined> extends Call<Body> {
  access: BoardAccess;
}

type Handler<C> = (ctx: HttpContext, call: C) => Promise<void>;
type BodyOf<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** One line of the table, as written: the handler's call type follows from the access level and the body schema. */
type RouteSpec<S extends z.ZodType | undefined> = { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: S } & (
  | { access: 'public'; handler: Handler<Call<BodyOf<S>>> }
  | { access: 'board'; handler: Handler<BoardCall<BodyOf<S>>> }
  | { access: 'facilitator'; refusal: string; handler: Handler<BoardCall<BodyOf<S>>> }
);

/** A line of the table, ready to match. */
interface Route {
  method: string;
  pattern: RegExp;
  parameters: string[];
  access: AccessLevel;
  refusal: string | null;
  body: z.ZodType | null;
  handler: Handler<Call<unknown> & { access: BoardAccess | null }>;
}

/** Compiles a line of the table; a path's `:name` is one of PATH_PARAMETERS. */
function route<S extends z.ZodType | undefined = undefined>(spec: RouteSpec<S>): Route {
  const pieces = spec.path.split(/:([a-z]+)/);
  const parameters = pieces.filter((_, index) => index % 2 === 1);
  const source = pieces
    .map((piece, index) => {
      if (index % 2 === 0) return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const parameter = PATH_PARAMETERS[piece];
      if (!parameter) throw new Error(`${spec.path}: no path parameter :${piece}`);
      return `(${parameter.pattern})`;
    })
    .join('');
  if (spec.access !== 'public' && !parameters.includes('board')) throw new Error(`${spec.path}: a ${spec.access} route names its board as :board`);
  return {
    method: spec.method,
    pattern: new RegExp(`^${source}$`),
    parameters,
    access: spec.access,
    refusal: spec.access === 'facilitator' ? spec.refusal : null,
    body: spec.body ?? null,
    handler: spec.handler as Route['handler'],
  };
}

/**
 * The HTTP side of the server: the JSON API under /api, the health check,
 * and the built client for every other path (the client routes itself).
 */
export function createRequestHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  const serveClient = createClientHandler(ctx.config.clientDir);

  return (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = requestUrl(req);
    if (!url) return sendJson(res, 400, { error: 'The request’s address is not valid.' });
    const matching = ROUTES.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) {
      if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'No such API route.' });
      return serveClient(req, res);
    }
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader('Allow', matching.map((r) => r.method).join(', '));
      return sendJson(res, 405, { error: `Use ${matching.map((r) => r.method).join(' or ')} here.` });
    }
    dispatch(ctx, route, req, res, url).catch((error: unknown) => {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
        sendJson(res, error.status, {
          error: error.message,
          ...(error.needs ? { needs: error.needs } : {}),
          ...(error.boardId ? { boardId: error.boardId } : {}),
        });
        return;
      }
      if (error instanceof BoardElsewhereError || error instanceof OwnershipLostError) {
        // Another process serves the board (docs/storage.md, "One owner per board"): a proxy that hashes
        // the board id sends the retry there, or this process takes the board over once the lease ends.
        res.setHeader('Retry-After', '1');
        if (!res.headersSent) sendJson(res, 503, { error: 'The board is being served elsewhere just now. Try again in a moment.' });
        return;
      }
      ctx.log.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Something went wrong on the server.' });
      else res.destroy();
    });
  };
}

/** In this order: the path's parameters, then who is asking, then the body; then the handler. */
async function dispatch(ctx: HttpContext, route: Route, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const params = pathParameters(route, url.pathname);
  let access: BoardAccess | null = null;
  if (route.access !== 'public') {
    access = await authoriseRequest(ctx, req, url, params.board!, 'ignore-unknown');
    if (route.access === 'facilitator' && access.role !== 'facilitator') throw new HttpError(403, route.refusal!);
  }
  const body: unknown = route.body ? await readJson(req, route.body, ctx.config.maxJsonBodyBytes) : undefined;
  await route.handler(ctx, { req, res, url, params, body, access });
}

function pathParameters(route: Route, pathname: string): Record<string, string> {
  const values = route.pattern.exec(pathname)!.slice(1);
  const params: Record<string, string> = {};
  route.parameters.forEach((name, index) => {
    const value = decodePathSegment(values[index]!);
    PATH_PARAMETERS[name]!.check?.(value);
    params[name] = value;
  });
  return params;
}

/** Serves the built client, with index.html for every client-side route. */
function createClientHandler(clientDir: string | null): (req: IncomingMessage, res: ServerResponse) => void {
  if (!clientDir || !fs.existsSync(path.join(clientDir, 'index.html'))) {
    return (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The client is not built. Run `npm run build` (npm start does it for you).\n');
    };
  }
  const serve = sirv(clientDir, {
    single: true,
    etag: true,
    // Vite puts a content hash in asset names, so they never change in place.
    setHeaders: (res, pathname) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (pathname.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  return (req, res) =>
    serve(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    });
}
