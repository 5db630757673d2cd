import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType } from '../../shared/protocol';
import {
  advanceStateVector,
  countUnsavedChanges,
  deriveSaveStatus,
  type LocalChange,
  rangesOfDeleteSet,
  readServerSyncMessage,
  SaveTracker,
  subtractRanges,
  summariseUpdate,
  type ConnectionFacts,
} from '../../client/sync/saveTracking';

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
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: there.stateVector() });
    addNote(here.doc, 'a', 'More flexible rotas');
    expect(here.unsaved()).toBe(1);

    const echoed = there.apply(here.updates);
    for (const update of echoed) here.tracker.receiveFromServer({ kind: 'update', update });
    expect(here.unsaved()).toBe(0);
    expect(here.tracker.pendingChanges).toEqual([]);
  });

  it('counts each change made here separately', () => {
    const here = device();
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: new Map() });
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
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: there.stateVector() });
    expect(here.unsaved()).toBe(0);
  });

  it('keeps a deleted note unsaved until the server sends the deletion back', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'to delete');
    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer({ kind: 'update', update });
    here.updates.length = 0;

    here.doc.transact(() => here.doc.getMap('notes').delete('a'));
    // A deletion adds no clock: the state vector alone could never show it as unsaved.
    expect(here.unsaved()).toBe(1);
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: there.stateVector() });
    expect(here.unsaved()).toBe(1);

    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer({ kind: 'update', update });
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
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: new Map() });
    expect(here.unsaved()).toBe(1);
  });

  it('trusts the state vector of a new connection over what an earlier one said', () => {
    const here = device();
    const there = server();
    addNote(here.doc, 'a', 'saved, then lost by the server');
    for (const update of there.apply(here.updates)) here.tracker.receiveFromServer({ kind: 'update', update });
    expect(here.unsaved()).toBe(0);
    here.tracker.receiveFromServer({ kind: 'state-vector', stateVector: new Map() });
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

describe('reading server messages', () => {
  const encode = (write: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder();
    write(encoder);
    return encoding.toUint8Array(encoder);
  };

  it('reads the state vector from sync step 1 and the update from step 2 and update messages', () => {
    const doc = new Y.Doc();
    doc.getMap('board').set('title', 'Retention');
    const step1 = encode((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      syncProtocol.writeSyncStep1(e, doc);
    });
    expect(readServerSyncMessage(step1)).toEqual({ kind: 'state-vector', stateVector: new Map([[doc.clientID, 1]]) });

    const step2 = encode((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      syncProtocol.writeSyncStep2(e, doc);
    });
    expect(readServerSyncMessage(step2)).toEqual({ kind: 'update', update: Y.encodeStateAsUpdate(doc) });

    const update = encode((e) => {
      encoding.writeVarUint(e, MessageType.sync);
      syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
    });
    expect(readServerSyncMessage(update)?.kind).toBe('update');
  });

  it('ignores awareness messages and bytes that are not a message at all', () => {
    const awareness = encode((e) => {
      encoding.writeVarUint(e, MessageType.awareness);
      encoding.writeVarUint8Array(e, new Uint8Array([0]));
    });
    expect(readServerSyncMessage(awareness)).toBeNull();
    expect(readServerSyncMessage(new Uint8Array([0, 0]))).toBeNull();
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
});
