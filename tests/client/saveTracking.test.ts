import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../shared/protocol';
import {
  advanceStateVector,
  countUnsavedChanges,
  type LocalChange,
  rangesOfDeleteSet,
  SaveTracker,
  type ServerSyncMessage,
  subtractRanges,
  summariseUpdate,
} from '../../client/sync/saveTracking';
import { ConnectionStatus, deriveSaveStatus, type ConnectionFacts } from '../../client/sync/connectionStatus';

/** The server's sync step 1 announcing it holds `stateVector`. */
function greeting(stateVector: Map<number, number>): ServerSyncMessage {
  return { type: 'syncStep1', stateVector: Y.encodeStateVector(stateVector) };
}

/** An update the server broadcast. */
function serverUpdate(update: Uint8Array): ServerSyncMessage {
  return { type: 'syncUpdate', update };
}

/** A document edited "on this device", recording its transactions as the connection does. */
function device() {
  const doc = new Y.Doc();
  const tracker = new SaveTracker();
  const updates: Uint8Array[] = [];
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    if (!transaction.local) return;
    const client = doc.clientID;
    const clock = transaction.afterState.get(client) ?? 0;
    const deletes = rangesOfDeleteSet(transaction.deleteSet);
    if (clock > (transaction.beforeState.get(client) ?? 0) || deletes.length > 0) tracker.recordLocalChange({ client, clock, deletes });
  });
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'server') updates.push(update);
  });
  const stateVector = () => Y.decodeStateVector(Y.encodeStateVector(doc));
  return { doc, tracker, updates, stateVector, unsaved: () => tracker.unsavedCount(stateVector()) };
}

/** A server document that hands back, as it would broadcast them, the updates it applies. */
function server() {
  const doc = new Y.Doc();
  const broadcast: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => broadcast.push(update));
  return {
    doc,
    /** Applies updates and returns what the server would send back. */
    apply(updates: Uint8Array[]): Uint8Array[] {
      const start = broadcast.length;
      for (const update of updates) Y.applyUpdate(doc, update, 'client');
      return broadcast.slice(start);
    },
    stateVector: () => Y.decodeStateVector(Y.encodeStateVector(doc)),
  };
}

function addNote(doc: Y.Doc, id: string, text: string) {
  doc.transact(() => {
    const note = new Y.Map<unknown>();
    note.set('text', text);
    doc.getMap('notes').set(id, note);
  });
}

describe('the save tracker', () => {
  it('counts a new note as unsaved until the server sends it back', () => {
    const here = device();
    const there = server();
    here.tracker.receiveFromServer(greeting(there.stateVector()));
    addNote(here.doc, 'a', 'More flexible rotas');
    expect(here.unsaved()).toBe(1);

    const echoed = there.apply(here.updates);
    for (const update of echoed) here.tracker.receiveFromServer(serverUpdate(update));
    expect(here.unsaved()).toBe(0);
    expect(here.tracker.pendingChanges).toEqual([]);
  });

  it('counts each change made here separately', () => {
    const here = device();
    here.tracker.receiveFromServer(greeting(new Map()));
    addNote(here.doc, 'a', 'one');
    addNote(here.doc, 'b', 'two');
    here.doc.transact(() => (here.doc.getMap('notes').get('a') as Y.Map<unknown>).set('text', 'one, edited'));
    expect(here.unsaved()).toBe(3);
  });

  it('takes changes as saved when a new connection shows the server already has them', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'sent before the connection dropped');
    there.apply(here.updates);
    expect(here.unsaved()).toBe(1);
    here.tracker.receiveFromServer(greeting(there.stateVector()));
    expect(here.unsaved()).toBe(0);
  });

  it('keeps a deleted note unsaved until the server sends the deletion back', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'to delete');
    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer(serverUpdate(update));
    here.updates.length = 0;

    here.doc.transact(() => here.doc.getMap('notes').delete('a'));
    // A deletion adds no clock: the state vector alone could never show it as unsaved.
    expect(here.unsaved()).toBe(1);
    here.tracker.receiveFromServer(greeting(there.stateVector()));
    expect(here.unsaved()).toBe(1);

    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer(serverUpdate(update));
    expect(here.unsaved()).toBe(0);
  });

  it('learns from an incremental update what Y.encodeStateVectorFromUpdate would miss', () => {
    const here = device();
    addNote(here.doc, 'a', 'first');
    addNote(here.doc, 'b', 'second');
    const incremental = here.updates[1]!;
    expect(Y.decodeStateVector(Y.encodeStateVectorFromUpdate(incremental)).size).toBe(0);

    const summary = summariseUpdate(incremental);
    const start = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(here.updates[0]!)).get(here.doc.clientID)!;
    expect(summary.runs.get(here.doc.clientID)).toEqual({ start, end: here.stateVector().get(here.doc.clientID) });
  });

  it('does not count content that follows a gap in what the server is known to hold', () => {
    const here = device();
    addNote(here.doc, 'a', 'first');
    addNote(here.doc, 'b', 'second');
    const client = here.doc.clientID;
    const afterSecond = advanceStateVector(new Map(), summariseUpdate(here.updates[1]!));
    expect(afterSecond.get(client)).toBeUndefined();
    const afterBoth = advanceStateVector(advanceStateVector(new Map(), summariseUpdate(here.updates[0]!)), summariseUpdate(here.updates[1]!));
    expect(afterBoth.get(client)).toBe(here.stateVector().get(client));
  });

  it('counts content restored from an earlier visit once the server state is known', () => {
    const earlier = device();
    addNote(earlier.doc, 'a', 'written offline last time');
    const here = device();
    Y.applyUpdate(here.doc, Y.encodeStateAsUpdate(earlier.doc), 'indexeddb');
    expect(here.unsaved()).toBe(0);
    here.tracker.receiveFromServer(greeting(new Map()));
    expect(here.unsaved()).toBe(1);
  });

  it('trusts the state vector of a new connection over what an earlier one said', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'saved, then lost by the server');
    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer(serverUpdate(update));
    expect(here.unsaved()).toBe(0);
    here.tracker.receiveFromServer(greeting(new Map()));
    expect(here.unsaved()).toBe(1);
  });

  it('forgets restored changes whose content the local copy no longer holds', () => {
    const restored: LocalChange[] = [
      { client: 7, clock: 12, deletes: [] },
      { client: 7, clock: 30, deletes: [] },
    ];
    const tracker = new SaveTracker(restored);
    expect(tracker.unsavedCount(new Map())).toBe(2);
    tracker.forgetChangesMissingFrom(new Map([[7, 12]]));
    expect(tracker.pendingChanges).toEqual([restored[0]]);
  });
});

describe('reading an update once', () => {
  /** Applies a server update to the device's copy as the connection does, with the states the applying transaction saw. */
  function fromServer(doc: Y.Doc, update: Uint8Array, sent: Uint8Array = update): ServerSyncMessage {
    let applied: { before: Map<number, number>; after: Map<number, number> } | undefined;
    const see = (transaction: Y.Transaction) => (applied = { before: transaction.beforeState, after: transaction.afterState });
    doc.on('afterTransaction', see);
    Y.applyUpdate(doc, update, 'server');
    doc.off('afterTransaction', see);
    return { type: 'syncUpdate', update: sent, applied };
  }
  /** Bytes that are no update: reading them would throw, so a test passing them shows the tracker did not read. */
  const UNREADABLE = new Uint8Array([0xff, 0xff, 0xff]);

  it('does not read an update again when nothing of this device waits: what it added is what the server holds', () => {
    const here = device();
    const other = device();
    here.tracker.receiveFromServer(greeting(new Map()));
    addNote(other.doc, 'b', 'from someone else');
    expect(() => here.tracker.receiveFromServer(fromServer(here.doc, other.updates[0]!, UNREADABLE))).not.toThrow();
    expect(here.unsaved()).toBe(0);
    // And the server is known to hold it: this device's next change is the only thing unsaved, then saved by its echo.
    addNote(here.doc, 'a', 'mine');
    expect(here.unsaved()).toBe(1);
    here.tracker.receiveFromServer(fromServer(here.doc, here.updates[0]!));
    expect(here.unsaved()).toBe(0);
  });

  it('still reads an update while a change of this device waits, or while it holds content the server is not known to have', () => {
    const here = device();
    here.tracker.receiveFromServer(greeting(new Map()));
    addNote(here.doc, 'a', 'waiting');
    expect(() => here.tracker.receiveFromServer(fromServer(here.doc, new Uint8Array([0, 0]), UNREADABLE))).toThrow();

    const earlier = device();
    addNote(earlier.doc, 'c', 'written offline last time');
    const restored = device();
    Y.applyUpdate(restored.doc, Y.encodeStateAsUpdate(earlier.doc), 'indexeddb');
    restored.tracker.receiveFromServer(greeting(new Map()));
    expect(restored.unsaved()).toBe(1);
    // The server's echo of the restored content confirms it: only reading the update can tell.
    restored.tracker.receiveFromServer(fromServer(restored.doc, Y.encodeStateAsUpdate(earlier.doc)));
    expect(restored.unsaved()).toBe(0);
  });
});

describe('counting unsaved changes', () => {
  it('counts unexplained local content once per client, and only when the server state is known', () => {
    const local = new Map([
      [1, 10],
      [2, 5],
    ]);
    const pending: LocalChange[] = [{ client: 1, clock: 10, deletes: [] }];
    expect(countUnsavedChanges(pending, null, local)).toBe(1);
    expect(countUnsavedChanges(pending, new Map([[2, 5]]), local)).toBe(1);
    expect(countUnsavedChanges(pending, new Map(), local)).toBe(2);
  });

  it('counts the records changed, not the transactions: adding a note and typing its text is one change', () => {
    const local = new Map([[1, 30]]);
    const pending: LocalChange[] = [
      { client: 1, clock: 10, deletes: [], records: ['notes/a'] },
      { client: 1, clock: 20, deletes: [], records: ['notes/a'] },
      { client: 1, clock: 30, deletes: [], records: ['notes/b', 'notes/a'] },
    ];
    expect(countUnsavedChanges(pending, new Map([[1, 0]]), local)).toBe(2);
    // Once the server holds the first two, note a is still unsaved through the third.
    expect(countUnsavedChanges(pending, new Map([[1, 20]]), local)).toBe(2);
    expect(countUnsavedChanges(pending, new Map([[1, 30]]), local)).toBe(0);
  });

  it('subtracts the deleted ranges the server sent back, keeping what is left', () => {
    const remaining = subtractRanges(
      [{ client: 1, clock: 0, length: 10 }],
      [
        { client: 1, clock: 2, length: 3 },
        { client: 2, clock: 0, length: 10 },
      ],
    );
    expect(remaining).toEqual([
      { client: 1, clock: 0, length: 2 },
      { client: 1, clock: 5, length: 5 },
    ]);
  });
});

describe('server messages as the codec reads them', () => {
  /** What the connection hands the tracker: a message off the wire, read by shared/protocol's codec. */
  const offTheWire = (bytes: Uint8Array): ServerSyncMessage => {
    const message = decodeMessage(bytes);
    if (message.type !== 'syncStep1' && message.type !== 'syncStep2' && message.type !== 'syncUpdate') throw new Error(`not a sync message: ${message.type}`);
    return message;
  };

  it('takes the state vector from sync step 1 and stored content from step 2 and updates', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'sent before the connection dropped');
    there.apply(here.updates);
    here.tracker.receiveFromServer(offTheWire(encodeSyncStep1(Y.encodeStateVector(there.doc))));
    expect(here.unsaved()).toBe(0);

    addNote(here.doc, 'b', 'echoed in an update');
    expect(here.unsaved()).toBe(1);
    for (const update of there.apply(here.updates.slice(1))) here.tracker.receiveFromServer(offTheWire(encodeSyncUpdate(update)));
    expect(here.unsaved()).toBe(0);

    const fresh = device();
    Y.applyUpdate(fresh.doc, Y.encodeStateAsUpdate(here.doc));
    fresh.tracker.receiveFromServer(offTheWire(encodeSyncStep1(new Uint8Array([0]))));
    expect(fresh.unsaved()).toBe(1);
    fresh.tracker.receiveFromServer(offTheWire(encodeSyncStep2(Y.encodeStateAsUpdate(there.doc))));
    expect(fresh.unsaved()).toBe(0);
  });
});

describe('the banner state', () => {
  const facts = (overrides: Partial<ConnectionFacts>): ConnectionFacts => ({
    socket: 'connected',
    synced: true,
    hasLostConnection: false,
    browserOnline: true,
    boardGone: false,
    unsaved: 0,
    ...overrides,
  });

  it('says connecting until the first connection has synced', () => {
    expect(deriveSaveStatus(facts({ socket: 'connecting', synced: false }))).toEqual({ kind: 'connecting', unsaved: 0 });
    expect(deriveSaveStatus(facts({ socket: 'connected', synced: false }))).toEqual({ kind: 'connecting', unsaved: 0 });
  });

  it('says live only when synced with nothing waiting, and saving while something is', () => {
    expect(deriveSaveStatus(facts({}))).toEqual({ kind: 'live', unsaved: 0 });
    expect(deriveSaveStatus(facts({ unsaved: 2 }))).toEqual({ kind: 'saving', unsaved: 2 });
  });

  it('says offline, with the count, once a connection was lost or the browser is offline', () => {
    expect(deriveSaveStatus(facts({ socket: 'connecting', synced: false, hasLostConnection: true, unsaved: 3 }))).toEqual({
      kind: 'offline',
      unsaved: 3,
    });
    expect(deriveSaveStatus(facts({ browserOnline: false, unsaved: 1 }))).toEqual({ kind: 'offline', unsaved: 1 });
  });

  it('says a change was refused when the server closed the socket for it', () => {
    expect(deriveSaveStatus(facts({ refused: true, socket: 'disconnected' })).kind).toBe('refused');
  });

  it('says the board is full when the server refused a change for the board’s size', () => {
    expect(deriveSaveStatus(facts({ full: true, socket: 'disconnected', unsaved: 1 }))).toEqual({ kind: 'full', unsaved: 1 });
  });

  it('says the board is closed for good when the server deleted it', () => {
    expect(deriveSaveStatus(facts({ boardGone: true, socket: 'disconnected' })).kind).toBe('closed');
  });

  it('is live only once the server has sent its state vector and its document on the current socket', () => {
    const status = new ConnectionStatus(true);
    status.setBrowserOnline(true);
    status.socketChanged('connected');
    status.syncChanged(true);
    expect(status.saveStatus(0).kind).toBe('connecting');
    status.serverGreeted();
    expect(status.saveStatus(0).kind).toBe('live');
    status.connectionLost();
    status.socketChanged('connecting');
    expect(status.saveStatus(2)).toEqual({ kind: 'offline', unsaved: 2 });
  });

  it('says the private document is connecting until its first connection, and offline without one after that', () => {
    const status = new ConnectionStatus(true);
    status.setBrowserOnline(true);
    expect(status.privateStatus).toBe('connecting');
    expect(status.privateSocketChanged({ connected: false, synced: false })).toBe(false);
    expect(status.privateSocketChanged({ connected: true, synced: true })).toBe(true);
    expect(status.privateStatus).toBe('live');
    status.privateSocketChanged({ connected: false, synced: false });
    expect(status.privateStatus).toBe('offline');
    expect(new ConnectionStatus(false).privateStatus).toBe('none');
  });
});
