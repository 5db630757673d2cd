import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { PRIVATE_DOCUMENT_SUFFIX, SYNC_PATH_PREFIX } from '../../shared/protocol';
import { roleCanEdit } from '../../shared/schema/api';
import { privateDocumentName, type Storage } from '../persistence/types';
import type { RoomRegistry } from '../rooms/registry';
import { AccessDenied, authorise, participantKeyFromRequest, tokenFromRequest } from './request';

/** What the upgrade check needs. */
export interface UpgradeContext {
  storage: Storage;
  rooms: RoomRegistry;
  wss: WebSocketServer;
  log: Logger;
}

/**
 * Decides at the HTTP upgrade, before any WebSocket exists, whether the
 * request may join a board and in which role (DESIGN rule 7). A refusal is a
 * plain HTTP answer with a clear status, so the browser never opens a socket
 * it would only have to close.
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
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = new RegExp(`^${SYNC_PATH_PREFIX}/([^/]+)(/${PRIVATE_DOCUMENT_SUFFIX})?$`).exec(url.pathname);
  if (!match) return refuse(socket, 404, 'Connect to /sync/<boardId> (or /sync/<boardId>/private for your own drafts).');
  const wantsPrivate = match[2] !== undefined;
  let access;
  try {
    access = await authorise(ctx.storage, decodeURIComponent(match[1]!), tokenFromRequest(req, url), participantKeyFromRequest(req, url));
  } catch (error) {
    if (error instanceof AccessDenied) return refuse(socket, error.status, error.message);
    throw error;
  }
  // A private document is its owner's alone: it needs the person's identity, not only a board token.
  if (wantsPrivate && (!access.participant || !roleCanEdit(access.role))) {
    return refuse(socket, 401, 'Your own drafts need your identity on this board: enter your name first.');
  }
  if (socket.destroyed) return;
  const name = wantsPrivate ? privateDocumentName(access.board.id, access.participant!.id) : access.board.id;
  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    void ctx.rooms.connect(
      access.board,
      { socket: ws, role: access.role, participantId: access.participant?.id ?? null },
      name,
    );
  });
}

function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
