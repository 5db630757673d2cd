import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './respond';

/**
 * Rate limits for the HTTP API and the sync upgrade (docs/server-promises.md,
 * "Limits"). Counts are kept with rate-limiter-flexible's in-memory store by
 * default (one process); with `REDIS_URL`, in Redis, so that the limits hold
 * across every process together (docs/storage.md, "Redis: events and limits,
 * never data").
 */

/** What a limit is counted in: this process's memory, or Redis shared by every process. */
export interface LimitStore {
  limiter(options: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract;
}

/** One process: counts in memory, the default. */
export const memoryLimits: LimitStore = {
  limiter: (options) => new RateLimiterMemory(options),
};

/**
 * Counts in Redis, under `prefix` (so deployments, or test runs, sharing one
 * Redis keep their counts apart). While Redis is down or slow each limit
 * falls back to an in-memory count of its own (the insurance limiter): the
 * limits then hold per process, as without Redis, and never stop a request
 * for want of Redis. The client should have no offline queue
 * (server/events/redis.ts), so a command while Redis is down fails at once.
 */
export function redisLimits(client: Redis, prefix: string): LimitStore {
  return {
    limiter: (options) =>
      new RateLimiterRedis({
        ...options,
        keyPrefix: `${prefix}${options.keyPrefix}`,
        storeClient: client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
  };
}

/**
 * The address a request comes from, as the limits and the logs see it.
 *
 * Without `trustProxy` it is the socket's peer: `X-Forwarded-For` is written
 * by whoever sends the request and must not pick the bucket they count in.
 * With it, the rightmost entry of `X-Forwarded-For` is taken: the one the
 * reverse proxy in front of Retain appended for the address that connected to
 * it. Entries to its left came with the request and can be forged.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const joined = Array.isArray(header) ? header.join(',') : header;
    const nearest = joined
      ?.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .at(-1);
    if (nearest && (isIPv4(nearest) || isIPv6(nearest))) return withoutIpv4Mapping(nearest);
  }
  return withoutIpv4Mapping(req.socket.remoteAddress ?? 'unknown');
}

/** `::ffff:192.0.2.1` is the IPv4 client 192.0.2.1 reaching a dual-stack socket. */
function withoutIpv4Mapping(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * What an address is counted as. One IPv6 subscriber is usually given a whole
 * /64 network, so counting each of its 2^64 addresses apart would let one
 * client start afresh with every request: an IPv6 client counts as its /64.
 */
export function rateLimitKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** A limit that says no: how long until the next attempt is allowed. */
export interface LimitRefusal {
  retryAfterSeconds: number;
  /** True for the first refusal of a window, so a refusal is logged once, not once per request of a flood. */
  first: boolean;
}

/** A number of attempts per key per window. */
export class AttemptLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    /** Names the limit, for logs and to keep its counts apart from other limits'. */
    readonly name: string,
    readonly attempts: number,
    readonly windowSeconds: number,
    store: LimitStore = memoryLimits,
  ) {
    this.limiter = store.limiter({ keyPrefix: name, points: attempts, duration: windowSeconds });
  }

  /** Counts one attempt for the key; null while the key is within the limit, else the refusal. */
  async take(key: string): Promise<LimitRefusal | null> {
    try {
      await this.limiter.consume(key);
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { retryAfterSeconds: retryAfterSeconds(rejection), first: rejection.consumedPoints === this.attempts + 1 };
    }
  }

  /** Gives back an attempt taken for the key (a code that turned out right is not a failure). */
  async giveBack(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }
}

function retryAfterSeconds(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}

/** In words, for a person: "2 minutes", "40 seconds". */
function waitInWords(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The 429 answer for a refusal: the message, when to try again, and `Retry-After` saying the same to a program. */
export function tooManyRequests(refusal: LimitRefusal, message: string): HttpError {
  return new HttpError(429, `${message} Try again in ${waitInWords(refusal.retryAfterSeconds)}.`, {
    headers: { 'Retry-After': String(refusal.retryAfterSeconds) },
  });
}
