import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol';
import { notesMap } from '../../shared/board/doc';
import { BoardConnection, type BoardConnectionOptions } from '../../client/sync/BoardConnection';
import type { LedgerStorage } from '../../client/sync/unsavedLedger';
import { FakeSyncServer } from '../helpers/fake-sync-server';

let server: FakeSyncServer;
let opened: BoardConnection[] = [];
let boardCounter = 0;
let boardId = '';

function open(name: string, overrides: Partial<BoardConnectionOptions> = {}): BoardConnection {
  const connection = new BoardConnection({
    boardId,
    token: 'participant-token',
    role: 'participant',
    participant: { participantId: `id-${name}`, key: `key-${name}`, displayName: name },
    websocketUrl: 'ws://retain.test/sync',
    WebSocketPolyfill: server.WebSocket,
    indexedDb: false,
    ...overrides,
  });
  opened.push(connection);
  return connection;
}

function openViewer(): BoardConnection {
  return open('viewer', { role: 'viewer', participant: null, token: 'viewer-token' });
}

const saveOf = (connection: BoardConnection) => connection.store.getState().save;
const textsOf = (connection: BoardConnection) => connection.store.getState().notes.map((note) => note.text);

async function live(...connections: BoardConnection[]) {
  for (const connection of connections) await expect.poll(() => saveOf(connection).kind).toBe('live');
}

function memoryStorage(): LedgerStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

beforeEach(() => {
  server = new FakeSyncServer();
  boardId = `board-connection-test-${++boardCounter}`;
});

afterEach(() => {
  for (const connection of opened) connection.destroy();
  opened = [];
  server.destroy();
});

describe('a board connection', () => {
  it('says Live once synced, Saving while the server has not confirmed a note, and Live again once it has', async () => {
    const asha = open('Asha');
    expect(saveOf(asha).kind).toBe('connecting');
    await live(asha);

    asha.actions.addNote({ x: 100, y: 100 }, 'Stay interviews for everyone');
    await expect.poll(() => saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });

    // A later change's update no longer starts at clock 0, the case a naive reading gets wrong.
    server.hold();
    asha.actions.addNote({ x: 400, y: 100 }, 'Buddy scheme for new starters');
    expect(saveOf(asha)).toEqual({ kind: 'saving', unsaved: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(saveOf(asha)).toEqual({ kind: 'saving', unsaved: 1 });

    server.release();
    await expect.poll(() => saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });
    expect(notesMap(server.doc).size).toBe(2);
  });

  it('counts notes added while the server is unreachable and saves them when it comes back', async () => {
    const asha = open('Asha');
    await live(asha);
    server.goUnreachable();
    await expect.poll(() => saveOf(asha).kind).toBe('offline');

    asha.actions.addNote({ x: 10, y: 10 }, 'Exit interview data');
    asha.actions.addNote({ x: 300, y: 10 }, 'Flexible retirement');
    expect(saveOf(asha)).toEqual({ kind: 'offline', unsaved: 2 });
    expect(textsOf(asha)).toEqual(['Exit interview data', 'Flexible retirement']);

    server.goReachable();
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });
    expect(notesMap(server.doc).size).toBe(2);
  });

  it('counts a note deleted offline as unsaved until the server has the deletion', async () => {
    const asha = open('Asha');
    await live(asha);
    const id = asha.actions.addNote({ x: 10, y: 10 }, 'Temporary');
    await expect.poll(() => saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });

    server.goUnreachable();
    await expect.poll(() => saveOf(asha).kind).toBe('offline');
    asha.actions.deleteNote(id!);
    expect(saveOf(asha)).toEqual({ kind: 'offline', unsaved: 1 });

    server.goReachable();
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });
    expect(notesMap(server.doc).size).toBe(0);
  });

  it('shows the others’ notes and undoes and redoes only its own changes', async () => {
    const asha = open('Asha');
    const ben = open('Ben');
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
  });

  it('makes each action its own undo step', async () => {
    const asha = open('Asha');
    await live(asha);
    const id = asha.actions.addNote({ x: 10, y: 10 }, 'Draft');
    asha.actions.updateNote(id!, { text: 'Final', colour: 'green' });
    asha.actions.moveNote(id!, { x: 400, y: 300 });

    asha.actions.undo();
    expect(asha.store.getState().notes[0]).toMatchObject({ text: 'Final', colour: 'green', x: 10, y: 10 });
    asha.actions.undo();
    expect(asha.store.getState().notes[0]).toMatchObject({ text: 'Draft', colour: 'yellow' });
  });

  it('lets a viewer watch the board but not change it', async () => {
    const asha = open('Asha');
    const viewer = openViewer();
    await live(asha, viewer);
    expect(viewer.identity).toMatchObject({ role: 'viewer', canEdit: false });

    asha.actions.addNote({ x: 10, y: 10 }, 'Visible to the viewer');
    await expect.poll(() => textsOf(viewer)).toEqual(['Visible to the viewer']);
    expect(viewer.actions.addNote({ x: 50, y: 50 }, 'Not allowed')).toBeNull();
    expect(textsOf(viewer)).toEqual(['Visible to the viewer']);
    expect(saveOf(viewer)).toEqual({ kind: 'live', unsaved: 0 });
  });

  it('shows who is here and their pointers in board coordinates, and forgets them when they leave', async () => {
    const asha = open('Asha');
    const ben = open('Ben');
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
    server.goUnreachable();
    const ledger = memoryStorage();
    const before = open('Asha', { indexedDb: true, ledgerStorage: ledger });
    await expect.poll(() => saveOf(before).kind).toBe('offline');
    before.actions.addNote({ x: 10, y: 10 }, 'Written on the train');
    before.actions.addNote({ x: 300, y: 10 }, 'Also on the train');
    expect(saveOf(before)).toEqual({ kind: 'offline', unsaved: 2 });
    // Give IndexedDB a moment to store the updates, as a person closing the tab would.
    await new Promise((resolve) => setTimeout(resolve, 100));
    before.destroy();

    const after = open('Asha', { indexedDb: true, ledgerStorage: ledger });
    await expect.poll(() => textsOf(after)).toEqual(['Written on the train', 'Also on the train']);
    await expect.poll(() => saveOf(after)).toEqual({ kind: 'offline', unsaved: 2 });

    server.goReachable();
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => saveOf(after)).toEqual({ kind: 'live', unsaved: 0 });
    expect(notesMap(server.doc).size).toBe(2);
  });

  it('leaves the unsaved-changes record of an editor in the same browser alone when opened as a viewer', async () => {
    const ledger = memoryStorage();
    const record = JSON.stringify({ changes: [{ client: 1, clock: 5, deletes: [] }] });
    ledger.setItem(`retain:unsaved:${boardId}`, record);
    const viewer = open('viewer', { role: 'viewer', participant: null, token: 'viewer-token', indexedDb: true, ledgerStorage: ledger });
    await live(viewer);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ledger.getItem(`retain:unsaved:${boardId}`)).toBe(record);
  });

  it('says the board is gone, and stops reconnecting, when the server closes it for good', async () => {
    const asha = open('Asha');
    await live(asha);
    server.closeAll(CloseCode.boardGone, 'Board deleted');
    await expect.poll(() => saveOf(asha).kind).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.connectionCount).toBe(0);
  });
});
