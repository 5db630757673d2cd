import type { Logger } from 'pino';
import { z } from 'zod';
import { type BoardId, isBoardId } from '../../shared/schema/ids';

/**
 * What every server process must hear about a board, whichever process it
 * happened on (docs/storage.md, "Redis: events and limits, never data").
 * Events are news, never the record: what they announce is already in
 * storage when they are published, so one that is lost (Redis down) loses no
 * data, only the other processes' prompt reaction to it.
 */

const boardIdSchema = z.string().refine(isBoardId, 'not a board id').transform((id) => id as BoardId);

export const boardEventSchema = z.discriminatedUnion('type', [
  /** The board is deleted: every process closes its rooms' sockets with 4404 and forgets them. */
  z.object({ type: z.literal('board-deleted'), boardId: boardIdSchema }),
  /** A check-in board was started from `boardId` (server/http/checkIns.ts). */
  z.object({ type: z.literal('check-in-created'), boardId: boardIdSchema, checkInId: boardIdSchema }),
]);

export type BoardEvent = z.infer<typeof boardEventSchema>;
export type BoardEventHandler = (event: BoardEvent) => void;

/** Board events, published by one process and heard by every process's subscribers, this one's included. */
export interface BoardEvents {
  /** Never throws and never waits: an event that cannot be sent is dropped with a warning. */
  publish(event: BoardEvent): void;
  /** Calls the handler for every event from now on; returns the function that stops it. */
  subscribe(handler: BoardEventHandler): () => void;
  close(): Promise<void>;
}

/** Calls each handler in turn; one that throws is logged and the others still hear the event. */
export class Subscribers {
  private readonly handlers = new Set<BoardEventHandler>();

  constructor(private readonly log: Logger) {}

  add(handler: BoardEventHandler): () => void {
    // Wrapped, so one handler subscribed twice is two subscriptions, each removed on its own.
    const entry: BoardEventHandler = (event) => handler(event);
    this.handlers.add(entry);
    return () => this.handlers.delete(entry);
  }

  deliver(event: BoardEvent): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type, boardId: event.boardId }, 'a board event handler failed');
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}

/**
 * One process, the default: an event reaches this process's own subscribers,
 * at once and in order, and nobody else (there is nobody else).
 */
export class InProcessBoardEvents implements BoardEvents {
  private readonly subscribers: Subscribers;
  private closed = false;

  constructor(log: Logger) {
    this.subscribers = new Subscribers(log);
  }

  publish(event: BoardEvent): void {
    if (!this.closed) this.subscribers.deliver(event);
  }

  subscribe(handler: BoardEventHandler): () => void {
    return this.subscribers.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
  }
}
