import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { normaliseJoinCode } from '../../shared/schema/ids';
import { ROLES, type Role } from '../../shared/schema/api';
import type { BoardRecord } from '../persistence/types';
import { hashJoinCode } from './joinCodes';

/** 32 random bytes: 256 bits, well above the 128 the threat model asks for. */
const TOKEN_BYTES = 32;

/** A new secret for a link or a participant key, URL-safe. */
export function newSecret(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What the database keeps instead of a secret. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two hashes without leaking, through timing, how much of them matched. */
function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Compared against when a board has no code, so a board without one takes the same time. */
const NO_CODE_HASH = Buffer.alloc(32);

/**
 * The role a token grants on a board, or null when it grants none. The
 * participant role is also granted by the board's short join code while
 * `codeIsLive` (not stopped, not expired). Every role is compared, whichever
 * matches, so the time taken does not reveal which.
 */
export function resolveRole(board: BoardRecord, token: string, codeIsLive: boolean): Role | null {
  const presented = hashSecret(token);
  let granted: Role | null = null;
  for (const role of ROLES) {
    if (hashesEqual(presented, board.tokenHashes[role]) && granted === null) granted = role;
  }
  const code = normaliseJoinCode(token);
  // Compared even when the token cannot be a code, so that takes no less time either.
  const codeMatches = hashesEqual(hashJoinCode(code ?? ''), board.joinCode?.hash ?? NO_CODE_HASH) && code !== null;
  if (granted === null && codeMatches && codeIsLive) granted = 'participant';
  return granted;
}
