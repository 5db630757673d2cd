import * as Y from 'yjs';
import { decodeAwarenessUpdate, decodeMessage } from '../shared/protocol';

/**
 * The one decoding path every receiving client of the load generator
 * shares, reading messages with the codec (shared/protocol.ts). The same broadcast reaches every client of a room as
 * identical bytes, so each distinct message is decoded once and the answer
 * reused by the other receivers: without that, the harness would spend N
 * times the server's effort on decoding and become the bottleneck it is
 * meant to measure.
 */

/** The clock range of one client's structs in an update: [from, to). */
export interface ClientRange {
  clientId: number;
  from: number;
  to: number;
}

/**
 * One entry of an awareness message, reduced to what the harness reads back:
 * whose state it is and its clock. The sender keeps when it sent each clock
 * (servers may rebuild the state itself: ours keeps only the cursor and
 * stamps the person from the connection), so the send time is found by the
 * clock, never read from the state.
 */
export interface AwarenessStamp {
  clientId: number;
  clock: number;
}

/**
 * A cache of decoded messages, found by their bytes. Hashing a whole
 * message for every receiver would cost as much as the decoding it saves
 * (a server that batches presence sends messages of tens of kB), so the key
 * is only the length and the first and last bytes, and a hit is confirmed by
 * comparing the bytes in full, which is a native memcmp. Two generations:
 * when the current one fills, it becomes the old one, so a message stays
 * cached while the server is still delivering it to the rest of the room.
 */
class DecodeCache<T> {
  private current = new Map<string, { bytes: Buffer; value: T }[]>();
  private previous = new Map<string, { bytes: Buffer; value: T }[]>();
  private size = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(message: Buffer, decode: (message: Buffer) => T): T {
    const key = cacheKey(message);
    const found = this.find(this.current.get(key), message) ?? this.find(this.previous.get(key), message);
    if (found !== undefined) {
      this.hits++;
      return found;
    }
    this.misses++;
    const value = decode(message);
    if (message.byteLength > MAX_CACHED_BYTES) return value;
    // A copy: the message is a view on the socket's read buffer, which must not be kept alive with it.
    const entry = { bytes: Buffer.from(message), value };
    const bucket = this.current.get(key);
    if (bucket) bucket.push(entry);
    else this.current.set(key, [entry]);
    if (++this.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
      this.size = 0;
    }
    return value;
  }

  private find(bucket: { bytes: Buffer; value: T }[] | undefined, message: Buffer): T | undefined {
    if (!bucket) return undefined;
    for (const entry of bucket) if (entry.bytes.equals(message)) return entry.value;
    return undefined;
  }
}

const KEY_EDGE_BYTES = 48;
/** Larger messages (a board's initial contents) are not shared by a room, so are not worth keeping. */
const MAX_CACHED_BYTES = 256 * 1024;

function cacheKey(message: Buffer): string {
  if (message.byteLength <= 2 * KEY_EDGE_BYTES) return message.toString('latin1');
  return `${message.byteLength}:${message.toString('latin1', 0, KEY_EDGE_BYTES)}${message.toString('latin1', message.byteLength - KEY_EDGE_BYTES)}`;
}

const updateCache = new DecodeCache<ClientRange[]>(20_000);
const awarenessCache = new DecodeCache<AwarenessStamp[]>(20_000);

/**
 * Which clients' structs an update message carries, and their clock ranges.
 * This is what makes the latency server-agnostic: whatever a server does to
 * updates on the way (ours merges those of one event-loop turn), the ids of
 * the structs survive, and each id maps back to the writer's send time.
 */
export function updateRanges(message: Buffer): ClientRange[] {
  return updateCache.get(message, (bytes) => {
    const decoded = decodeMessage(bytes);
    if (decoded.type !== 'syncUpdate' && decoded.type !== 'syncStep2') return [];
    const { from, to } = Y.parseUpdateMeta(decoded.update);
    const ranges: ClientRange[] = [];
    for (const [clientId, end] of to) ranges.push({ clientId, from: from.get(clientId) ?? 0, to: end });
    return ranges;
  });
}

/** The entries of an awareness message: whose state and which clock (the states themselves are not parsed). */
export function awarenessEntries(message: Buffer): AwarenessStamp[] {
  return awarenessCache.get(message, (bytes) => {
    const decoded = decodeMessage(bytes);
    if (decoded.type !== 'awareness') return [];
    // Each state's bytes are a view on the socket's read buffer: left behind, not kept in the cache.
    return decodeAwarenessUpdate(decoded.update).map(({ clientId, clock }) => ({ clientId, clock }));
  });
}

/** How often the shared decoding path found a message already decoded (for the log). */
export function cacheStats(): { updates: { hits: number; misses: number }; awareness: { hits: number; misses: number } } {
  return {
    updates: { hits: updateCache.hits, misses: updateCache.misses },
    awareness: { hits: awarenessCache.hits, misses: awarenessCache.misses },
  };
}
