import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import type { BoardId } from '../../shared/schema/ids';
import { AttemptLimit, type LimitRefusal, type LimitStore, memoryLimits, rateLimitKey, tooManyRequests } from '../http/rateLimits';

const REFUSAL_MESSAGE = 'Too many wrong codes or links have been tried from here.';
const BOARD_REFUSAL_MESSAGE = 'Too many wrong codes or links have been tried on this board.';

/**
 * Limits failed attempts to get into a board: a wrong join code at
 * `POST /api/join`, and a wrong code or token presented for a board at the
 * sync upgrade or an API route. Failures count per client address and per
 * board over a window (docs/server-promises.md, "Limits").
 *
 * Only what can be guessed is ever refused: the 8-character join code. A
 * code's attempt is taken before the code is checked (and given back when it
 * was right), so however many requests arrive at once, no more codes are
 * tried than the limit. A 256-bit token cannot be guessed, so a right one is
 * always let in, even from an address or onto a board past its limit: a
 * flood of wrong guesses from a shared hospital address or aimed at one board
 * must not lock out the people holding real links.
 */
export class JoinAttempts {
  private readonly byAddress: AttemptLimit;
  private readonly byBoard: AttemptLimit;

  constructor(
    config: Pick<ServerConfig, 'joinFailuresPerAddress' | 'joinFailuresPerBoard' | 'joinFailureWindowSeconds'>,
    private readonly log: Logger,
    /** Where the counts are kept: Redis with REDIS_URL, so they hold across processes (docs/storage.md). */
    store: LimitStore = memoryLimits,
  ) {
    this.byAddress = new AttemptLimit('join-failures-address', config.joinFailuresPerAddress, config.joinFailureWindowSeconds, store);
    this.byBoard = new AttemptLimit('join-failures-board', config.joinFailuresPerBoard, config.joinFailureWindowSeconds, store);
  }

  /** Before a join code is checked: takes an attempt from the address and the board (when known); throws 429 when either has none left. */
  async beforeCode(address: string, boardId: BoardId | null): Promise<void> {
    await this.take(address, boardId);
  }

  /** The code was right: its attempt was no failure. */
  async codeAccepted(address: string, boardId: BoardId | null): Promise<void> {
    await this.byAddress.giveBack(rateLimitKey(address));
    if (boardId) await this.byBoard.giveBack(boardId);
  }

  /** A token was wrong: counts it, and throws 429 instead of the caller's 401 once a limit is passed. */
  async tokenRefused(address: string, boardId: BoardId): Promise<void> {
    await this.take(address, boardId);
  }

  private async take(address: string, boardId: BoardId | null): Promise<void> {
    const fromAddress = await this.byAddress.take(rateLimitKey(address));
    if (fromAddress) throw this.refuse(fromAddress, REFUSAL_MESSAGE, { address, boardId, limit: this.byAddress.name });
    const onBoard = boardId ? await this.byBoard.take(boardId) : null;
    if (onBoard) throw this.refuse(onBoard, BOARD_REFUSAL_MESSAGE, { address, boardId, limit: this.byBoard.name });
  }

  private refuse(refusal: LimitRefusal, message: string, context: { address: string; boardId: BoardId | null; limit: string }) {
    // Once a window: a flood of guesses must not become a flood of log lines.
    if (refusal.first) this.log.warn({ ...context, retryAfterSeconds: refusal.retryAfterSeconds }, 'too many failed join attempts: refusing them for a while');
    return tooManyRequests(refusal, message);
  }
}
