import { describe, expect, it, vi } from 'vitest';
import type * as NodeCrypto from 'node:crypto';

// Counts the constant-time comparisons while keeping the real one.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return { ...actual, default: actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const crypto = await import('node:crypto');
const { hashSecret, newSecret, resolveRole } = await import('../../server/auth/tokens');
const { hashJoinCode } = await import('../../server/auth/joinCodes');
const { newBoardId } = await import('../../shared/schema/ids');

describe('tokens are compared in constant time', () => {
  const tokens = { facilitator: newSecret(), participant: newSecret(), viewer: newSecret() };
  const board = {
    id: newBoardId(),
    title: 't',
    createdAt: 0,
    tokenHashes: { facilitator: hashSecret(tokens.facilitator), participant: hashSecret(tokens.participant), viewer: hashSecret(tokens.viewer) },
    joinCode: { hash: hashJoinCode('ABCD-2345'), sealed: null, participantTokenSealed: null, issuedAt: 0, stoppedAt: null },
  };

  it('compares every role’s hash (and the join code) with timingSafeEqual, whichever token is presented and whether it matches', () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    for (const [presented, role] of [
      [tokens.facilitator, 'facilitator'],
      [tokens.viewer, 'viewer'],
      ['abcd 2345', 'participant'],
      ['not a token', null],
    ] as const) {
      compare.mockClear();
      expect(resolveRole(board, presented, true)).toBe(role);
      // Three roles and the join code, every time: the work done does not depend on which one matched, or how much of it.
      expect(compare).toHaveBeenCalledTimes(4);
    }
  });
});
