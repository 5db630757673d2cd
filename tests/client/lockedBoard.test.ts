import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { readNotes } from '../../shared/document/notes';
import { readActions } from '../../shared/document/actions';
import { DocKey } from '../../shared/document/doc';
import { decodeMessage, StateRefusalReason } from '../../shared/protocol';
import type { BoardId } from '../../shared/schema/ids';
import type { CreateBoardResponse, Role } from '../../shared/schema/api';
import type { BoardConnection, BoardConnectionOptions } from '../../client/sync/BoardConnection';
import { localDatabaseName } from '../../client/sync/localCopies';
import { openBoardConnection } from '../helpers/board-connection';
import { GatedStorage } from '../helpers/gated-storage';
import { createBoard, makeDataDir, registerParticipant, startTestServer, type TestServer } from '../helpers/server';

// The client's side of the facilitator's lock and of viewers, against the real
// server over real sockets (docs/client.md, "The locked board" and "Viewers").

const RECONNECT_TIMEOUT_MS = 8000;

let server: TestServer;
let storage: GatedStorage;
let board: CreateBoardResponse;
let opened: BoardConnection[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(role: Role, name: string, overrides: Partial<BoardConnectionOptions> = {}): Promise<BoardConnection> {
  const token = board.tokens[role];
  const registered = role === 'viewer' ? null : await registerParticipant(server, board.boardId, token, name);
  const participant = registered && { participantId: registered.participantId, key: registered.participantKey, displayName: name, colour: registered.colour };
  return openBoardConnection(server, { boardId: board.boardId, token, role, participant, ...overrides }, opened);
}

const saveOf = (connection: BoardConnection) => connection.store.getState().save;
const textsOf = (connection: BoardConnection) => connection.store.getState().notes.map((note) => note.text).sort();
const lockedFor = (connection: BoardConnection) => connection.store.getState().exercise.session.locked;

async function live(...connections: BoardConnection[]) {
  for (const connection of connections) {
    await expect.poll(() => saveOf(connection), { timeout: RECONNECT_TIMEOUT_MS }).toEqual({ kind: 'live', unsaved: 0 });
  }
}

/**
 * The facilitator locks the board while the participant's note is on its
 * way: the lock reaches the server's document at once, but is stored (and so
 * sent) only after her note arrives, which is refused with 4423.
 */
async function raceTheLock(facilitator: BoardConnection, participant: BoardConnection): Promise<void> {
  storage.gateClosed = true;
  facilitator.actions.exercise.setLocked(true);
  participant.actions.addNote({ x: 300, y: 10 }, 'Raced the lock');
  await expect.poll(() => storage.heldCount).toBeGreaterThan(0);
  storage.release();
  await expect.poll(() => participant.store.getState().lockRefusals, { timeout: RECONNECT_TIMEOUT_MS }).toBe(1);
}

async function serverTexts(): Promise<string[]> {
  const room = await server.rooms.get(board.boardId as BoardId);
  if (!room) throw new Error('the board is not loaded on the server');
  return readNotes(room.doc).map((note) => note.text).sort();
}

/** The texts of the notes in the board's IndexedDB copy named `name`, read with a fresh Y.Doc. */
async function notesStoredIn(name: string): Promise<string[]> {
  const probe = new Y.Doc();
  const stored = new IndexeddbPersistence(name, probe);
  await stored.whenSynced;
  const texts = readNotes(probe).map((note) => note.text).sort();
  await stored.destroy();
  probe.destroy();
  return texts;
}

/** Every sync step 2 or update a socket sent that changes something (anything but the empty update). */
function changesSentBy(sent: Uint8Array[]): Uint8Array[] {
  return sent.filter((bytes) => {
    const message = decodeMessage(bytes);
    if (message.type !== 'syncStep2' && message.type !== 'syncUpdate') return false;
    return !(message.update.byteLength === 2 && message.update[0] === 0 && message.update[1] === 0);
  });
}

beforeAll(() => {
  // This file uses the network on purpose: undo dom-setup's guard against it.
  vi.unstubAllGlobals();
});

beforeEach(async () => {
  storage = new GatedStorage(await makeDataDir());
  server = await startTestServer({}, { storage });
  board = await createBoard(server, 'Locked workshop', 'four-perspectives');
});

afterEach(async () => {
  for (const connection of opened) connection.destroy();
  opened = [];
  await server.stop();
});

describe('the locked board, on the client', { timeout: 20_000 }, () => {
  it('makes no change of a participant’s while the facilitator has the board locked', async () => {
    const fran = await open('facilitator', 'Fran');
    const asha = await open('participant', 'Asha');
    await live(fran, asha);
    fran.actions.exercise.setLocked(true);
    await expect.poll(() => lockedFor(asha)).toBe(true);

    expect(asha.actions.addNote({ x: 10, y: 10 }, 'Written while locked')).toBeNull();
    expect(asha.actions.exercise.addTheme('A theme while locked')).toBeNull();
    expect(textsOf(asha)).toEqual([]);
    expect(saveOf(asha)).toEqual({ kind: 'live', unsaved: 0 });
    expect(fran.actions.addNote({ x: 10, y: 10 }, 'The facilitator still can')).not.toBeNull();
    await live(fran);
  });

  it('drops a change the server refused on the locked board, with its copy on the device, and shows the board as it is', async () => {
    const fran = await open('facilitator', 'Fran');
    const asha = await open('participant', 'Asha', { indexedDb: true, ledgerStorage: null });
    await live(fran, asha);
    asha.actions.addNote({ x: 10, y: 10 }, 'Saved before the lock');
    await live(asha);

    // The lock reaches the server's document at once, but Asha hears of it only once it is stored:
    // her change races it.
    await raceTheLock(fran, asha);
    await live(asha);
    expect(lockedFor(asha)).toBe(true);
    expect(textsOf(asha)).toEqual(['Saved before the lock']);
    await expect.poll(() => notesStoredIn(localDatabaseName(board.boardId, asha.identity.participantId!, 'board'))).toEqual(['Saved before the lock']);

    fran.actions.exercise.setLocked(false);
    await expect.poll(() => lockedFor(asha)).toBe(false);
    asha.actions.addNote({ x: 600, y: 10 }, 'Written once unlocked');
    await live(asha);
    await expect.poll(() => textsOf(fran)).toEqual(['Saved before the lock', 'Written once unlocked']);
    expect(await serverTexts()).toEqual(['Saved before the lock', 'Written once unlocked']);
  });

  it('keeps a shared-text field bound before a refused change showing what others type into the fresh document', async () => {
    const fran = await open('facilitator', 'Fran');
    const asha = await open('participant', 'Asha');
    await live(fran, asha);
    const themeId = fran.actions.exercise.addTheme('Rotas')!;
    const title = asha.textField({ root: DocKey.themes, record: themeId, field: 'title' });
    await expect.poll(() => title.read()).toBe('Rotas');
    const heard: string[] = [];
    const stopListening = title.subscribe(() => heard.push(title.read()));

    await raceTheLock(fran, asha);
    await live(asha);

    fran.actions.exercise.renameTheme(themeId, 'Predictable rotas');
    await expect.poll(() => heard.at(-1)).toBe('Predictable rotas');
    stopListening();
  });
});

describe('the agreed plan, on the client', { timeout: 20_000 }, () => {
  it('drops an action a participant added offline that arrives after the plan was agreed, says why, and shows the agreed plan', async () => {
    // A socket that reaches the server only while this device is online.
    let online = true;
    class DeviceWebSocket extends WebSocket {
      constructor(url: string, ...rest: unknown[]) {
        super(online ? url : 'ws://127.0.0.1:1', ...(rest as []));
      }
    }
    const fran = await open('facilitator', 'Fran');
    const asha = await open('participant', 'Asha', { WebSocketPolyfill: DeviceWebSocket as unknown as typeof globalThis.WebSocket });
    await live(fran, asha);

    online = false;
    window.dispatchEvent(new Event('offline'));
    expect(asha.actions.exercise.addAction(null, 'Written on the train')).not.toBeNull();
    const agreed = ['Exit interviews', 'Flexible rotas', 'Mentoring'].map((topic) => {
      const id = fran.actions.exercise.addAction(null, topic)!;
      fran.actions.exercise.updateAction(id, { owner: 'Ward manager', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
      return id;
    });
    expect(fran.actions.exercise.markActionsAgreed(true)).toEqual([]);
    // The window's offline event reached Fran's connection too; her socket still reaches the server.
    const room = await server.rooms.get(board.boardId as BoardId);
    await expect.poll(() => room!.doc.getMap('session').get('actionsAgreed')).toBe(true);

    online = true;
    window.dispatchEvent(new Event('online'));
    await expect.poll(() => asha.store.getState().lockRefusals, { timeout: RECONNECT_TIMEOUT_MS }).toBe(1);
    expect(asha.store.getState().lastStateRefusal).toBe(StateRefusalReason.actionsAgreed);
    await live(asha);
    const agreedIds = [...agreed].sort();
    expect(asha.store.getState().exercise.actions.map((action) => action.id).sort()).toEqual(agreedIds);
    expect(asha.store.getState().exercise.session.actionsAgreed).toBe(true);
    expect(readActions(room!.doc).map((action) => action.id).sort()).toEqual(agreedIds);
  });
});

describe('a viewer, on the client', { timeout: 20_000 }, () => {
  it('sends the server no change when it reconnects to a board with deletions', async () => {
    const fran = await open('facilitator', 'Fran');
    await live(fran);
    const kept = fran.actions.addNote({ x: 10, y: 10 }, 'Kept');
    const removed = fran.actions.addNote({ x: 300, y: 10 }, 'Removed');
    fran.actions.deleteNote(removed!);
    expect(kept).not.toBeNull();
    await live(fran);

    const sent: Uint8Array[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: Uint8Array, ...rest: unknown[]): void {
        sent.push(new Uint8Array(data));
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    const projector = await open('viewer', 'Projector', { WebSocketPolyfill: RecordingWebSocket as unknown as typeof globalThis.WebSocket });
    await expect.poll(() => saveOf(projector).kind, { timeout: RECONNECT_TIMEOUT_MS }).toBe('live');
    // The network drops and returns: the provider reconnects and syncs again.
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    await sleep(100);
    await expect.poll(() => saveOf(projector).kind, { timeout: RECONNECT_TIMEOUT_MS }).toBe('live');
    fran.actions.addNote({ x: 600, y: 10 }, 'After the reconnect');
    await expect.poll(() => textsOf(projector)).toEqual(['After the reconnect', 'Kept']);
    expect(changesSentBy(sent)).toEqual([]);
  });
});
