import { z } from 'zod';
import {
  apiErrorSchema,
  type BoardInfo,
  boardInfoSchema,
  checkInConflictSchema,
  type CheckInResponse,
  checkInResponseSchema,
  type ApiErrorNeed,
  CREATION_SECRET_HEADER,
  type CreateBoardResponse,
  createBoardResponseSchema,
  type CycleResponse,
  cycleResponseSchema,
  type JoinCodeResponse,
  joinCodeResponseSchema,
  type JoinResponse,
  joinResponseSchema,
  PARTICIPANT_KEY_HEADER,
  type PlanImportResult,
  planImportResultSchema,
  type RegisterParticipantResponse,
  registerParticipantResponseSchema,
  serverTimeSchema,
} from '../shared/schema/api';

import type { Template } from '../shared/schema/exercise';
import type { PlanFormat } from '../shared/export/plan';

/**
 * The HTTP API, seen from the browser. Every answer is validated with the
 * shared schemas, so a page never works on a shape it does not expect.
 */

/**
 * A request that did not succeed; `status` is 0 when the server could not be
 * reached. `needs` names what the page can ask the person for before trying
 * again (the server's creation secret).
 */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
    readonly needs: ApiErrorNeed | null = null,
    /** The refusal's whole JSON body, for a caller that reads more of it than the message (a check-in's 409 names the board). */
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

/**
 * The next check-in of the cycle exists already (409): its board's id, when
 * the server named it, so the page can offer to open it instead
 * (docs/api.md, "Check-ins").
 */
export class CheckInConflictError extends ApiRequestError {
  override name = 'CheckInConflictError';
  constructor(
    message: string,
    readonly existingBoardId: string | null,
  ) {
    super(409, message);
  }
}

/** The message shown when the server cannot be reached at all. */
const NETWORK_ERROR_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

async function request<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiRequestError(0, NETWORK_ERROR_MESSAGE);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): handled below by status.
  }
  if (!response.ok) {
    const error = apiErrorSchema.safeParse(body);
    throw new ApiRequestError(
      response.status,
      error.success ? error.data.error : `The server could not do that (error ${response.status}).`,
      error.success ? (error.data.needs ?? null) : null,
      body,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiRequestError(response.status, 'The server sent an answer this page does not understand.');
  return parsed.data;
}

function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function boardPath(boardId: string): string {
  return `/api/boards/${encodeURIComponent(boardId)}`;
}

/**
 * Creates a board: `POST /api/boards`, as the four-perspective exercise or a
 * blank board, with the server's creation secret where it asks for one.
 */
export function createBoard(title: string, template: Template = 'four-perspectives', creationSecret?: string): Promise<CreateBoardResponse> {
  const headers: Record<string, string> = creationSecret ? { [CREATION_SECRET_HEADER]: creationSecret } : {};
  return request('/api/boards', postJson({ title, template }, headers), createBoardResponseSchema);
}

/** The server's clock: `GET /api/time`. */
export async function getServerTime(): Promise<number> {
  return (await request('/api/time', {}, serverTimeSchema)).now;
}

/** What the token (and the participant key, if given) may know about the board: `GET /api/boards/<id>`. */
export function getBoardInfo(boardId: string, token: string, participantKey?: string): Promise<BoardInfo> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (participantKey) headers[PARTICIPANT_KEY_HEADER] = participantKey;
  return request(boardPath(boardId), { headers }, boardInfoSchema);
}

/** Turns a typed join code into a board and the token to keep for it (as a link's is kept): `POST /api/join`. */
export function joinWithCode(code: string): Promise<JoinResponse> {
  return request('/api/join', postJson({ code }), joinResponseSchema);
}

/** Registers the person behind the token under a display name: `POST /api/boards/<id>/participants`. */
export function registerParticipant(boardId: string, token: string, displayName: string): Promise<RegisterParticipantResponse> {
  return request(`${boardPath(boardId)}/participants`, postJson({ displayName }, { Authorization: `Bearer ${token}` }), registerParticipantResponseSchema);
}

/**
 * Sends a plan file (our JSON, CSV or XLSX) to be added to a board:
 * `POST /api/boards/<id>/plan/import`. The server reads the file and says
 * what it added, or why it could not.
 */
export function importPlanFile(boardId: string, token: string, file: Blob, name: string): Promise<PlanImportResult> {
  return request(
    `${boardPath(boardId)}/plan/import?name=${encodeURIComponent(name)}`,
    { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body: file },
    planImportResultSchema,
  );
}

/**
 * The address of a board's action plan in a format, for a download link:
 * `GET /api/boards/<id>/plan.<format>`. A link sends no Authorization header,
 * so the token goes in the query.
 */
export function planDownloadPath(boardId: string, token: string, format: PlanFormat): string {
  return `${boardPath(boardId)}/plan.${format}?token=${encodeURIComponent(token)}`;
}

/** Issues a new join code, which stops the old one: `POST /api/boards/<id>/join-code` (the facilitator's token). */
export function renewJoinCode(boardId: string, token: string): Promise<JoinCodeResponse> {
  return request(`${boardPath(boardId)}/join-code`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }, joinCodeResponseSchema);
}

/** Stops the join code when the workshop ends: `DELETE /api/boards/<id>/join-code` (the facilitator's token). */
export async function stopJoinCode(boardId: string, token: string): Promise<void> {
  // 204 has no body, which `request` reads as null.
  await request(`${boardPath(boardId)}/join-code`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }, z.null());
}

/** Deletes the board and everything on it, for everyone: `DELETE /api/boards/<id>` (the facilitator's token). */
export async function deleteBoard(boardId: string, token: string): Promise<void> {
  // 204 has no body, which `request` reads as null.
  await request(boardPath(boardId), { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }, z.null());
}

/**
 * Starts the next board of this board's retention cycle (the 30-day check-in
 * from a workshop, 60 from 30, 90 from 60): `POST /api/boards/<id>/check-ins`
 * with the facilitator's token. The answer is the new board's links, tokens
 * and join code, shown this once, as for a new board; its facilitator token
 * is the caller's own. A 409 that names the check-in already started throws
 * a CheckInConflictError carrying its id.
 */
export async function startCheckIn(boardId: string, token: string): Promise<CheckInResponse> {
  try {
    return await request(`${boardPath(boardId)}/check-ins`, postJson({}, { Authorization: `Bearer ${token}` }), checkInResponseSchema);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 409) {
      const conflict = checkInConflictSchema.safeParse(error.body);
      throw new CheckInConflictError(error.message, conflict.success ? (conflict.data.boardId ?? null) : null);
    }
    throw error;
  }
}

/** Every board of this board's cycle that still exists, in order of stage: `GET /api/boards/<id>/cycle` (the facilitator's token). */
export function getCycle(boardId: string, token: string): Promise<CycleResponse> {
  return request(`${boardPath(boardId)}/cycle`, { headers: { Authorization: `Bearer ${token}` } }, cycleResponseSchema);
}
