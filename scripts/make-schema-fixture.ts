/**
 * Writes the frozen fixture of the current schema version to tests/fixtures/.
 * Run once when a schema version is released (`node --import tsx
 * scripts/make-schema-fixture.ts`), then never again for that version: the
 * fixture is what an old board on a trust's disk looks like, and every later
 * release must still migrate it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { initBoard } from '../shared/board/board';
import { addNote } from '../shared/board/notes';
import { CURRENT_SCHEMA_VERSION } from '../shared/schema/version';
import type { NoteId, ParticipantId } from '../shared/schema/ids';

const target = path.resolve(import.meta.dirname, `../tests/fixtures/board-schema-v${CURRENT_SCHEMA_VERSION}.bin`);
if (fs.existsSync(target)) {
  console.error(`${target} exists: fixtures of released versions are frozen.`);
  process.exit(1);
}
const doc = new Y.Doc();
doc.clientID = 1;
initBoard(doc, { title: 'Retention workshop (fixture)', createdAt: Date.UTC(2026, 10, 1, 9, 0) });
addNote(doc, {
  id: 'fixture-note-1' as NoteId,
  text: 'Staff say rotas arrive too late to plan childcare',
  x: 120,
  y: 80,
  colour: 'yellow',
  authorId: 'fixture-person' as ParticipantId,
  authorName: 'Line manager',
  now: Date.UTC(2026, 10, 1, 9, 5),
});
addNote(doc, {
  id: 'fixture-note-2' as NoteId,
  text: 'Exit interview data goes to the board twice a year',
  x: 420,
  y: 80,
  colour: 'blue',
  authorId: null,
  authorName: 'Board member',
  now: Date.UTC(2026, 10, 1, 9, 6),
});
fs.writeFileSync(target, Y.encodeStateAsUpdate(doc));
console.log(`wrote ${target}`);
