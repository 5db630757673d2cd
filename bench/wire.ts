import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncMessageType } from '../shared/protocol';

/**
 * The y-websocket wire format, as the load generator's raw sockets speak it,
 * and the one decoding path every receiving client shares. The same
 * broadcast reaches every client of a room as identical bytes, so each
 * distinct message is decoded once and the answer reused by the other
 * receivers: without that, the harness would spend N times the server's
 * effort on decoding and become the bottleneck it is meant to measure.
 */

/** Sync step 1 with an empty state vector: "send me everything". */
export function encodeSyncStep1Empty(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, SyncMessageType.step1);
  encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
  return encoding.toUint8Array(encoder);
}

/** An awareness message with one client's state, encoded as y-protocols/awareness does. */
export function encodeAwareness(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
  return encoding.toUint8Array(encoder);
}

/** The payload of a sync message (step 1's state vector, step 2's or an update's update). */
export function syncPayload(message: Uint8Array): Uint8Array {
  const decoder = decoding.createDecoder(message);
  decoding.readVarUint(decoder);
  decoding.readVarUint(decoder);
  return decoding.readVarUint8Array(decoder);
}

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
export interface AwarenessEntry {
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
const awarenessCache = new DecodeCache<AwarenessEntry[]>(20_000);

/**
 * Which clients' structs an update message carries, and their clock ranges.
 * This is what makes the latency server-agnostic: whatever a server does to
 * updates on the way (ours merges those of one event-loop turn), the ids of
 * the structs survive, and each id maps back to the writer's send time.
 */
export function updateRanges(message: Buffer): ClientRange[] {
  return updateCache.get(message, (bytes) => {
    const { from, to } = Y.parseUpdateMeta(syncPayload(bytes));
    const ranges: ClientRange[] = [];
    for (const [clientId, end] of to) ranges.push({ clientId, from: from.get(clientId) ?? 0, to: end });
    return ranges;
  });
}

/** The entries of an awareness message (the states themselves are not read). */
export function awarenessEntries(message: Buffer): AwarenessEntry[] {
  return awarenessCache.get(message, (bytes) => {
    const outer = decoding.createDecoder(bytes);
    decoding.readVarUint(outer);
    const decoder = decoding.createDecoder(decoding.readVarUint8Array(outer));
    const entries: AwarenessEntry[] = [];
    for (let count = decoding.readVarUint(decoder); count > 0; count--) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      decoding.readVarUint8Array(decoder);
      entries.push({ clientId, clock });
    }
    return entries;
  });
}

/** How often the shared decoding path found a message already decoded (for the log). */
export function cacheStats(): { updates: { hits: number; misses: number }; awareness: { hits: number; misses: number } } {
  return {
    updates: { hits: updateCache.hits, misses: updateCache.misses },
    awareness: { hits: awarenessCache.hits, misses: awarenessCache.misses },
  };
}
