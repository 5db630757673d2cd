import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { newJoinCode, normaliseJoinCode, type BoardId } from '../../shared/schema/ids';
import type { StoredJoinCode } from '../persistence/types';

/**
 * A board's join code at rest (docs/server-promises.md, "Roles"). The
 * database holds a hash to find the board by, and the code sealed with a key
 * derived from the facilitator's token, which is itself kept only as a hash:
 * the server can show the code to the facilitator who presents their token,
 * and to no one else, and the file alone shows no code.
 */

const HOUR_MS = 60 * 60 * 1000;
const SEAL_KEY_BYTES = 32;
const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;
const SEAL_ALGORITHM = 'aes-256-gcm';

/** The hash a join code is looked up by: SHA-256 of its canonical form. */
export function hashJoinCode(code: string): Buffer {
  return createHash('sha256')
    .update(normaliseJoinCode(code) ?? code, 'utf8')
    .digest();
}

/**
 * The facilitator's token has 256 random bits, so HKDF (not a slow password
 * hash) makes a key as strong; the board id as salt gives each board its own.
 */
function sealKey(facilitatorToken: string, boardId: BoardId): Buffer {
  return Buffer.from(hkdfSync('sha256', facilitatorToken, boardId, 'retain join code', SEAL_KEY_BYTES));
}

/** The code encrypted for the facilitator: IV, tag, then ciphertext, bound to the board. */
function sealJoinCode(code: string, facilitatorToken: string, boardId: BoardId): Buffer {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv(SEAL_ALGORITHM, sealKey(facilitatorToken, boardId), iv);
  cipher.setAAD(Buffer.from(boardId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The code, for the facilitator who presents the token it was sealed with; null for any other token or a damaged seal. */
export function openJoinCode(sealed: Buffer, facilitatorToken: string, boardId: BoardId): string | null {
  if (sealed.length <= SEAL_IV_BYTES + SEAL_TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv(SEAL_ALGORITHM, sealKey(facilitatorToken, boardId), sealed.subarray(0, SEAL_IV_BYTES));
    decipher.setAAD(Buffer.from(boardId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** A fresh code for a board, and what the database keeps of it. */
export function issueJoinCode(facilitatorToken: string, boardId: BoardId, now: number): { code: string; stored: StoredJoinCode } {
  const code = newJoinCode();
  return { code, stored: { hash: hashJoinCode(code), sealed: sealJoinCode(code, facilitatorToken, boardId), issuedAt: now, stoppedAt: null } };
}

/** When a code stops working by itself; null for one the facilitator stopped. */
export function joinCodeExpiresAt(stored: StoredJoinCode, ttlHours: number): number | null {
  return stored.stoppedAt === null ? stored.issuedAt + ttlHours * HOUR_MS : null;
}

/** Whether a code opens its board now: not stopped, and within its lifetime since issue. */
export function joinCodeIsLive(stored: StoredJoinCode | null, ttlHours: number, now: number): boolean {
  if (!stored) return false;
  const expiresAt = joinCodeExpiresAt(stored, ttlHours);
  return expiresAt !== null && now < expiresAt;
}
