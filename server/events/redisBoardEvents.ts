import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type BoardEvent, type BoardEventHandler, type BoardEvents, boardEventSchema, Subscribers } from './boardEvents';

/**
 * Board events through Redis pub/sub, for several server processes
 * (docs/storage.md, "Redis: events and limits, never data"): one channel,
 * one JSON message an event. The publishing process delivers to its own
 * subscribers at once, without Redis, and ignores its own messages when
 * they come back, so a process always hears what it published, even while
 * Redis is down; the other processes hear it only through Redis.
 */

/** What goes over the channel: the event and which process sent it. */
const messageSchema = z.object({ origin: z.string().min(1).max(100), event: boardEventSchema });
export type BoardEventMessage = z.infer<typeof messageSchema>;

/**
 * Reads a message from the channel: null, logged, for one that is not JSON
 * or not an event (another program on the channel, or a newer release
 * during a rolling upgrade): it is skipped and nothing throws.
 */
export function readBoardEventMessage(text: string, log: Logger): BoardEventMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log.warn({ bytes: text.length }, 'skipped a board event that is not JSON');
    return null;
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    // The issues' paths and codes only: a message's values are not ours to log.
    log.warn({ issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`) }, 'skipped a board event that does not read');
    return null;
  }
  return parsed.data;
}

export class RedisBoardEvents implements BoardEvents {
  private readonly origin = randomUUID();
  private readonly subscribers: Subscribers;
  private readonly onMessage = (channel: string, text: string) => {
    if (channel !== this.channel || this.closed) return;
    const message = readBoardEventMessage(text, this.log);
    if (!message || message.origin === this.origin) return;
    this.subscribers.deliver(message.event);
  };
  private closed = false;

  /**
   * @param publisher a connection without an offline queue (server/events/redis.ts)
   * @param subscriber a connection given over to listening
   */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly channel: string,
    private readonly log: Logger,
  ) {
    this.subscribers = new Subscribers(log);
    subscriber.on('message', this.onMessage);
    subscriber.subscribe(channel).catch((error: unknown) => log.warn({ err: error }, 'could not subscribe to board events; ioredis subscribes again when it reconnects'));
  }

  publish(event: BoardEvent): void {
    if (this.closed) return;
    this.subscribers.deliver(event);
    if (this.publisher.status !== 'ready') {
      this.log.warn({ event: event.type, boardId: event.boardId }, 'Redis is down: a board event was not passed to other processes');
      return;
    }
    const message: BoardEventMessage = { origin: this.origin, event };
    this.publisher.publish(this.channel, JSON.stringify(message)).catch((error: unknown) => {
      this.log.warn({ err: error, event: event.type, boardId: event.boardId }, 'could not publish a board event: it was not passed to other processes');
    });
  }

  subscribe(handler: BoardEventHandler): () => void {
    return this.subscribers.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    this.subscriber.off('message', this.onMessage);
    // Not awaited: a Redis that is down or hung must not hold the shutdown up, and the connection's owner closes it next.
    if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }
}
