import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config';
import { CREATION_SECRET_HEADER } from '../../shared/schema/api';
import { AttemptLimit, clientAddress, type LimitStore, memoryLimits, rateLimitKey, tooManyRequests } from './rateLimits';
import { HttpError } from './respond';

const HOUR_SECONDS = 60 * 60;

/**
 * Who may create boards, and how many (docs/server-promises.md, "Limits"):
 * the addresses in `creationAllowedAddresses` when set, holding the
 * `creationSecret` when set, at most `boardCreationsPerHour` an address.
 */
export class BoardCreationGate {
  private readonly allowed: BlockList | null;
  private readonly perAddress: AttemptLimit;
  private readonly secretHash: Buffer | null;

  /** Throws at start when an entry of `creationAllowedAddresses` is neither an address nor a CIDR range. */
  constructor(
    private readonly config: Pick<ServerConfig, 'trustProxy' | 'boardCreationsPerHour' | 'creationSecret' | 'creationAllowedAddresses'>,
    private readonly log: Logger,
    /** Where the hourly count is kept: Redis with REDIS_URL, so it holds across processes (docs/storage.md). */
    store: LimitStore = memoryLimits,
  ) {
    this.allowed = config.creationAllowedAddresses ? addressList(config.creationAllowedAddresses) : null;
    this.perAddress = new AttemptLimit('board-creations-address', config.boardCreationsPerHour, HOUR_SECONDS, store);
    this.secretHash = config.creationSecret === null ? null : digest(config.creationSecret);
  }

  /**
   * Lets a creation through or throws why not: 403 for an address not
   * allowed, 429 past the hourly limit (wrong secrets count too), 403 with
   * `needs: 'creation-secret'` for a missing or wrong secret.
   */
  async admit(req: IncomingMessage, bodySecret: string | undefined): Promise<void> {
    const address = clientAddress(req, this.config.trustProxy);
    if (this.allowed && !this.allowed.check(address, isIPv6(address) ? 'ipv6' : 'ipv4')) {
      this.log.warn({ address }, 'refused to create a board for an address not in CREATION_ALLOWED_ADDRESSES');
      throw new HttpError(403, 'New workshops cannot be created from this network. Ask your IT team which address to use.');
    }
    const refusal = await this.perAddress.take(rateLimitKey(address));
    if (refusal) {
      if (refusal.first) this.log.warn({ address, retryAfterSeconds: refusal.retryAfterSeconds }, 'too many boards created from one address');
      throw tooManyRequests(refusal, 'Too many workshops have been created from here in the last hour.');
    }
    if (this.secretHash) {
      const header = req.headers[CREATION_SECRET_HEADER];
      const presented = typeof header === 'string' && header ? header : bodySecret;
      if (!presented || !timingSafeEqual(digest(presented), this.secretHash)) {
        throw new HttpError(403, presented ? 'That creation secret is not right.' : 'Creating a workshop on this server needs its creation secret.', {
          needs: 'creation-secret',
        });
      }
    }
  }
}

/** Hashed first, so the comparison takes as long whatever the lengths. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Exact addresses and CIDR ranges (`10.20.0.0/16`, `2001:db8::/32`), IPv4 and IPv6. */
function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const prefix = prefixText === undefined ? null : Number(prefixText);
    const maxPrefix = family === 'ipv4' ? 32 : 128;
    if (!family || (prefix !== null && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= maxPrefix && /^\d+$/.test(prefixText!)))) {
      throw new Error(`CREATION_ALLOWED_ADDRESSES: "${entry}" is not an IP address or a CIDR range like 10.20.0.0/16`);
    }
    if (prefix === null) list.addAddress(address, family);
    else list.addSubnet(address, prefix, family);
  }
  return list;
}
