import { customAlphabet, nanoid } from 'nanoid';
import type { z } from 'zod';

/**
 * Branded string ids: a NoteId cannot be passed where a BoardId is expected,
 * although both are plain strings on the wire and in the Y.Doc. The brand is
 * zod's, so a validator's `.brand<'NoteId'>()` reads an id as a `NoteId`, and
 * each record's type follows from its validator in shared/schema/.
 */

/** A string tagged with the kind of record it identifies. */
export type Brand<T, Name extends string> = T & z.$brand<Name>;

/** Identifies a board, and so its Y.Doc, its room and its sync URL. */
export type BoardId = Brand<string, 'BoardId'>;
/** Identifies a sticky note inside one board. */
export type NoteId = Brand<string, 'NoteId'>;
/** A person's stable identity on one board, issued by the server when they join. */
export type ParticipantId = Brand<string, 'ParticipantId'>;
/** A perspective lane of the exercise ("Line managers"). */
export type PerspectiveId = Brand<string, 'PerspectiveId'>;
/** A theme that groups notes during the comparison. */
export type ThemeId = Brand<string, 'ThemeId'>;
/** A draft or agreed action. */
export type ActionId = Brand<string, 'ActionId'>;
/** One of an action's steps to take. */
export type ActionStepId = Brand<string, 'ActionStepId'>;
/** A driver diagram on a board. */
export type DiagramId = Brand<string, 'DiagramId'>;
/** A driver or change idea in a driver diagram. */
export type DriverNodeId = Brand<string, 'DriverNodeId'>;
/** A topic of the traffic-light self-assessment ("Flexible working"). */
export type TopicId = Brand<string, 'TopicId'>;

/** Board ids appear in URLs, so they use URL-safe characters only (nanoid's default alphabet). */
const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{12,64}$/;

/** A new board id: 16 URL-safe characters (96 random bits). */
export function newBoardId(): BoardId {
  return nanoid(16) as BoardId;
}

/** A new note id: 12 URL-safe characters, plenty inside one board. */
export function newNoteId(): NoteId {
  return nanoid(12) as NoteId;
}

/** A new id for a perspective, theme, action, step, diagram, diagram node or self-assessment topic: 12 URL-safe characters. */
export function newRecordId<T extends PerspectiveId | ThemeId | ActionId | ActionStepId | DiagramId | DriverNodeId | TopicId>(): T {
  return nanoid(12) as T;
}

/** A new participant id: public, shown to other clients, so it carries no secret. */
export function newParticipantId(): ParticipantId {
  return nanoid(12) as ParticipantId;
}

/** True when the string has the shape of a board id (no slashes, dots or spaces). */
export function isBoardId(value: string): value is BoardId {
  return BOARD_ID_PATTERN.test(value);
}

/**
 * Join codes are read off a projector and typed on a phone, so they avoid
 * characters that look alike (0/O, 1/I/L) and are shown in two groups of four.
 */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const JOIN_CODE_LENGTH = 8;
const joinCodeChars = customAlphabet(JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH);

/** A new join code, for example `K7PQ-4XRM`. */
export function newJoinCode(): string {
  const raw = joinCodeChars();
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/**
 * Turns what a person typed into the canonical code: upper case, no spaces or
 * dashes, and the look-alike letters mapped to what they were meant to be.
 * Returns null when it cannot be a join code.
 */
export function normaliseJoinCode(typed: string): string | null {
  const cleaned = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  // 0 and 1 are not in the alphabet: a code that needed them was mistyped.
  if (cleaned.length !== JOIN_CODE_LENGTH) return null;
  for (const ch of cleaned) if (!JOIN_CODE_ALPHABET.includes(ch)) return null;
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4)}`;
}
