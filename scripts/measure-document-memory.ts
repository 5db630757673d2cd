/**
 * How much heap a board loaded from storage holds, before and after the
 * server trims its value arrays (server/rooms/documentMemory.ts), and how long
 * the trim takes, so the figures in that file's comment can be reproduced:
 *   node --expose-gc --import tsx scripts/measure-document-memory.ts [notes]
 * The board is the benchmark's big board: 10,000 notes unless told otherwise.
 */
import * as Y from 'yjs';
import { addNote } from '../shared/document/notes';
import { trimLoadedDocument } from '../server/rooms/documentMemory';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (see the comment at the top)');
const notes = Number(process.argv[2] ?? 10_000);

const source = new Y.Doc();
for (let written = 0; written < notes; written += 100) {
  source.transact(() => {
    for (let n = written + 1; n <= Math.min(notes, written + 100); n++) {
      addNote(source, { x: (n * 37) % 2000, y: (n * 53) % 1200, text: `Note ${n}: staff would stay if rotas were agreed earlier and handovers had protected time.`, authorId: null, authorName: `Participant ${(n % 40) + 1}` });
    }
  });
}
const stored = Y.encodeStateAsUpdate(source);
source.destroy();

const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const before = heapMb();
const loaded = new Y.Doc();
Y.applyUpdate(loaded, stored);
const afterLoad = heapMb();
const started = performance.now();
trimLoadedDocument(loaded);
const trimMs = performance.now() - started;
const afterTrim = heapMb();
console.log(`${notes} notes, ${Math.round(stored.byteLength / 1024)} KiB stored`);
console.log(`document heap as loaded: ${(afterLoad - before).toFixed(1)} MB; after the trim: ${(afterTrim - before).toFixed(1)} MB (the trim took ${trimMs.toFixed(1)} ms)`);
// Keeps the document alive to here, so the collector cannot take it before the last reading.
if (Y.encodeStateVector(loaded).byteLength === 0) console.log('empty document');
