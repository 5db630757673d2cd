import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { decodeUtf8 } from 'lib0/string';

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

/**
 * The codec: every y-websocket message the server, the client, the tests and
 * the benchmark write or read goes through these functions, so the wire
 * format is written down once (docs/architecture.md, "The wire").
 */

/** A sync step 1 carrying the sender's state vector: "send me what I lack". */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncMessageType.step1, stateVector);
}

/** A sync step 2 carrying `update`: the answer to a step 1, everything the asker lacks. */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncMessageType.step2, update);
}

/** A sync update message carrying `update`: a change, as broadcast. */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSyncMessage(SyncMessageType.update, update);
}

function encodeSyncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** An awareness message carrying an awareness update (as y-protocols/awareness encodes it). */
export function encodeAwarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

/** One client's entry in an awareness update: its state (`null` when it left). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

/** An awareness update (the payload of an awareness message) holding `entries`, as y-protocols/awareness writes it. */
export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * An awareness message whose states are already written as JSON: a server
 * that keeps each state's JSON sends it as it is, with no parse or
 * stringify per message.
 */
export function encodeAwarenessJsonMessage(entries: readonly { clientId: number; clock: number; json: string }[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, json);
  }
  return encodeAwarenessMessage(encoding.toUint8Array(update));
}

/** One entry of an awareness update as read off the wire: its state still the JSON's UTF-8 bytes (a view), so a reader can check its size before parsing it. */
export interface EncodedAwarenessEntry {
  clientId: number;
  clock: number;
  stateJson: Uint8Array;
}

/** Reads an awareness update's entries. Throws MalformedMessageError on bytes that do not read as one. */
export function decodeAwarenessUpdate(update: Uint8Array): EncodedAwarenessEntry[] {
  return [...readAwarenessEntries(update)];
}

/**
 * Reads an awareness update's entries one at a time, so that a reader who
 * refuses an entry stops there: it never reads, nor holds, the rest of a
 * flood (an 8 MB message holds a million entries). Each step throws
 * MalformedMessageError when the bytes do not read as the next entry.
 */
export function* readAwarenessEntries(update: Uint8Array): Generator<EncodedAwarenessEntry, void, undefined> {
  const decoder = decoding.createDecoder(update);
  for (let count = readOrMalformed(() => decoding.readVarUint(decoder)); count > 0; count--) {
    yield readOrMalformed(() => ({
      clientId: decoding.readVarUint(decoder),
      clock: decoding.readVarUint(decoder),
      stateJson: decoding.readVarUint8Array(decoder),
    }));
  }
}

/** An entry's state, parsed: throws MalformedMessageError unless its bytes are UTF-8 JSON. */
export function decodeAwarenessState(stateJson: Uint8Array): unknown {
  return readOrMalformed(() => JSON.parse(decodeUtf8(stateJson)) as unknown);
}

/** A message asking for everyone's awareness states. */
export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.queryAwareness);
  return encoding.toUint8Array(encoder);
}

/** A y-websocket message, its envelope read: what kind it is and its payload (a view on the message's bytes, not a copy). */
export type WireMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2'; update: Uint8Array }
  | { type: 'syncUpdate'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' }
  | { type: 'auth'; deniedReason: string | null };

/** Bytes that do not read as a y-websocket message. */
export class MalformedMessageError extends Error {}

/**
 * Reads a message's envelope: its type, its sync type and its payload. The
 * payload itself (an update, a state vector, an awareness update) is left
 * for its reader. Throws MalformedMessageError on an unknown type or
 * truncated bytes. Bytes after the payload are ignored, as y-websocket does.
 */
export function decodeMessage(message: Uint8Array): WireMessage {
  const decoder = decoding.createDecoder(message);
  return readOrMalformed(() => {
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (syncType === SyncMessageType.step1) return { type: 'syncStep1', stateVector: payload };
        if (syncType === SyncMessageType.step2) return { type: 'syncStep2', update: payload };
        if (syncType === SyncMessageType.update) return { type: 'syncUpdate', update: payload };
        throw new MalformedMessageError(`unknown sync message type ${syncType}`);
      }
      case MessageType.awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
      case MessageType.queryAwareness:
        return { type: 'queryAwareness' };
      case MessageType.auth: {
        // y-protocols/auth: 0 means "permission denied", followed by the reason.
        const denied = decoding.readVarUint(decoder) === 0;
        return { type: 'auth', deniedReason: denied ? decoding.readVarString(decoder) : null };
      }
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  });
}

/** Runs `read`; lib0's errors on truncated or oversized fields, and JSON's, become MalformedMessageError. */
function readOrMalformed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`unreadable message: ${error instanceof Error ? error.message : String(error)}`);
  }
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
   * Another server process serves this board now, or is still serving it
   * (docs/storage.md, "One owner per board"): nothing the client sent is
   * lost. The standard "try again later": reconnect shortly, and resend.
   */
  tryAgain: 1013,
  /**
   * The connection sent a change its role may not make (a participant
   * changing the phase, say). Nothing of that change was applied.
   */
  forbidden: 4403,
  /** The board was deleted. */
  boardGone: 4404,
  /**
   * The change was refused because of the board's state: the facilitator had
   * the board locked, it added an action to a plan the facilitator had
   * marked agreed, or others' typing had filled the text field it typed into. Nothing of it was applied, and it never will be. The close
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
  /**
   * The change would have left a shared-text field longer than it holds:
   * someone else's typing filled the field while this person typed (each
   * person's own typing is kept within the limit before it is sent).
   */
  textFull: 'text-full',
} as const;
export type StateRefusalReason = (typeof StateRefusalReason)[keyof typeof StateRefusalReason];

/** The reason of a 4423 close as one of ours; any other is read as the lock, which 4423 meant first. */
export function readStateRefusalReason(reason: string): StateRefusalReason {
  return (Object.values(StateRefusalReason) as string[]).includes(reason) ? (reason as StateRefusalReason) : StateRefusalReason.locked;
}

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
