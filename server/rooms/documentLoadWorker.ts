import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import pino from 'pino';
import type { BoardRecord } from '../persistence/types';
import { encodeInChunks, type LoadRequest, type LoadResponse, type PreparationSpec } from './documentLoader';
import { boardPolicy, privatePolicy, type RoomPolicy } from './policies';

/**
 * The document loader's worker thread (server/rooms/documentLoader.ts): it
 * applies the stored parts to a Y.Doc of its own, re-encodes it as small
 * updates for the room to apply a turn at a time, then runs the policy's
 * preparation on its copy to learn whether it changes the document.
 */

function policyOf(spec: PreparationSpec): RoomPolicy {
  // Only what preparing a board reads (its id, title and creation time): no token reaches the worker.
  return spec.kind === 'board' ? boardPolicy(spec.board as BoardRecord) : privatePolicy;
}

function load({ parts, preparation }: LoadRequest): LoadResponse {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const part of parts) Y.applyUpdate(doc, part);
  });
  const chunks = encodeInChunks(doc);
  let prepareChanges = true;
  if (preparation) {
    let changed = false;
    doc.on('update', () => (changed = true));
    policyOf(preparation).prepare(doc, pino({ enabled: false }));
    prepareChanges = changed;
  }
  return { ok: true, chunks, prepareChanges };
}

let response: LoadResponse;
try {
  response = load(workerData as LoadRequest);
} catch (error) {
  response = { ok: false, error: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(response, response.ok ? response.chunks.map((chunk) => chunk.buffer as ArrayBuffer) : []);
