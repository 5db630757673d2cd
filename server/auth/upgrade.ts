import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { PRIVATE_DOCUMENT_SUFFIX, SYNC_PATH_PREFIX } from '../../shared/protocol';
import { roleCanEdit } from '../../shared/schema/api';
import { privateDocumentName } from '../persistence/types';
import type { Connections } from '../rooms/connection';
import { type AuthContext, authoriseRequest, decodePathSegment, requestUrl } from './request';
import type { ServerConfig } from '../config';
import { HttpError } from '../http/respond';
import { SECURITY_HEADERS } from '../http/router';

/** What the upgrade check needs. */
export interface UpgradeContext extends AuthContext {
  connections: Connections;
  log: Logger;
  config: Pick<ServerConfig, 'allowedOrigins' | 'publicUrl' | 'trustProxy' | 'joinCodeTtlHours'>;
}

/**
 * Whether a browser page at `origin` may open a socket here. A page on
 * another site must not ride on a person's link (cross-site WebSocket
 * hijacking), so browsers' requests, which always carry Origin, must come
 * from an allowed origin: the configured list, or else this server's own
 * address. A request without Origin is not from a browser page (a script
 * that holds the token anyway) and is judged by its token alone.
 */
function originAllowed(origin: string | undefined, host: string | undefined, config: UpgradeContext['config']): boolean {
  if (origin === undefined) return true;
  const normal = origin.toLowerCase().replace(/\/+$/, '');
  if (config.allowedOrigins) return config.allowedOrigins.some((allowed) => allowed.toLowerCase() === normal);
  if (config.publicUrl && new URL(config.publicUrl).origin.toLowerCase() === normal) return true;
  try {
    return host !== undefined && new URL(normal).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Decides at the HTTP upgrade, before any WebSocket exists, whether the
 * request may join a board and in which role ("Roles and who may do what" in
 * docs/server-promises.md). A refusal is a plain HTTP answer with a clear
 * status, so the browser never opens a socket it would only have to close.
 */
export function createUpgradeHandler(ctx: UpgradeContext) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client that resets the connection mid-handshake must not crash the server.
    socket.on('error', () => socket.destroy());
    void handleUpgrade(ctx, req, socket, head).catch((error: unknown) => {
      ctx.log.error({ err: error }, 'upgrade failed');
      refuse(socket, 500, 'Something went wrong on the server.');
    });
  };
}

async function handleUpgrade(ctx: UpgradeContext, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = requestUrl(req);
  if (!url) return refuse(socket, 400, 'The request’s address is not valid.');
  if (!originAllowed(req.headers.origin, req.headers.host, ctx.config)) {
    ctx.log.warn({ origin: req.headers.origin }, 'refused a socket from an origin that is not allowed');
    return refuse(socket, 403, 'This page may not open boards on this server. Open the board from its own address, or ask IT to add this site to ALLOWED_ORIGINS.');
  }
  const match = new RegExp(`^${SYNC_PATH_PREFIX}/([^/]+)(/${PRIVATE_DOCUMENT_SUFFIX})?$`).exec(url.pathname);
  if (!match) return refuse(socket, 404, 'Connect to /sync/<boardId> (or /sync/<boardId>/private for your own drafts).');
  const wantsPrivate = match[2] !== undefined;
  let access;
  try {
    access = await authoriseRequest(ctx, req, url, decodePathSegment(match[1]!), 'refuse-unknown');
  } catch (error) {
    if (error instanceof HttpError) return refuse(socket, error.status, error.message, error.headers);
    throw error;
  }
  // A private document is its owner's alone: it needs the person's identity, not only a board token.
  if (wantsPrivate && (!access.participant || !roleCanEdit(access.role))) {
    return refuse(socket, 401, 'Your own drafts need your identity on this board: enter your name first.');
  }
  if (socket.destroyed) return;
  // Opening a board is using it: its retention period starts again.
  void ctx.storage.touchBoard(access.board.id, Date.now()).catch((error: unknown) => ctx.log.warn({ err: error }, 'could not record a board’s use'));
  const name = wantsPrivate ? privateDocumentName(access.board.id, access.participant!.id) : access.board.id;
  ctx.connections.accept(req, socket, head, { board: access.board, name, role: access.role, participant: access.participant });
}

/** A refused upgrade is an HTTP answer like any other: it carries the same security headers (docs/server-promises.md, "HTTP"). */
function refuse(socket: Duplex, status: number, message: string, extraHeaders: Readonly<Record<string, string>> = {}): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  const headers = {
    ...SECURITY_HEADERS,
    ...extraHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`);
}
