import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { ownBuffer, startWorker } from '../workerThreads';

/**
 * Loading a big document without holding the event loop (docs/performance.md,
 * "Changed"; docs/server-promises.md, "Sync"). Applying a 3.7 MB board
 * (10,000 notes) to a Y.Doc in one call, then the policy's look over it
 * (server/rooms/policies.ts) and the trim (server/rooms/documentMemory.ts),
 * held every other board for about 60 ms ("longest probe echo during the
 * cold join" in `npm run bench`'s big-board scenario, before this). So a document stored as more than
 * `CHUNKED_LOAD_BYTES` is read in a worker thread (documentLoadWorker.ts):
 * it applies the stored parts to a Y.Doc of its own, re-encodes that
 * document as a sequence of small updates (`encodeInChunks`), and runs the
 * policy's preparation there to learn whether it would change anything. The
 * room then applies the small updates one an event-loop turn, trims the
 * values in bounded slices, and only prepares the document itself when the
 * worker found that preparing changes it (a board to initialise, migrate or
 * repair: rare, and paid once). Smaller documents, most boards, are applied
 * at once as before, and so is a big one whose worker failed (out of
 * memory, say): slower for everyone, but the board still opens.
 */

/** Stored documents larger than this (all parts together) are loaded in chunks; smaller ones at once. */
export const CHUNKED_LOAD_BYTES = 256 * 1024;

/** Structs written to one chunk at most, and the content length (characters, values) they may hold together. */
const CHUNK_STRUCTS = 1000;
const CHUNK_CONTENT = 16 * 1024;
/** Delete-set ranges written to one chunk at most. */
const CHUNK_DELETE_RANGES = 4000;
/** Structs whose values are trimmed in one turn. */
const TRIM_STRUCTS_PER_TURN = 10_000;

/** Which policy prepares the document, as the worker rebuilds it (a policy is code, and does not cross threads). */
export type PreparationSpec = { kind: 'board'; board: { id: string; title: string; createdAt: number } } | { kind: 'private' };

/** What the worker is given. */
export interface LoadRequest {
  parts: Uint8Array[];
  preparation: PreparationSpec | null;
}

/** What the worker answers. */
export type LoadResponse =
  | { ok: true; chunks: Uint8Array[]; prepareChanges: boolean }
  | { ok: false; error: string };

/** What a chunked load did, for the room's log and for tests. */
export interface ChunkedLoad {
  chunks: number;
  /** Event-loop turns the main thread spent applying and trimming (each bounded). */
  turns: number;
  /** Whether the policy's preparation would change the document (then the room prepares it itself). */
  prepareChanges: boolean;
}

type Struct = Y.Item | Y.GC;

/** A run of one client's structs, by index into its struct array: [from, to). */
interface Run {
  client: number;
  from: number;
  to: number;
}

/**
 * Re-encodes a whole document as a sequence of updates that, applied in
 * order to an empty document, give the same document, each holding at most
 * `CHUNK_STRUCTS` structs (or `CHUNK_CONTENT` of content, unless one struct
 * alone is bigger), written as Yjs's own writeStructs does. Structs are
 * written only once what they refer to (their left and right origins, and
 * their parent) has been written, so no update leaves anything pending; the
 * delete set follows in updates of its own.
 */
export function encodeInChunks(doc: Y.Doc, limits = { structs: CHUNK_STRUCTS, content: CHUNK_CONTENT, deleteRanges: CHUNK_DELETE_RANGES }): Uint8Array[] {
  const store = doc.store;
  // Higher client ids first, as Yjs writes them.
  const clients = [...store.clients.keys()].sort((a, b) => b - a);
  const written = new Map<number, number>();
  const next = new Map<number, number>();
  for (const client of clients) {
    written.set(client, 0);
    next.set(client, 0);
  }
  const has = (id: Y.ID | null): boolean => id === null || (written.get(id.client) ?? 0) > id.clock;
  const ready = (struct: Struct): boolean => {
    if (!(struct instanceof Y.Item)) return true;
    if (!has(struct.origin) || !has(struct.rightOrigin)) return false;
    if (struct.origin === null && struct.rightOrigin === null) {
      const parent = struct.parent as Y.AbstractType<unknown> | Y.ID | string | null;
      if (parent instanceof Y.AbstractType && parent._item) return has(parent._item.id);
      if (parent instanceof Y.ID) return has(parent);
    }
    return true;
  };
  const chunks: Uint8Array[] = [];
  let runs = new Map<number, Run>();
  let structs = 0;
  let content = 0;
  const flush = (): void => {
    if (runs.size === 0) return;
    chunks.push(writeRuns(store, [...runs.values()]));
    runs = new Map();
    structs = 0;
    content = 0;
  };
  let remaining = clients.filter((client) => store.clients.get(client)!.length > 0);
  while (remaining.length > 0) {
    let progressed = false;
    for (const client of remaining) {
      const list = store.clients.get(client)! as Struct[];
      let index = next.get(client)!;
      while (index < list.length && ready(list[index]!)) {
        const struct = list[index]!;
        const run = runs.get(client);
        if (run) run.to = index + 1;
        else runs.set(client, { client, from: index, to: index + 1 });
        written.set(client, struct.id.clock + struct.length);
        index++;
        structs++;
        content += struct.length;
        progressed = true;
        if (structs >= limits.structs || content >= limits.content) {
          next.set(client, index);
          flush();
        }
      }
      next.set(client, index);
    }
    remaining = remaining.filter((client) => next.get(client)! < store.clients.get(client)!.length);
    if (!progressed && remaining.length > 0) {
      // Cannot happen for a document Yjs built; written as it is, Yjs holds back what waits (the room checks nothing does at the end).
      flush();
      for (const client of remaining) runs.set(client, { client, from: next.get(client)!, to: store.clients.get(client)!.length });
      flush();
      break;
    }
  }
  flush();
  chunks.push(...encodeDeleteSetInChunks(Y.createDeleteSetFromStructStore(store), limits.deleteRanges));
  return chunks;
}

/** One update holding the given runs of structs (at most one run a client) and an empty delete set. */
function writeRuns(store: Y.Doc['store'], runs: Run[]): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, runs.length);
  for (const { client, from, to } of runs) {
    const list = store.clients.get(client)! as Struct[];
    encoding.writeVarUint(encoder.restEncoder, to - from);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[from]!.id.clock);
    for (let i = from; i < to; i++) list[i]!.write(encoder, 0);
  }
  // No deletions.
  encoding.writeVarUint(encoder.restEncoder, 0);
  return encoder.toUint8Array();
}

/** The delete set as updates of no structs, each with at most `maxRanges` ranges. */
function encodeDeleteSetInChunks(ds: ReturnType<typeof Y.createDeleteSetFromStructStore>, maxRanges: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let batch: [number, { clock: number; len: number }[]][] = [];
  let ranges = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, 0);
    encoding.writeVarUint(encoder.restEncoder, batch.length);
    for (const [client, items] of batch) {
      encoder.resetDsCurVal();
      encoding.writeVarUint(encoder.restEncoder, client);
      encoding.writeVarUint(encoder.restEncoder, items.length);
      for (const item of items) {
        encoder.writeDsClock(item.clock);
        encoder.writeDsLen(item.len);
      }
    }
    chunks.push(encoder.toUint8Array());
    batch = [];
    ranges = 0;
  };
  for (const [client, items] of [...ds.clients.entries()].sort((a, b) => b[0] - a[0])) {
    for (let start = 0; start < items.length; start += maxRanges) {
      const slice = items.slice(start, start + maxRanges);
      if (ranges + slice.length > maxRanges) flush();
      batch.push([client, slice]);
      ranges += slice.length;
    }
  }
  flush();
  return chunks;
}

/** The worker could not read the document; nothing of it was applied, so the room may apply the parts itself. */
export class LoaderWorkerError extends Error {
  constructor(readonly reason: unknown) {
    super(`the document loader failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'LoaderWorkerError';
  }
}

/**
 * Reads stored parts in the worker thread and applies what it answers to
 * `doc` a chunk a turn, trimming the values after (documentMemory.ts), a
 * bounded slice a turn. Throws LoaderWorkerError if the worker fails (then
 * nothing was applied yet); throws otherwise if anything is left pending at
 * the end (the document would not be the stored one): the doc is then
 * unusable and the room must not be served.
 */
export async function loadInChunks(doc: Y.Doc, parts: Uint8Array[], preparation: PreparationSpec | null, origin: unknown): Promise<ChunkedLoad> {
  let response: { chunks: Uint8Array[]; prepareChanges: boolean };
  try {
    response = await runWorker({ parts, preparation });
  } catch (error) {
    throw new LoaderWorkerError(error);
  }
  let turns = 0;
  const { chunks } = response;
  for (let i = 0; i < chunks.length; i++) {
    Y.applyUpdate(doc, chunks[i]!, origin);
    // Each chunk may go as soon as it is applied.
    chunks[i] = EMPTY;
    turns++;
    await nextTurn();
  }
  if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
    throw new Error('a chunked load left parts of the document pending: its chunks were not in an order Yjs can apply');
  }
  for (const slice of trimInSlices(doc)) {
    void slice;
    turns++;
    await nextTurn();
  }
  return { chunks: chunks.length, turns, prepareChanges: response.prepareChanges };
}

const EMPTY = new Uint8Array(0);

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** trimLoadedDocument (server/rooms/documentMemory.ts), `TRIM_STRUCTS_PER_TURN` structs at a time: yields between slices. */
function* trimInSlices(doc: Y.Doc): Generator<void> {
  let count = 0;
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) {
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentAny) struct.content.arr = struct.content.arr.slice();
      if (++count % TRIM_STRUCTS_PER_TURN === 0) yield;
    }
  }
}

/** Starts the loader worker and waits for its answer; the worker ends after it. */
async function runWorker(request: LoadRequest): Promise<{ chunks: Uint8Array[]; prepareChanges: boolean }> {
  // Every part is sent whole, moved rather than copied where it owns its buffer.
  const parts = request.parts.map(ownBuffer);
  const worker = startLoadWorker({ ...request, parts }, parts.map((part) => part.buffer as ArrayBuffer));
  try {
    const response = await new Promise<LoadResponse>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the document loader exited (${code}) before answering`)));
    });
    if (!response.ok) throw new Error(`the document loader failed: ${response.error}`);
    return response;
  } finally {
    void worker.terminate();
  }
}

/** The loader worker (server/workerThreads.ts says where it is found, compiled or from source). */
function startLoadWorker(request: LoadRequest, transferList: ArrayBuffer[]): Worker {
  return startWorker({ compiled: 'documentLoadWorker.js', source: path.join(import.meta.dirname, 'documentLoadWorker.ts') }, { workerData: request, transferList });
}
