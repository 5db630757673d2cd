/**
 * Times two paths that run on every change, so their figures in notes and
 * docs can be reproduced:
 *   node --import tsx scripts/measure-hot-paths.ts
 * 1. Re-reading a 1,000-note board after one edit, in full (readNotes) and
 *    through the NoteIndex the client uses.
 * 2. The SQLite store's append of one update per event-loop turn, to one
 *    board whose log already holds 400 updates (fsync included).
 * 3. The server's check of where an update writes (writeGuard), run on every
 *    update a facilitator or participant sends: a note's text edit on a
 *    1,000-note board, and a reconnecting client's whole history.
 * Wall-clock figures on a shared machine: compare them within one run.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { addNote, NoteIndex, readNotes, updateNote } from '../shared/document/notes';
import type { BoardId, NoteId } from '../shared/schema/ids';
import { SqliteStorage } from '../server/persistence/sqlite';
import { locateUpdate } from '../server/rooms/writeGuard';

const NOTES = 1000;
const EDITS = 300;
const APPENDS = 300;

function timePerCall(calls: number, run: (i: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) run(i);
  return (performance.now() - start) / calls;
}

function measureNoteReads(): void {
  const doc = new Y.Doc();
  const index = new NoteIndex(doc);
  doc.on('afterTransaction', (tr: Y.Transaction) => index.noteTransaction(tr));
  const ids: NoteId[] = [];
  for (let i = 0; i < NOTES; i++) {
    ids.push(addNote(doc, { text: `note ${i}: rotas published six weeks ahead`, x: i, y: i, authorId: null, authorName: 'A' }));
  }
  index.readNotes();
  const edit = (i: number) => updateNote(doc, ids[i % NOTES]!, { x: i % 2000 });
  const full = timePerCall(EDITS, (i) => {
    edit(i);
    readNotes(doc);
  });
  const incremental = timePerCall(EDITS, (i) => {
    edit(i + 1);
    index.readNotes();
  });
  console.log(`1,000-note board, one edit then re-read: readNotes ${full.toFixed(3)} ms, NoteIndex ${incremental.toFixed(3)} ms`);
}

async function measureAppends(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'retain-measure-'));
  const storage = new SqliteStorage(dataDir);
  const boardId = 'measurement-board-1' as BoardId;
  const doc = new Y.Doc();
  await storage.createBoard(
    { id: boardId, title: 'x', createdAt: 0, joinCode: null, tokenHashes: { facilitator: Buffer.alloc(32, 1), participant: Buffer.alloc(32, 2), viewer: Buffer.alloc(32, 3) } },
    Y.encodeStateAsUpdate(doc),
  );
  const update = () => {
    const before = Y.encodeStateVector(doc);
    addNote(doc, { text: 'n', x: 0, y: 0, authorId: null, authorName: 'A' });
    return Y.encodeStateAsUpdate(doc, before);
  };
  for (let i = 0; i < 400; i++) await storage.appendUpdate(boardId, update());
  const start = performance.now();
  for (let i = 0; i < APPENDS; i++) await storage.appendUpdate(boardId, update());
  console.log(`SQLite append, one per turn, log of 400+: ${((performance.now() - start) / APPENDS).toFixed(3)} ms each`);
  await storage.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}

function measureWriteGuard(): void {
  const server = new Y.Doc();
  const ids: NoteId[] = [];
  for (let i = 0; i < NOTES; i++) ids.push(addNote(server, { text: `note ${i}`, x: i, y: i, authorId: null, authorName: 'A' }));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  // What a provider sends for each edit: the transaction's own update.
  const edits: Uint8Array[] = [];
  client.on('update', (update: Uint8Array) => edits.push(update));
  for (let i = 0; i < EDITS; i++) updateNote(client, ids[i % NOTES]!, { text: `edited ${i}` });
  const edit = timePerCall(EDITS, (i) => locateUpdate(server, edits[i]!));
  const history = Y.encodeStateAsUpdate(client);
  const replay = timePerCall(20, () => locateUpdate(server, history));
  console.log(`write guard on a 1,000-note board: one text edit ${edit.toFixed(3)} ms, a client's whole history (${history.byteLength} bytes) ${replay.toFixed(2)} ms`);
}

measureNoteReads();
measureWriteGuard();
await measureAppends();
