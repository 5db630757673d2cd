import type { IncomingMessage } from 'node:http';
import { isBoardId, normaliseJoinCode, type BoardId } from '../../shared/schema/ids';
import { PARTICIPANT_KEY_HEADER, type Role } from '../../shared/schema/api';
import type { BoardRecord, ParticipantRecord, Storage } from '../persistence/types';
import type { ServerConfig } from '../config';
import { HttpError } from '../http/respond';
import { clientAddress } from '../http/rateLimits';
import { hashSecret, resolveRole } from './tokens';
import { joinCodeIsLive } from './joinCodes';
import type { JoinAttempts } from './joinAttempts';

/** Who is asking, once their token (and participant key, if any) checked out. */
export interface BoardAccess {
  board: BoardRecord;
  role: Role;
  participant: ParticipantRecord | null;
  /** The token that was presented: the facilitator's opens their sealed join code. */
  token: string;
}

/** Why access was refused, with the HTTP status that says so. */
class AccessDenied extends HttpError {
  override name = 'AccessDenied';
  constructor(status: 401 | 404, message: string) {
    super(status, message);
  }
}

/** What deciding access needs from the server. */
export interface AuthContext {
  storage: Storage;
  joinAttempts: JoinAttempts;
  config: Pick<ServerConfig, 'trustProxy' | 'joinCodeTtlHours'>;
}

/** The bearer token of a request: the Authorization header, or `?token=` for links and downloads. */
function tokenFromRequest(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return url.searchParams.get('token') || null;
}

/** The participant key of a request: the X-Participant-Key header, or `?participant=` on the sync URL. */
function participantKeyFromRequest(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[PARTICIPANT_KEY_HEADER];
  if (typeof header === 'string' && header) return header;
  return url.searchParams.get('participant') || null;
}

/**
 * Decides who may do what on a board, for the HTTP router and the sync
 * upgrade alike, from the request's token and its participant key, if any.
 * A key that does not belong to the board is refused at the upgrade
 * (`refuse-unknown`), so a client never believes it is someone it is not;
 * the router ignores it (`ignore-unknown`), so that board info answers with
 * no participant and the client learns it must register again. Wrong codes
 * and tokens count towards the join limits (server/auth/joinAttempts.ts):
 * past them, 429.
 */
export async function authoriseRequest(
  ctx: AuthContext,
  req: IncomingMessage,
  url: URL,
  rawBoardId: string,
  unknownParticipantKey: 'refuse-unknown' | 'ignore-unknown',
): Promise<BoardAccess> {
  if (!isBoardId(rawBoardId)) throw new AccessDenied(404, 'There is no board at this address.');
  const boardId: BoardId = rawBoardId;
  const token = tokenFromRequest(req, url);
  if (!token) throw new AccessDenied(401, 'A board token is required: open the board from its link.');
  const board = await ctx.storage.getBoard(boardId);
  if (!board) throw new AccessDenied(404, 'There is no board at this address. It may have been deleted.');
  const address = clientAddress(req, ctx.config.trustProxy);
  const presentsCode = normaliseJoinCode(token) !== null;
  if (presentsCode) await ctx.joinAttempts.beforeCode(address, boardId);
  const role = resolveRole(board, token, joinCodeIsLive(board.joinCode, ctx.config.joinCodeTtlHours, Date.now()));
  if (!role) {
    if (!presentsCode) await ctx.joinAttempts.tokenRefused(address, boardId);
    throw new AccessDenied(401, 'This link or code is not valid for this board. Ask the facilitator for a new one.');
  }
  if (presentsCode) await ctx.joinAttempts.codeAccepted(address, boardId);
  let participant: ParticipantRecord | null = null;
  const key = participantKeyFromRequest(req, url);
  if (key) {
    participant = await ctx.storage.findParticipantByKeyHash(boardId, hashSecret(key));
    if (!participant && unknownParticipantKey === 'refuse-unknown') throw new AccessDenied(401, 'Your saved identity is not known on this board. Enter your name again.');
  }
  return { board, role, participant, token };
}

/**
 * The request's address, or null for a request line that is none (`GET
 * http://[ HTTP/1.1`): `new URL` throws on it, and a throw outside any
 * promise would end the process.
 */
export function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** A path segment decoded; one with a broken %-escape (`decodeURIComponent` throws on it) stays as it came: it names no board, so the access check answers 404. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
