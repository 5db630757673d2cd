import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../../shared/protocol';
import { readNotes } from '../../shared/document/notes';
import { DocKey } from '../../shared/document/doc';
import type { BoardId } from '../../shared/schema/ids';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardConnection, BoardConnectionOptions, BoardParticipant } from '../../client/sync/BoardConnection';
import type { LedgerStorage } from '../../client/sync/unsavedLedger';
import { localDatabaseName } from '../../client/sync/localCopies';
import { openBoardConnection } from '../helpers/board-connection';
import { GatedStorage } from '../helpers/gated-storage';
import { createBoard, makeDataDir, registerParticipant, startTestServer, type TestServer } from '../helpers/server';

// The client against the real server over real sockets: the stock y-websocket
// provider inside BoardConnection talks to server/app.ts on a loopback port.

/** Long enough for the provider's own reconnect back-off (at most 2.5 s) plus a sync. */
const RECONNECT_TIMEOUT_MS = 8000;
/** How many times to try binding the old port again while the kernel still holds it. */
const REBIND_ATTEMPTS = 10;

let server: TestServer;
/** The store of the current server: its gate holds appends, and with them every broadcast. */
let storage: GatedStorage;
let board: CreateBoardResponse;
let registered: Map<string, BoardParticipant>;
let opened: BoardConnection[] = [];
let cleanups: Array<() => Promise<void>> = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(options: { port?: number; dataDir?: string } = {}): Promise<void> {
  const dataDir = options.dataDir ?? (await makeDataDir());
  for (let attempt = 1; ; attempt++) {
    const gated = new GatedStorage(dataDir);
    try {
      server = await startTestServer({ dataDir, port: options.port ?? 0 }, { storage: gated });
      storage = gated;
      return;
    } catch (error) {
      await gated.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= REBIND_ATTEMPTS) throw error;
      await sleep(50);
    }
  }
}

/** The server goes away, as when its machine is restarted; the board stays in its data directory. */
async function stopServer(): Promise<void> {
  await server.close();
}

/** The server comes back at the same address with the same data. */
async function restartServer(): Promise<void> {
  await startServer({ port: server.port, dataDir: server.dataDir });
}

/** The texts of the notes in the board's IndexedDB copy on this device, read with a fresh Y.Doc. */
async function notesStoredOnDevice(boardId: string, participantId: string): Promise<string[]> {
  const probe = new Y.Doc();
  const stored = new IndexeddbPersistence(localDatabaseName(boardId, participantId, 'board'), probe);
  await stored.whenSynced;
  const texts = readNotes(probe).map((note) => note.text).sort();
  await stored.destroy();
  probe.destroy();
  return texts;
}

/** Registers the person once per board, so a reopened connection is the same person. */
async function participant(name: string): Promise<BoardParticipant> {
  const known = registered.get(name);
  if (known) return known;
  const { participantId, participantKey, colour } = await registerParticipant(server, board.boardId, board.tokens.participant, name);
  const person = { participantId, key: participantKey, displayName: name, colour };
  registered.set(name, person);
  return person;
}

async function open(name: string, overrides: Partial<BoardConnectionOptions> = {}): Promise<BoardConnection> {
  const options = { boardId: board.boardId, token: board.tokens.participant, role: 'participant' as const, participant: await participant(name) };
  return openBoardConnection(server, { ...options, ...overrides }, opened);
}

function openViewer(overrides: Partial<BoardConnectionOptions> = {}): Promise<BoardConnection> {
  return open('viewer', { role: 'viewer', participant: null, token: board.tokens.viewer, ...overrides });
}

const saveOf = (connection: BoardConnection) => connection.store.getState().save;
const textsOf = (connection: BoardConnection) => connection.store.getState().notes.map((note) => note.text);

/** The notes in the server's own copy of the board. */
async function serverTexts(): Promise<string[]> {
  const room = await server.rooms.get(board.boardId as BoardId);
  if (!room) throw new Error('the board is not loaded on the server');
  return readNotes(room.doc).map((note) => note.text);
}

async function live(...connections: BoardConnection[]) {
  for (const connection of connections) {
    await expect.poll(() => saveOf(connection).kind, { timeout: RECONNECT_TIMEOUT_MS }).toBe('live');
  }
}

async function savedEverything(connection: BoardConnection) {
  await expect.poll(() => saveOf(connection), { timeout: RECONNECT_TIMEOUT_MS }).toEqual({ kind: 'live', unsaved: 0 });
}

function memoryStorage(): LedgerStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** A socket server that accepts every connection and closes it at once with the given code. */
async function startClosingServer(code: number, reason: string): Promise<{ wsUrl: string; accepted: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let accepted = 0;
  wss.on('connection', (socket) => {
    accepted += 1;
    socket.close(code, reason);
  });
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  const { port } = wss.address() as { port: number };
  return { wsUrl: `ws://127.0.0.1:${port}/sync`, accepted: () => accepted };
}

beforeAll(() => {
  // This file uses the network on purpose: undo dom-setup's guard against it.
  vi.unstubAllGlobals();
});

beforeEach(async () => {
  await startServer();
  board = await createBoard(server, 'Retention workshop');
  registered = new Map();
});

afterEach(async () => {
  for (const connection of opened) connection.destroy();
  opened = [];
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
  await server.stop();
});

describe('a board connection to the real server', { timeout: 20_000 }, () => {
  it('says Live once synced, Saving while the server has not stored a note, and Live again once it has', async () => {
    const asha = await open('Asha');
    expect(saveOf(asha).kind).toBe('connecting');
    await live(asha);

    asha.actions.addNote({ x: 100, y: 100 }, 'Stay interviews for everyone');
    await savedEverything(asha);

    // A later change's update no longer starts at clock 0, the case a naive reading gets wrong.
    storage.gateClosed = true;
    asha.actions.addNote({ x: 400, y: 100 }, 'Buddy scheme for new starters');
    expect(saveOf(asha)).toEqual({ kind: 'saving', unsaved: 1 });
    await expect.poll(() => storage.heldCount).toBe(1);
    await sleep(50);
    expect(saveOf(asha)).toEqual({ kind: 'saving', unsaved: 1 });

    storage.release();
    await savedEverything(asha);
    expect(await serverTexts()).toHaveLength(2);
  });

  it('counts notes added while the server is away and saves them when it comes back at the same address', async () => {
    const asha = await open('Asha');
    await live(asha);
    await stopServer();
    await expect.poll(() => saveOf(asha).kind).toBe('offline');

    asha.actions.addNote({ x: 10, y: 10 }, 'Exit interview data');
    asha.actions.addNote({ x: 300, y: 10 }, 'Flexible retirement');
    expect(saveOf(asha)).toEqual({ kind: 'offline', unsaved: 2 });
    expect(textsOf(asha).sort()).toEqual(['Exit interview data', 'Flexible retirement']);

    // No 'online' event: the browser never lost its network, so the provider must find the server by itself.
    await restartServer();
    await savedEverything(asha);
    expect((await serverTexts()).sort()).toEqual(['Exit interview data', 'Flexible retirement']);
  });

  it('says Offline as soon as the browser loses its network, and Live again once it is back', async () => {
    const asha = await open('Asha');
    await live(asha);

    window.dispatchEvent(new Event('offline'));
    await expect.poll(() => saveOf(asha).kind).toBe('offline');
    // The socket may well reconnect meanwhile; while the browser says it is offline, the banner does too.
    await sleep(100);
    expect(saveOf(asha).kind).toBe('offline');

    window.dispatchEvent(new Event('online'));
    await savedEverything(asha);
  });

  it('counts a note deleted while the browser is offline as unsaved until the server has the deletion', async () => {
    const asha = await open('Asha');
    await live(asha);
    const id = asha.actions.addNote({ x: 10, y: 10 }, 'Temporary');
    await savedEverything(asha);

    // The network is gone: the server cannot be reached, and the browser says so.
    await stopServer();
    window.dispatchEvent(new Event('offline'));
    await expect.poll(() => saveOf(asha).kind).toBe('offline');
    asha.actions.deleteNote(id!);
    expect(saveOf(asha)).toEqual({ kind: 'offline', unsaved: 1 });

    await restartServer();
    window.dispatchEvent(new Event('online'));
    await savedEverything(asha);
    expect(await serverTexts()).toEqual([]);
  });

  it('shows the others’ notes and undoes and redoes only its own changes', async () => {
    const asha = await open('Asha');
    const ben = await open('Ben');
    await live(asha, ben);

    asha.actions.addNote({ x: 10, y: 10 }, 'Asha’s idea');
    await expect.poll(() => textsOf(ben)).toEqual(['Asha’s idea']);
    ben.actions.addNote({ x: 300, y: 10 }, 'Ben’s idea');
    await expect.poll(() => textsOf(asha)).toHaveLength(2);
    expect(asha.store.getState().canUndo).toBe(true);

    asha.actions.undo();
    expect(textsOf(asha)).toEqual(['Ben’s idea']);
    await expect.poll(() => textsOf(ben)).toEqual(['Ben’s idea']);
    expect(asha.store.getState()).toMatchObject({ canUndo: false, canRedo: true });

    asha.actions.redo();
    await expect.poll(() => textsOf(ben)).toHaveLength(2);
    await savedEverything(asha);
    expect(await serverTexts()).toHaveLength(2);
  });

  it('makes each action its own undo step', async () => {
    const asha = await open('Asha');
    await live(asha);
    const id = asha.actions.addNote({ x: 10, y: 10 }, 'Draft');
    asha.actions.updateNote(id!, { text: 'Final', colour: 'green' });
    asha.actions.moveNote(id!, { x: 400, y: 300 });

    asha.actions.undo();
    expect(asha.store.getState().notes[0]).toMatchObject({ text: 'Final', colour: 'green', x: 10, y: 10 });
    asha.actions.undo();
    expect(asha.store.getState().notes[0]).toMatchObject({ text: 'Draft', colour: 'yellow' });
  });

  it('undoes a burst of typing in one field as one step, and typing in another field as the next', async () => {
    const registration = await registerParticipant(server, board.boardId, board.tokens.facilitator, 'Fran');
    const fran = await open('Fran', {
      role: 'facilitator',
      token: board.tokens.facilitator,
      participant: { participantId: registration.participantId, key: registration.participantKey, displayName: 'Fran', colour: registration.colour },
    });
    await live(fran);
    const rotas = fran.actions.exercise.addTheme('Rotas')!;
    const pay = fran.actions.exercise.addTheme('Pay')!;
    const rotasTitle = fran.textField({ root: DocKey.themes, record: rotas, field: 'title' });
    const payTitle = fran.textField({ root: DocKey.themes, record: pay, field: 'title' });

    rotasTitle.edit('Rotas!', 6);
    rotasTitle.edit('Rotas!!', 7);
    payTitle.edit('Pay!', 4);

    fran.actions.undo();
    expect([rotasTitle.read(), payTitle.read()]).toEqual(['Rotas!!', 'Pay']);
    fran.actions.undo();
    expect([rotasTitle.read(), payTitle.read()]).toEqual(['Rotas', 'Pay']);
    fran.actions.redo();
    expect([rotasTitle.read(), payTitle.read()]).toEqual(['Rotas!!', 'Pay']);
  });

  it('lets a viewer watch the board but not change it', async () => {
    const asha = await open('Asha');
    const viewer = await openViewer();
    await live(asha, viewer);
    expect(viewer.identity).toMatchObject({ role: 'viewer', canEdit: false });

    asha.actions.addNote({ x: 10, y: 10 }, 'Visible to the viewer');
    await expect.poll(() => textsOf(viewer)).toEqual(['Visible to the viewer']);
    expect(viewer.actions.addNote({ x: 50, y: 50 }, 'Not allowed')).toBeNull();
    expect(textsOf(viewer)).toEqual(['Visible to the viewer']);
    expect(saveOf(viewer)).toEqual({ kind: 'live', unsaved: 0 });
    expect(await serverTexts()).toEqual(['Visible to the viewer']);
  });

  it('shows who is here and their pointers in board coordinates, and forgets them when they leave', async () => {
    const asha = await open('Asha');
    const ben = await open('Ben');
    await live(asha, ben);
    await expect.poll(() => ben.store.getState().people.map((p) => [p.name, p.isSelf])).toEqual([
      ['Ben', true],
      ['Asha', false],
    ]);

    asha.actions.setCursor({ x: 120, y: 80 });
    await expect.poll(() => ben.store.getState().cursors).toEqual([
      expect.objectContaining({ name: 'Asha', x: 120, y: 80 }),
    ]);
    expect(asha.store.getState().cursors).toEqual([]);

    asha.actions.setCursor({ x: 99_999, y: -5 });
    await expect.poll(() => ben.store.getState().cursors[0]).toMatchObject({ x: 3000, y: 0 });
    asha.actions.setCursor(null);
    await expect.poll(() => ben.store.getState().cursors).toEqual([]);

    asha.destroy();
    await expect.poll(() => ben.store.getState().people.map((p) => p.name)).toEqual(['Ben']);
  });

  it('keeps notes written offline on the device and still counts them after a reload', async () => {
    const asha = await participant('Asha');
    await stopServer();
    const ledger = memoryStorage();
    const before = await open('Asha', { indexedDb: true, ledgerStorage: ledger });
    await expect.poll(() => saveOf(before).kind).toBe('offline');
    before.actions.addNote({ x: 10, y: 10 }, 'Written on the train');
    before.actions.addNote({ x: 300, y: 10 }, 'Also on the train');
    expect(saveOf(before)).toEqual({ kind: 'offline', unsaved: 2 });
    // Wait until the device's stored copy holds both, as read by a second, independent reader.
    await expect.poll(() => notesStoredOnDevice(board.boardId, asha.participantId)).toEqual(['Also on the train', 'Written on the train']);
    before.destroy();

    const after = await open('Asha', { indexedDb: true, ledgerStorage: ledger });
    // Sorted: two notes added in the same millisecond are ordered by their random ids.
    await expect.poll(() => textsOf(after).sort()).toEqual(['Also on the train', 'Written on the train']);
    await expect.poll(() => saveOf(after)).toEqual({ kind: 'offline', unsaved: 2 });

    await restartServer();
    window.dispatchEvent(new Event('online'));
    await savedEverything(after);
    expect((await serverTexts()).sort()).toEqual(['Also on the train', 'Written on the train']);
  });

  it('leaves the unsaved-changes record of an editor in the same browser alone when opened as a viewer', async () => {
    const ledger = memoryStorage();
    const key = `retain:unsaved:${board.boardId}:${(await participant('Asha')).participantId}`;
    const record = JSON.stringify({ changes: [{ client: 1, clock: 5, deletes: [] }] });
    ledger.setItem(key, record);
    const written: string[] = [];
    const watched: LedgerStorage = {
      getItem: (name) => ledger.getItem(name),
      setItem: (name, value) => {
        written.push(name);
        ledger.setItem(name, value);
      },
      removeItem: (name) => {
        written.push(name);
        ledger.removeItem(name);
      },
    };
    const viewer = await openViewer({ indexedDb: true, ledgerStorage: watched });
    await live(viewer);
    await sleep(100);
    expect(ledger.getItem(key)).toBe(record);
    expect(written).toEqual([]);
  });

  it('says the board is gone, and stops reconnecting, when the server closes it for good', async () => {
    // The server has no way to delete a board yet, so a socket server that answers every
    // connection with the real close frame stands in for it.
    const gone = await startClosingServer(CloseCode.boardGone, 'Board deleted');
    const asha = await open('Asha', { websocketUrl: gone.wsUrl });
    await expect.poll(() => saveOf(asha).kind).toBe('closed');
    // The provider's first retry would come after 200 ms.
    await sleep(500);
    // One socket for the board, one for this person's private drafts; neither retries.
    expect(gone.accepted()).toBe(2);
    expect(saveOf(asha).kind).toBe('closed');
  });
});
