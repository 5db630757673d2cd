import type { IncomingMessage } from 'node:http';
import { isBoardId, type BoardId } from '../../shared/schema/ids';
import { PARTICIPANT_KEY_HEADER, type Role } from '../../shared/schema/api';
import type { BoardRecord, ParticipantRecord, Storage } from '../persistence/types';
import { hashSecret, resolveRole } from './tokens';

/** Who is asking, once their token (and participant key, if any) checked out. */
export interface Access {
  board: BoardRecord;
  role: Role;
  participant: ParticipantRecord | null;
}

/** Why access was refused, with the HTTP status that says so. */
export class AccessDenied extends Error {
  override name = 'AccessDenied';
  constructor(
    readonly status: 401 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The bearer token of a request: the Authorization header, or `?token=` for links and downloads. */
export function tokenFromRequest(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return url.searchParams.get('token') || null;
}

/** The participant key of a request: the X-Participant-Key header, or `?participant=` on the sync URL. */
export function participantKeyFromRequest(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[PARTICIPANT_KEY_HEADER];
  if (typeof header === 'string' && header) return header;
  return url.searchParams.get('participant') || null;
}

/**
 * Decides who may do what on a board, for HTTP routes and the sync upgrade
 * alike. A participant key that does not belong to the board is refused
 * (unless the caller asks to ignore it, as the board-info route does so that
 * the client learns it must register again), so a client never believes it
 * is someone it is not.
 */
export async function authorise(
  storage: Storage,
  rawBoardId: string,
  token: string | null,
  participantKey: string | null,
  unknownParticipant: 'refuse' | 'ignore' = 'refuse',
): Promise<Access> {
  if (!isBoardId(rawBoardId)) throw new AccessDenied(404, 'There is no board at this address.');
  const boardId: BoardId = rawBoardId;
  if (!token) throw new AccessDenied(401, 'A board token is required: open the board from its link.');
  const board = await storage.getBoard(boardId);
  if (!board) throw new AccessDenied(404, 'There is no board at this address. It may have been deleted.');
  const role = resolveRole(board, token);
  if (!role) throw new AccessDenied(401, 'This link is not valid for this board. Ask the facilitator for a new one.');
  let participant: ParticipantRecord | null = null;
  if (participantKey) {
    participant = await storage.findParticipantByKeyHash(boardId, hashSecret(participantKey));
    if (!participant && unknownParticipant === 'refuse') throw new AccessDenied(401, 'Your saved identity is not known on this board. Enter your name again.');
  }
  return { board, role, participant };
}
