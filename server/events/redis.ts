import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The two connections a process keeps to Redis when `REDIS_URL` is set
 * (docs/storage.md, "Redis: events and limits, never data"): one for
 * commands (publishing board events, counting rate limits) and one that
 * only listens, since a subscribed Redis connection may run nothing else.
 *
 * Redis is never on the durability path, so nothing here waits for it: the
 * server starts, serves and stores while Redis is down. ioredis reconnects
 * by itself (every 50 ms more per attempt, at most 2 s apart) and a
 * subscriber subscribes again once it is back.
 */
export class RedisConnections {
  /** Publishing and rate limits. No offline queue: a command while Redis is down fails at once, so a limit falls back to its in-memory insurance and an event is dropped, rather than piling up. */
  readonly commands: Redis;
  /** Board events arriving. Its commands (SUBSCRIBE) do queue, so a subscription made while Redis is down is made once it answers. */
  readonly subscriber: Redis;
  private closing = false;

  /** `prefix` (REDIS_PREFIX) names the connections too, `<prefix>commands` and `<prefix>events`, for Redis's CLIENT LIST. */
  constructor(url: string, prefix: string, log: Logger) {
    this.commands = new Redis(url, {
      connectionName: `${prefix}commands`,
      lazyConnect: true,
      enableOfflineQueue: false,
      // A Redis that accepts connections but does not answer must not hold a request up: the limit's insurance answers instead.
      commandTimeout: 1000,
      maxRetriesPerRequest: 1,
    });
    this.subscriber = new Redis(url, { connectionName: `${prefix}events`, lazyConnect: true, autoResubscribe: true, maxRetriesPerRequest: null });
    watch(this.commands, 'commands', log, () => this.closing);
    watch(this.subscriber, 'events', log, () => this.closing);
  }

  /**
   * Starts connecting, without waiting: made once the server's storage is
   * open, so a start that fails before has no connection to close. A first
   * attempt that fails is retried like a lost connection.
   */
  connect(): void {
    for (const client of [this.commands, this.subscriber]) if (client.status === 'wait') client.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    // disconnect, not quit: quit waits for an answer Redis may never give while it is down.
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}

/**
 * Logs a connection's state changes once each, never the URL (it may hold a
 * password): lost (warning), back (info). The errors of each failed
 * reconnect in between go to debug, so an outage is two lines, not one a
 * retry. An `error` listener must exist, or ioredis's errors would be thrown.
 */
function watch(client: Redis, role: string, log: Logger, closing: () => boolean): void {
  let down = false;
  let everReady = false;
  client.on('ready', () => {
    if (down) log.info({ redis: role }, 'Redis is back: board events and shared rate limits resume');
    else if (!everReady) log.debug({ redis: role }, 'connected to Redis');
    down = false;
    everReady = true;
  });
  client.on('error', (error: Error) => {
    if (closing()) return;
    if (down) {
      log.debug({ redis: role, err: error }, 'Redis still unreachable');
      return;
    }
    down = true;
    log.warn(
      { redis: role, err: error },
      'Redis is unreachable: serving and storing go on; board events are not passed to other processes and rate limits count in this process only until it is back',
    );
  });
  client.on('close', () => {
    if (everReady && !down && !closing()) {
      down = true;
      log.warn({ redis: role }, 'lost the connection to Redis; reconnecting');
    }
  });
}
