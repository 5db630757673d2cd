import { z } from 'zod';
import { BOARD_TITLE_MAX_CHARS, DISPLAY_NAME_MAX_CHARS } from './records';
import { TEMPLATES } from './exercise';
import { cycleStageSchema } from './cycle';

/**
 * The JSON bodies of the HTTP API, validated on both sides: the server parses
 * what arrives, the client parses what comes back.
 */

/** The three ways into a board; the link a person opens decides which is theirs. */
export const ROLES = ['facilitator', 'participant', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What may write to the board document. Viewers only watch. */
export function roleCanEdit(role: Role): boolean {
  return role !== 'viewer';
}

const personColour = z.string().regex(/^#[0-9a-f]{6}$/i);
const title = z.string().trim().min(1, 'Give the workshop a title').max(BOARD_TITLE_MAX_CHARS);
const displayName = z.string().trim().min(1, 'Enter a display name').max(DISPLAY_NAME_MAX_CHARS);

/**
 * `POST /api/boards`. The template is the four-perspective exercise (the
 * board opens at set-up) or a blank board of notes, the default.
 */
export const createBoardRequestSchema = z
  .object({
    title,
    template: z.enum(TEMPLATES).optional(),
    /** The server's creation secret, where it has one (else the `X-Retain-Creation-Secret` header). */
    creationSecret: z.string().max(500).optional(),
  })
  .strict();

/** The header an API client sends the server's creation secret in. */
export const CREATION_SECRET_HEADER = 'x-retain-creation-secret';

const boardLinksSchema = z.object({
  facilitator: z.string().url(),
  participant: z.string().url(),
  viewer: z.string().url(),
});

/** The answer to `POST /api/boards`: the only time the tokens are ever shown. */
export const createBoardResponseSchema = z.object({
  boardId: z.string(),
  title: z.string(),
  joinCode: z.string(),
  links: boardLinksSchema,
  tokens: z.object({ facilitator: z.string(), participant: z.string(), viewer: z.string() }),
});
export type CreateBoardResponse = z.infer<typeof createBoardResponseSchema>;

/** `GET /api/boards/<id>` with a token: what the holder of that token may know. */
export const boardInfoSchema = z.object({
  boardId: z.string(),
  title: z.string(),
  role: z.enum(ROLES),
  /**
   * The facilitator and the viewer (the presenter view, on the room's
   * projector) see the join code, to show it to the room; participants never
   * do. Null when it was stopped, has expired, or (a code from before codes
   * were sealed for that role) cannot be shown.
   */
  joinCode: z.string().nullable(),
  /** For the facilitator and the viewer, when the current code stops working by itself; null when no code works. */
  joinCodeExpiresAt: z.number().nullable(),
  /**
   * For the facilitator, the viewer link, which their "Present" button opens
   * (the presenter view); null for the other roles, and on a board created
   * before the server kept the viewer token sealed for the facilitator.
   */
  viewerLink: z.string().url().nullable(),
  /**
   * The person behind the `X-Participant-Key` header, when one was sent and
   * belongs to this board; null means the client must register (again).
   */
  participant: z.object({ participantId: z.string(), displayName: z.string(), colour: personColour }).nullable(),
});
export type BoardInfo = z.infer<typeof boardInfoSchema>;

/** `POST /api/join`: a short join code typed by a participant. */
export const joinRequestSchema = z.object({ code: z.string().trim().min(1).max(20) }).strict();
/**
 * The answer to `POST /api/join`: the board, and the token to open it with
 * from now on, kept like a link's. It is the board's participant token, which
 * keeps working when the code is stopped or replaced; only on a board from
 * before the server kept that token sealed is it the code itself.
 */
export const joinResponseSchema = z.object({ boardId: z.string(), token: z.string() });
export type JoinResponse = z.infer<typeof joinResponseSchema>;

/** `POST /api/boards/<id>/join-code` (facilitator): a new code; the one before it stops at once. */
export const joinCodeResponseSchema = z.object({ joinCode: z.string(), expiresAt: z.number() });
export type JoinCodeResponse = z.infer<typeof joinCodeResponseSchema>;

/** `POST /api/boards/<id>/participants`: a person enters the board with a display name. */
export const registerParticipantRequestSchema = z.object({ displayName }).strict();
export const registerParticipantResponseSchema = z.object({
  participantId: z.string(),
  /** Secret: proves on later connections that this person is the same participant. */
  participantKey: z.string(),
  displayName: z.string(),
  /** Given by the server so that people on one board have different colours. */
  colour: personColour,
  role: z.enum(ROLES),
});
export type RegisterParticipantResponse = z.infer<typeof registerParticipantResponseSchema>;

/** The request header that carries a participant's key on HTTP calls. */
export const PARTICIPANT_KEY_HEADER = 'x-participant-key';

/** What a refused request must supply before it can succeed: something the page can ask a person for. */
const API_ERROR_NEEDS = ['creation-secret'] as const;
export type ApiErrorNeed = (typeof API_ERROR_NEEDS)[number];

/** Every error from the API has this shape. */
export const apiErrorSchema = z.object({ error: z.string(), needs: z.enum(API_ERROR_NEEDS).optional() });

/** `GET /api/time`: the server's clock, in milliseconds since the epoch. */
export const serverTimeSchema = z.object({ now: z.number() });

/** `POST /api/boards/<id>/plan/import?name=<file name>`: what importing a plan file added. */
export const planImportResultSchema = z.object({
  added: z.number().int().nonnegative(),
  /** Actions already imported from the same plan, left as they are. */
  skipped: z.number().int().nonnegative(),
  /** Where the actions say they came from. */
  source: z.string(),
});
export type PlanImportResult = z.infer<typeof planImportResultSchema>;

/**
 * `POST /api/boards/<id>/check-ins` (facilitator, body `{}`): the next board
 * of the cycle, answered like a new board (its links and tokens, shown this
 * once), with its stage. Its facilitator token is the caller's own, so one
 * facilitator link opens every board of a cycle (docs/api.md, "Check-ins").
 */
export const checkInRequestSchema = z.object({}).strict();
export const checkInResponseSchema = createBoardResponseSchema.extend({
  stage: z.literal([30, 60, 90]),
});
export type CheckInResponse = z.infer<typeof checkInResponseSchema>;

/** The 409 answer when the next check-in exists already: which board it is. */
export const checkInConflictSchema = z.object({ error: z.string(), boardId: z.string().optional() });

/** `GET /api/boards/<id>/cycle` (facilitator): every board of the cycle that still exists, ordered by stage. */
export const cycleResponseSchema = z.object({
  boards: z.array(
    z.object({
      boardId: z.string(),
      title: z.string(),
      stage: cycleStageSchema,
      createdAt: z.number(),
    }),
  ),
});
export type CycleResponse = z.infer<typeof cycleResponseSchema>;
