import * as encoding from 'lib0/encoding';

/**
 * What travels on the sync socket. The message numbers are y-websocket's, so
 * the stock WebsocketProvider can talk to our server unchanged.
 */

/** The first varint of every binary message, as in y-websocket. */
export const MessageType = {
  /** y-protocols sync: step 1, step 2 or update. */
  sync: 0,
  /** y-protocols awareness update. */
  awareness: 1,
  /** y-protocols auth (permission denied); the server decides at the upgrade instead. */
  auth: 2,
  /** A client asks for everyone's awareness state. */
  queryAwareness: 3,
} as const;

/** The second varint of a sync message, as in y-protocols/sync. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** A sync step 2 carrying `update`: the answer to a step 1, everything the asker lacks. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncMessageType.step2, update);
}

/** A sync update message carrying `update`: a change, as broadcast. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncMessageType.update, update);
}

function encodeSyncMessage(syncType: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * Close codes the server uses. 1000-1015 are the standard ones; 4000-4999 are
 * ours. A client should reconnect after every code except those listed in
 * CLOSE_CODES_FINAL.
 */
export const CloseCode = {
  normal: 1000,
  /** The server is shutting down or restarting; reconnect shortly. */
  goingAway: 1001,
  /** The message could not be read as a y-websocket message. */
  malformedMessage: 1007,
  /** The connection sent messages faster than the server allows (policy violation); reconnect more gently. */
  rateLimited: 1008,
  /** The message was larger than the server accepts. */
  messageTooBig: 1009,
  /** Something failed on the server; nothing the client sent is lost: reconnect and resync. */
  serverError: 1011,
  /** The server is restarting (SIGTERM); every board was stored first. Reconnect shortly. */
  restarting: 1012,
  /**
   * The connection sent a change its role may not make (a participant
   * changing the phase, say). Nothing of that change was applied.
   */
  forbidden: 4403,
  /** The board was deleted. */
  boardGone: 4404,
  /**
   * The change was refused because of the board's state: the facilitator had
   * the board locked, or it added an action to a plan the facilitator had
   * marked agreed. Nothing of it was applied, and it never will be. The close
   * reason is a `StateRefusalReason` saying which. The client drops its local
   * copy of the refused change and resyncs, so its screen shows the board's
   * real state.
   */
  lockedRefused: 4423,
  /** The board has reached the largest size the server allows (or the sender's share of it); the change was not applied. */
  boardFull: 4413,
} as const;

/**
 * The reason a close with `CloseCode.lockedRefused` (4423) carries: what about
 * the board's state refused the change, so the client can say why.
 */
export const StateRefusalReason = {
  /** The facilitator has locked the board. */
  locked: 'board-locked',
  /** The facilitator has marked the plan's actions agreed, and the change added one. */
  actionsAgreed: 'actions-agreed',
} as const;
export type StateRefusalReason = (typeof StateRefusalReason)[keyof typeof StateRefusalReason];

/** Codes after which reconnecting cannot help: the client would only send the same again. */
export const CLOSE_CODES_FINAL: readonly number[] = [CloseCode.forbidden, CloseCode.boardGone, CloseCode.boardFull];

/** The WebSocket path prefix: `ws://HOST:PORT/sync/<boardId>?token=<token>`. */
export const SYNC_PATH_PREFIX = '/sync';
/**
 * A participant's private document (their drafts and dots) syncs at
 * `/sync/<boardId>/private`, with their participant key: the room name a
 * y-websocket provider uses for it is `<boardId>/private`.
 */
export const PRIVATE_DOCUMENT_SUFFIX = 'private';

/** The query parameters the sync URL takes. */
export const SYNC_PARAM_TOKEN = 'token';
export const SYNC_PARAM_PARTICIPANT_KEY = 'participant';
