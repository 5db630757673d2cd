/**
 * What the repair at load (server/rooms/documentRepair.ts) costs: on a clean
 * board, where it must find nothing quickly, and on a board holding a note
 * nested 20,000 Y.Maps deep, for the figures in docs/server-promises.md
 * ("Hostile documents"):
 *   node --import tsx scripts/measure-document-repair.ts [notes]
 * The clean board is the benchmark's big board: 10,000 notes unless told otherwise.
 */
import * as Y from 'yjs';
import { repairDocument } from '../server/rooms/documentRepair';
import { notesMap } from '../shared/document/doc';
import { BOARD_LAYOUT } from '../shared/document/layout';
import { addNote } from '../shared/document/notes';

const notes = Number(process.argv[2] ?? 10_000);
const RUNS = 5;

function loaded(write: (doc: Y.Doc) => void): Y.Doc {
  const source = new Y.Doc();
  write(source);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  return doc;
}

function writeNotes(doc: Y.Doc): void {
  doc.transact(() => {
    for (let n = 1; n <= notes; n++) {
      addNote(doc, { x: (n * 37) % 2000, y: (n * 53) % 1200, text: `Note ${n}: staff would stay if rotas were agreed earlier.`, authorId: null, authorName: `Participant ${(n % 40) + 1}` });
    }
  });
}

const clean = loaded(writeNotes);
const cleanMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  if (repairDocument(clean, BOARD_LAYOUT) !== null) throw new Error('the clean board was repaired');
  cleanMs.push(performance.now() - started);
}
cleanMs.sort((a, b) => a - b);
console.log(`clean board of ${notes} notes: nothing to repair, median ${cleanMs[RUNS >> 1]!.toFixed(1)} ms of ${RUNS} runs`);

const hostile = loaded((doc) => {
  writeNotes(doc);
  doc.transact(() => {
    const record = notesMap(doc).get(notesMap(doc).keys().next().value!)!;
    let at: Y.Map<unknown> = record;
    let field = 'colour';
    for (let level = 0; level < 20_000; level++) {
      const child = new Y.Map<unknown>();
      at.set(field, child);
      at = child;
      field = 'deeper';
    }
  });
});
const started = performance.now();
const counts = repairDocument(hostile, BOARD_LAYOUT);
console.log(`the same board with one note's colour nested 20,000 deep: ${counts?.items} items deleted in ${(performance.now() - started).toFixed(0)} ms`);
