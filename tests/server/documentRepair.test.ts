import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addAction, addActionSteps } from '../../shared/document/actions';
import { SqliteStorage } from '../../server/persistence/sqlite';
import { privateDocumentName, type DocumentName } from '../../server/persistence/types';
import { repairDocument } from '../../server/rooms/documentRepair';
import { notesMap, topMap } from '../../shared/document/doc';
import { BOARD_LAYOUT } from '../../shared/document/layout';
import { addNote, deleteNote, readNotes } from '../../shared/document/notes';
import { PRIVATE_DOCUMENT_SUFFIX } from '../../shared/protocol';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardId, NoteId, ParticipantId } from '../../shared/schema/ids';
import { HOSTILE_DEPTH, nestMaps } from '../helpers/hostileBoard';
import {
  connectStockClient,
  createBoard,
  eventually,
  makeDataDir,
  registerParticipant,
  startTestServer,
  type StockClient,
  type TestServer,
  whenSynced,
} from '../helpers/server';

/** Building, storing and repairing chains of 20,000 maps takes a few seconds on a busy machine. */
const HOSTILE_TIMEOUT_MS = 60_000;

/** What the hostile parts hold: it must never reach a log line. */
const HIDDEN = 'What the hidden chain says';

const note = (id: string, text: string, createdAt: number) => ({
  id,
  text,
  x: 100,
  y: 100,
  colour: 'yellow',
  authorId: null,
  authorName: '',
  perspectiveId: null,
  themeId: null,
  createdAt,
  updatedAt: createdAt,
});

function putNote(doc: Y.Doc, fields: Record<string, unknown>): Y.Map<unknown> {
  const record = new Y.Map<unknown>();
  notesMap(doc).set(String(fields.id), record);
  for (const [key, value] of Object.entries(fields)) record.set(key, value);
  return record;
}

/** Hangs Y.Maps `HOSTILE_DEPTH` deep under `key`, the deepest holding `HIDDEN`. */
function nestHidden(parent: Y.Map<unknown>, key: string): void {
  nestMaps(parent, key, HOSTILE_DEPTH);
  let deepest = parent.get(key) as Y.Map<unknown>;
  for (let next = deepest.get('deeper'); next instanceof Y.Map; next = deepest.get('deeper')) deepest = next;
  deepest.set('secret', HIDDEN);
}

/**
 * What a board written before the write guard may hold: two good notes; a
 * note whose colour is Y.Maps nested 20,000 deep (its other fields good);
 * a note whose text is such a chain (it does not read without it); and a
 * top-level name the layout does not have, holding another.
 */
function writeDeepNotes(doc: Y.Doc): void {
  doc.transact(() => {
    putNote(doc, note('good-1', 'Flexible rotas for carers', 1));
    putNote(doc, note('good-2', 'Protected time for training', 2));
    nestHidden(putNote(doc, note('deep-colour', 'Exit interviews for everyone', 3)), 'colour');
    nestHidden(putNote(doc, note('deep-text', 'placeholder', 4)), 'text');
    nestHidden(doc.getMap('junk'), 'chain');
  });
}

let server: TestServer;
let storage: SqliteStorage;
const clients: StockClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.stop();
  await storage?.close();
});

/** A server on its own storage, which the test can also write straight into. */
async function startOnStorage(): Promise<void> {
  const dataDir = await makeDataDir();
  storage = new SqliteStorage(dataDir);
  server = await startTestServer({ dataDir, roomUnloadGraceMs: 20 }, { storage });
}

function connect(boardId: string, params: Record<string, string>): StockClient {
  const client = connectStockClient(server, boardId, params);
  clients.push(client);
  return client;
}

/** The stored document, as a stock Y.Doc replays it: every part in one transaction, as the server loads it. */
async function replayStored(name: DocumentName): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const parts = await storage.loadDocument(name);
  doc.transact(() => {
    for (const part of parts) Y.applyUpdate(doc, part);
  });
  return doc;
}

describe('a stored board holding a note nested 20,000 maps deep', () => {
  let board: CreateBoardResponse;

  async function storeHostileBoard(): Promise<void> {
    await startOnStorage();
    board = await createBoard(server, 'Ward 7 retention');
    await eventually(() => expect(server.rooms.size).toBe(0));
    // Straight into storage, as a board written before the write guard refused such shapes.
    const hostile = new Y.Doc();
    writeDeepNotes(hostile);
    await storage.appendUpdate(board.boardId as BoardId, Y.encodeStateAsUpdate(hostile));
  }

  it(
    'loses the hostile parts at load, keeps the good notes and fields, and a stock client syncs it',
    async () => {
      await storeHostileBoard();
      const warnings = vi.spyOn(server.log, 'warn');
      const facilitator = connect(board.boardId, { token: board.tokens.facilitator });
      await whenSynced(facilitator.provider, 20_000);

      const room = (await server.rooms.get(board.boardId as DocumentName))!;
      const notes = notesMap(room.doc);
      expect(notes.has('deep-text')).toBe(false);
      expect(notes.get('deep-colour')!.has('colour')).toBe(false);
      expect(topMap(room.doc, 'junk').size).toBe(0);
      const expected = ['Flexible rotas for carers', 'Protected time for training', 'Exit interviews for everyone'];
      expect(readNotes(room.doc).map((n) => n.text)).toEqual(expected);
      expect(readNotes(facilitator.doc).map((n) => n.text)).toEqual(expected);
      expect(readNotes(facilitator.doc)[0]).toMatchObject(note('good-1', 'Flexible rotas for carers', 1));

      // What storage holds replays in one go, as the next load does, and so does what a newcomer is sent.
      expect(readNotes(await replayStored(board.boardId as DocumentName)).map((n) => n.text)).toEqual(expected);
      const newcomer = new Y.Doc();
      Y.applyUpdate(newcomer, Y.encodeStateAsUpdate(room.doc));
      expect(readNotes(newcomer).map((n) => n.text)).toEqual(expected);

      // Logged by counts, never by content.
      const repairLog = warnings.mock.calls.filter(([, message]) => String(message).includes('layout has no place for'));
      expect(repairLog).toEqual([[{ room: board.boardId, removed: { roots: 1, records: 1, fields: 1, values: 0, items: 3 * (HOSTILE_DEPTH + 1) + 11 } }, expect.any(String)]]);
      expect(JSON.stringify(warnings.mock.calls)).not.toContain(HIDDEN);
    },
    HOSTILE_TIMEOUT_MS,
  );

  it(
    'lets the facilitator delete the rest of the note, and another client receives the deletion',
    async () => {
      await storeHostileBoard();
      const facilitator = connect(board.boardId, { token: board.tokens.facilitator });
      const viewer = connect(board.boardId, { token: board.tokens.viewer });
      await Promise.all([whenSynced(facilitator.provider, 20_000), whenSynced(viewer.provider, 20_000)]);

      expect(deleteNote(facilitator.doc, 'deep-colour' as NoteId)).toBe(true);
      await eventually(() => expect(readNotes(viewer.doc).map((n) => n.id)).toEqual(['good-1', 'good-2']));
      const room = (await server.rooms.get(board.boardId as DocumentName))!;
      expect(notesMap(room.doc).has('deep-colour')).toBe(false);
      // A client that joins afterwards syncs the board as it now is.
      const late = connect(board.boardId, { token: board.tokens.viewer });
      await whenSynced(late.provider, 20_000);
      expect(readNotes(late.doc).map((n) => n.id)).toEqual(['good-1', 'good-2']);
    },
    HOSTILE_TIMEOUT_MS,
  );

  it(
    'repairs once: loaded again, the board has nothing left to remove and storage is not rewritten',
    async () => {
      await storeHostileBoard();
      const warnings = vi.spyOn(server.log, 'warn');
      const first = connect(board.boardId, { token: board.tokens.viewer });
      await whenSynced(first.provider, 20_000);
      first.destroy();
      await eventually(() => expect(server.rooms.size).toBe(0));
      const stored = await storage.loadDocument(board.boardId as DocumentName);

      const second = connect(board.boardId, { token: board.tokens.viewer });
      await whenSynced(second.provider, 20_000);
      expect(readNotes(second.doc)).toHaveLength(3);
      expect(warnings.mock.calls.filter(([, message]) => String(message).includes('layout has no place for'))).toHaveLength(1);
      expect(await storage.loadDocument(board.boardId as DocumentName)).toEqual(stored);
    },
    HOSTILE_TIMEOUT_MS,
  );
});

describe('a stored private document holding a draft nested 20,000 maps deep', () => {
  it(
    'loses the hostile part at load; its owner syncs, deletes the rest of the draft, and their other device receives that',
    async () => {
      await startOnStorage();
      const board = await createBoard(server, 'Drafts', 'four-perspectives');
      const registered = await registerParticipant(server, board.boardId, board.tokens.participant, 'Alex');
      const params = { token: board.tokens.participant, participant: registered.participantKey };
      const privateRoom = `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`;
      const name = privateDocumentName(board.boardId as BoardId, registered.participantId as ParticipantId);

      const hostile = new Y.Doc();
      hostile.transact(() => {
        putNote(hostile, { ...note('fine', 'Career conversations', 1), authorName: 'Alex' });
        nestHidden(putNote(hostile, { ...note('deep', 'Mentoring for new starters', 2), authorName: 'Alex' }), 'x');
      });
      await storage.appendUpdate(name, Y.encodeStateAsUpdate(hostile));

      const phone = connect(privateRoom, params);
      const laptop = connect(privateRoom, params);
      await Promise.all([whenSynced(phone.provider, 20_000), whenSynced(laptop.provider, 20_000)]);
      const room = (await server.rooms.get(name))!;
      expect(notesMap(room.doc).get('deep')!.has('x')).toBe(false);
      expect(readNotes(laptop.doc).map((n) => [n.id, n.text, n.x])).toEqual([
        ['fine', 'Career conversations', 100],
        ['deep', 'Mentoring for new starters', 0],
      ]);
      expect(readNotes(await replayStored(name)).map((n) => n.id)).toEqual(['fine', 'deep']);

      expect(deleteNote(phone.doc, 'deep' as NoteId)).toBe(true);
      await eventually(() => expect(readNotes(laptop.doc).map((n) => n.id)).toEqual(['fine']));
    },
    HOSTILE_TIMEOUT_MS,
  );
});

describe('repairing a clean board', () => {
  it('finds nothing on a board of 10,000 good notes and writes nothing', () => {
    const doc = new Y.Doc();
    doc.transact(() => {
      for (let index = 0; index < 10_000; index++) addNote(doc, { text: `Note ${index}`, x: index % 3000, y: 0, authorId: null, authorName: '' });
      addActionSteps(doc, addAction(doc, { topic: 'Welcome week' }), [{ text: 'Book the room' }]);
    });
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    expect(repairDocument(doc, BOARD_LAYOUT)).toBeNull();
    expect(updates).toEqual([]);
    expect(readNotes(doc)).toHaveLength(10_000);
  });
});
