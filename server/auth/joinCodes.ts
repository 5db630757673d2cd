import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { newJoinCode, normaliseJoinCode, type BoardId } from '../../shared/schema/ids';
import type { StoredJoinCode } from '../persistence/types';

/**
 * A board's join code at rest (docs/server-promises.md, "Roles"). The
 * database holds a hash to find the board by, and the code sealed with a key
 * derived from the facilitator's token, which is itself kept only as a hash:
 * the server can show the code to the facilitator who presents their token,
 * and to no one else, and the file alone shows no code.
 *
 * The code is only a way in: whoever types a live one is given the board's
 * participant token, which the database keeps sealed twice, under a key
 * derived from the current code (removed when the code stops) and under one
 * derived from the facilitator's token (so a new code can seal it again).
 *
 * The presenter view (the viewer link, on the room's projector) shows the
 * code too: the code is also sealed under a key derived from the viewer's
 * token, which the database keeps sealed for the facilitator, so that each
 * new code, whose request carries the facilitator's token, is sealed for the
 * viewer again, and the facilitator can be given the viewer link.
 */

const HOUR_MS = 60 * 60 * 1000;
const SEAL_KEY_BYTES = 32;
const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;
const SEAL_ALGORITHM = 'aes-256-gcm';

/** What a seal holds, named in its key's derivation so that a key made for one never opens another. */
const SEAL_PURPOSES = {
  joinCodeForFacilitator: 'retain join code',
  participantTokenForFacilitator: 'retain participant token for the facilitator',
  participantTokenForJoinCode: 'retain participant token for the join code',
  viewerTokenForFacilitator: 'retain viewer token for the facilitator',
  joinCodeForViewer: 'retain join code for the viewer',
} as const;
type SealPurpose = keyof typeof SEAL_PURPOSES;

/** The hash a join code is looked up by: SHA-256 of its canonical form. */
export function hashJoinCode(code: string): Buffer {
  return createHash('sha256')
    .update(normaliseJoinCode(code) ?? code, 'utf8')
    .digest();
}

/**
 * The facilitator's token has 256 random bits, so HKDF (not a slow password
 * hash) makes a key as strong; the board id as salt gives each board its own.
 * A join code has 40 bits, no more than its SHA-256 lookup hash already
 * gives away, which is why the seal under a code lasts only while the code
 * does.
 */
function sealKey(secret: string, boardId: BoardId, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, boardId, SEAL_PURPOSES[purpose], SEAL_KEY_BYTES));
}

/** Text encrypted under a secret: IV, tag, then ciphertext, bound to the board. */
function seal(text: string, secret: string, boardId: BoardId, purpose: SealPurpose): Buffer {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv(SEAL_ALGORITHM, sealKey(secret, boardId, purpose), iv);
  cipher.setAAD(Buffer.from(boardId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The text of a seal, for the secret it was sealed under; null for any other secret or a damaged seal. */
function open(sealed: Buffer, secret: string, boardId: BoardId, purpose: SealPurpose): string | null {
  if (sealed.length <= SEAL_IV_BYTES + SEAL_TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv(SEAL_ALGORITHM, sealKey(secret, boardId, purpose), sealed.subarray(0, SEAL_IV_BYTES));
    decipher.setAAD(Buffer.from(boardId, 'utf8'));
    decipher.setAuthTag(sealed.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The code, for the facilitator who presents the token it was sealed with; null for any other token or a damaged seal. */
export function openJoinCode(sealed: Buffer, facilitatorToken: string, boardId: BoardId): string | null {
  return open(sealed, facilitatorToken, boardId, 'joinCodeForFacilitator');
}

/**
 * The code, for the viewer (the presenter view on a projector, which shows
 * it to the room) who presents the token it was sealed with; null otherwise.
 */
export function openJoinCodeForViewer(sealed: Buffer, viewerToken: string, boardId: BoardId): string | null {
  return open(sealed, viewerToken, boardId, 'joinCodeForViewer');
}

/** The board's viewer token sealed for its facilitator, so that the server can give them the viewer link and seal each new code for the viewer. */
export function sealViewerTokenForFacilitator(viewerToken: string, facilitatorToken: string, boardId: BoardId): Buffer {
  return seal(viewerToken, facilitatorToken, boardId, 'viewerTokenForFacilitator');
}

/** The viewer token, for the facilitator who presents the token it was sealed with; null otherwise. */
export function openViewerTokenForFacilitator(sealed: Buffer, facilitatorToken: string, boardId: BoardId): string | null {
  return open(sealed, facilitatorToken, boardId, 'viewerTokenForFacilitator');
}

/** The board's participant token sealed for its facilitator, kept with the board so that every new code can carry it. */
export function sealParticipantTokenForFacilitator(participantToken: string, facilitatorToken: string, boardId: BoardId): Buffer {
  return seal(participantToken, facilitatorToken, boardId, 'participantTokenForFacilitator');
}

/** The participant token, for the facilitator who presents the token it was sealed with; null otherwise. */
export function openParticipantTokenForFacilitator(sealed: Buffer, facilitatorToken: string, boardId: BoardId): string | null {
  return open(sealed, facilitatorToken, boardId, 'participantTokenForFacilitator');
}

/** The participant token, for the person who typed the code it was sealed under; null for any other code or a damaged seal. */
export function openParticipantTokenWithCode(sealed: Buffer, code: string, boardId: BoardId): string | null {
  const canonical = normaliseJoinCode(code);
  return canonical ? open(sealed, canonical, boardId, 'participantTokenForJoinCode') : null;
}

/**
 * A fresh code for a board, and what the database keeps of it. With the
 * board's participant token, the code hands that token out; without it (a
 * board from before the token was kept sealed, docs/server-promises.md
 * "Roles") the code itself is what people who type it connect with.
 */
export function issueJoinCode(
  facilitatorToken: string,
  boardId: BoardId,
  now: number,
  participantToken: string | null,
  viewerToken: string | null = null,
): { code: string; stored: StoredJoinCode } {
  const code = newJoinCode();
  return {
    code,
    stored: {
      hash: hashJoinCode(code),
      sealed: seal(code, facilitatorToken, boardId, 'joinCodeForFacilitator'),
      participantTokenSealed: participantToken === null ? null : seal(participantToken, code, boardId, 'participantTokenForJoinCode'),
      viewerSealed: viewerToken === null ? null : seal(code, viewerToken, boardId, 'joinCodeForViewer'),
      issuedAt: now,
      stoppedAt: null,
    },
  };
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
