import type { IncomingMessage, ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import sirv from 'sirv';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import type { Storage } from '../persistence/types';
import type { JoinAttempts } from '../auth/joinAttempts';
import type { BoardCreationGate } from './boardCreation';
import type { PlanImports } from '../import/planImports';
import { createBoard, deleteBoardRoute, getBoardInfo, joinWithCode, registerParticipant, renewJoinCode, stopJoinCode } from './boards';
import { downloadPlan, importPlan } from './plan';
import type { RoomRegistry } from '../rooms/registry';
import { HttpError, sendJson, sendValidatedJson } from './respond';
import { serverTimeSchema } from '../../shared/schema/api';

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;

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

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

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
}

/**
 * The HTTP side of the server: the JSON API under /api, the health check,
 * and the built client for every other path (the client routes itself).
 */
export function createRequestHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Route[] = [
    { method: 'POST', pattern: /^\/api\/boards$/, handler: (req, res) => createBoard(ctx, req, res) },
    { method: 'GET', pattern: /^\/api\/boards\/([^/]+)$/, handler: (req, res, [id], url) => getBoardInfo(ctx, req, res, id!, url) },
    { method: 'DELETE', pattern: /^\/api\/boards\/([^/]+)$/, handler: (req, res, [id], url) => deleteBoardRoute(ctx, req, res, id!, url) },
    {
      method: 'POST',
      pattern: /^\/api\/boards\/([^/]+)\/participants$/,
      handler: (req, res, [id], url) => registerParticipant(ctx, req, res, id!, url),
    },
    { method: 'POST', pattern: /^\/api\/join$/, handler: (req, res) => joinWithCode(ctx, req, res) },
    { method: 'POST', pattern: /^\/api\/boards\/([^/]+)\/join-code$/, handler: (req, res, [id], url) => renewJoinCode(ctx, req, res, id!, url) },
    { method: 'DELETE', pattern: /^\/api\/boards\/([^/]+)\/join-code$/, handler: (req, res, [id], url) => stopJoinCode(ctx, req, res, id!, url) },
    {
      method: 'GET',
      pattern: /^\/api\/boards\/([^/]+)\/plan\.([a-z]+)$/,
      handler: (req, res, [id, format], url) => downloadPlan(ctx, req, res, id!, format!, url),
    },
    { method: 'POST', pattern: /^\/api\/boards\/([^/]+)\/plan\/import$/, handler: (req, res, [id], url) => importPlan(ctx, req, res, id!, url) },
    // The shared timer shows the same time on every screen: clients measure their clock against this.
    { method: 'GET', pattern: /^\/api\/time$/, handler: async (_req, res) => sendValidatedJson(res, 200, serverTimeSchema, { now: Date.now() }) },
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      handler: async (_req, res) => {
        try {
          await ctx.storage.checkHealth();
          sendJson(res, 200, { status: 'ok' });
        } catch (error) {
          ctx.log.error({ err: error }, 'health check failed');
          sendJson(res, 503, { status: 'unavailable' });
        }
      },
    },
  ];
  const serveClient = createClientHandler(ctx.config.clientDir);

  return (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matching = routes.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) {
      if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: 'No such API route.' });
      return serveClient(req, res);
    }
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader('Allow', matching.map((r) => r.method).join(', '));
      return sendJson(res, 405, { error: `Use ${matching.map((r) => r.method).join(' or ')} here.` });
    }
    const params = route.pattern.exec(url.pathname)!.slice(1).map((p) => decodeURIComponent(p));
    route.handler(req, res, params, url).catch((error: unknown) => {
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
        sendJson(res, error.status, error.needs ? { error: error.message, needs: error.needs } : { error: error.message });
        return;
      }
      ctx.log.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Something went wrong on the server.' });
      else res.destroy();
    });
  };
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
