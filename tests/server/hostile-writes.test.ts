import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAction, addActionSteps, readActions, updateAction } from '../../shared/document/actions';
import { readBoardMeta, renameBoard } from '../../shared/document/board';
import { addNote, deleteNote, readNotes, updateNote } from '../../shared/document/notes';
import { markActionsAgreed } from '../../shared/document/phases';
import { readSession, setFacilitatorView, setLocked } from '../../shared/document/session';
import { CloseCode, PRIVATE_DOCUMENT_SUFFIX, StateRefusalReason } from '../../shared/protocol';
import type { ServerConfig } from '../../server/config';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { ActionId, BoardId, NoteId, ParticipantId } from '../../shared/schema/ids';
import { RawClient } from '../helpers/raw-socket';
import {
  connectStockClient,
  createBoard,
  eventually,
  registerParticipant,
  startTestServer,
  type StockClient,
  type TestServer,
  whenSynced,
} from '../helpers/server';

let server: TestServer | null = null;
const clients: StockClient[] = [];
const raws: RawClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const client of raws.splice(0)) client.close();
  await server?.stop();
  server = null;
});

async function start(overrides: Partial<ServerConfig> = {}): Promise<{ server: TestServer; board: CreateBoardResponse }> {
  server = await startTestServer(overrides);
  return { server, board: await createBoard(server, 'Hostile workshop', 'four-perspectives') };
}

/** A registered person on the board: their participant id, name, key and token. */
interface Person {
  id: ParticipantId;
  name: string;
  key: string;
  token: string;
}

async function register(board: CreateBoardResponse, role: 'facilitator' | 'participant', name: string): Promise<Person> {
  const token = board.tokens[role];
  const registered = await registerParticipant(server!, board.boardId, token, name);
  return { id: registered.participantId as ParticipantId, name, key: registered.participantKey, token };
}

/** The person's board, through the stock y-websocket provider; `closes` gathers the codes the server closed it with. */
async function stock(board: CreateBoardResponse, person: Person): Promise<StockClient & { closes: number[] }> {
  const client = connectStockClient(server!, board.boardId, { token: person.token, participant: person.key });
  clients.push(client);
  const closes: number[] = [];
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closes.push(event.code);
  });
  await whenSynced(client.provider);
  return Object.assign(client, { closes });
}

/** A bare socket as the person, synced with the board (or their private document), to send exactly the update a test makes. */
async function raw(board: CreateBoardResponse, person: Person | { token: string }, document: 'board' | 'private' = 'board'): Promise<RawClient> {
  const path = document === 'board' ? board.boardId : `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`;
  const key = 'key' in person ? `&participant=${person.key}` : '';
  const client = await RawClient.connect(`${server!.wsUrl}/${path}?token=${person.token}${key}`);
  raws.push(client);
  client.requestSync();
  await eventually(() => expect(client.received.length).toBeGreaterThan(0));
  return client;
}

/** What a change to the raw client's copy sends: everything it has that the server lacks. */
function change(client: RawClient, write: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(client.doc);
  write(client.doc);
  return Y.encodeStateAsUpdate(client.doc, before);
}

/** The code and reason the server closed a raw client's socket with. */
function closedWith(client: RawClient): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => client.socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
}

async function boardDoc(board: CreateBoardResponse): Promise<Y.Doc> {
  return (await server!.rooms.get(board.boardId as BoardId))!.doc;
}

/** A note whose record holds Y.Maps nested `depth` deep, built level by level as a tampered client can. */
function nestNote(doc: Y.Doc, id: string, depth: number): void {
  doc.transact(() => {
    addNote(doc, { id: id as NoteId, text: 'nested', x: 0, y: 0, authorId: null, authorName: '' });
    let level = doc.getMap('notes').get(id) as Y.Map<unknown>;
    for (let i = 0; i < depth; i++) {
      const deeper = new Y.Map<unknown>();
      level.set('deeper', deeper);
      level = deeper;
    }
  });
}

describe('the shapes a board holds', () => {
  it('refuses a note holding Y.Maps nested 20,000 deep with 4403, applying nothing, and the board still reads', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const tamperer = await raw(board, alex);
    const update = change(tamperer, (doc) => nestNote(doc, 'deep', 20_000));
    expect(update.byteLength).toBeLessThan(1024 * 1024);
    tamperer.sendUpdate(update);
    expect(await tamperer.closed()).toBe(CloseCode.forbidden);
    const doc = await boardDoc(board);
    expect(doc.getMap('notes').has('deep')).toBe(false);
    const reader = await stock(board, await register(board, 'participant', 'Bea'));
    expect(readNotes(reader.doc)).toEqual([]);
  });

  it('refuses a private draft nested deep the same way', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const tamperer = await raw(board, alex, 'private');
    tamperer.sendUpdate(change(tamperer, (doc) => nestNote(doc, 'deep-draft', 50)));
    expect(await tamperer.closed()).toBe(CloseCode.forbidden);
    const room = await server!.rooms.get(`${board.boardId}/private/${alex.id}` as never);
    expect(room?.doc.getMap('notes').has('deep-draft') ?? false).toBe(false);
  });

  it('refuses a shared type or a value where the layout has none: a Y.Array as a note field, a Y.Text as a vote, an object inside a check', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const writes: ((doc: Y.Doc) => void)[] = [
      (doc) => {
        const id = addNote(doc, { text: 'listed', x: 0, y: 0, authorId: null, authorName: '' });
        (doc.getMap('notes').get(id) as Y.Map<unknown>).set('colour', new Y.Array());
      },
      (doc) => doc.getMap('actionChecks').set('a1/smart', { done: true, note: { deeper: { still: 'x' } } }),
      (doc) => doc.getMap('actionEvaluations').set('a1/objectives', new Y.Text('typed')),
      (doc) => doc.getMap('notes').set('loose', 'a note is a record, not a string'),
      (doc) => {
        const id = addNote(doc, { text: 'x', x: 0, y: 0, authorId: null, authorName: '' });
        (doc.getMap('notes').get(id) as Y.Map<unknown>).set('mood', 'a field no note has');
      },
    ];
    for (const write of writes) {
      const tamperer = await raw(board, alex);
      tamperer.sendUpdate(change(tamperer, write));
      expect(await tamperer.closed()).toBe(CloseCode.forbidden);
    }
    const doc = await boardDoc(board);
    expect([doc.getMap('notes').size, doc.getMap('actionChecks').size, doc.getMap('actionEvaluations').size]).toEqual([0, 0, 0]);
  });

  it('refuses an action created without createdAt, a step whose text is a plain string, and a step written as a plain object', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const withoutDate = await raw(board, alex);
    withoutDate.sendUpdate(
      change(withoutDate, (doc) => {
        const record = new Y.Map<unknown>();
        for (const [key, value] of Object.entries({ id: 'a1', themeId: null, topic: 'Exit interviews', action: '', owner: '', timescale: null, success: '', status: 'not-started', importedFrom: null })) record.set(key, value);
        doc.getMap('actions').set('a1', record);
      }),
    );
    expect(await withoutDate.closed()).toBe(CloseCode.forbidden);

    const mapStep = await raw(board, alex);
    mapStep.sendUpdate(
      change(mapStep, (doc) => {
        const step = new Y.Map<unknown>();
        step.set('text', 'Book the room');
        doc.getMap('actionSteps').set('a1/s1', step);
      }),
    );
    expect(await mapStep.closed()).toBe(CloseCode.forbidden);

    const plainStep = await raw(board, alex);
    plainStep.sendUpdate(change(plainStep, (doc) => doc.getMap('actionSteps').set('a1/s2', { text: 'Book the room', done: false, order: 1 })));
    expect(await plainStep.closed()).toBe(CloseCode.forbidden);
    const doc = await boardDoc(board);
    expect([doc.getMap('actions').size, doc.getMap('actionSteps').size]).toEqual([0, 0]);
  });

  it('applies what Retain itself writes: an action with its steps, a note and its edits', async () => {
    const { board } = await start();
    const alex = await stock(board, await register(board, 'participant', 'Alex'));
    const actionId = addAction(alex.doc, { topic: 'Flexible rotas' });
    addActionSteps(alex.doc, actionId as ActionId, [{ text: 'Ask the ward managers' }]);
    const noteId = addNote(alex.doc, { text: 'Rotas', x: 10, y: 10, authorId: null, authorName: '' });
    updateNote(alex.doc, noteId, { x: 40, colour: 'blue' });
    const doc = await boardDoc(board);
    await eventually(() => expect([doc.getMap('actions').size, doc.getMap('actionSteps').size, readNotes(doc).length]).toEqual([1, 1, 1]));
    expect(alex.closes).toEqual([]);
  });
});

describe('shared text (docs/document-layout.md, "Shared text")', () => {
  it('merges two people typing into one action field at once, character by character', async () => {
    const { board } = await start();
    const alex = await stock(board, await register(board, 'participant', 'Alex'));
    const sam = await stock(board, await register(board, 'participant', 'Sam'));
    const actionId = addAction(alex.doc, { topic: 'Rotas' });
    await eventually(() => expect(readActions(sam.doc).map((a) => a.topic)).toEqual(['Rotas']));
    updateAction(alex.doc, actionId, { topic: 'Rotas early' });
    updateAction(sam.doc, actionId, { topic: 'Fair rotas' });
    const merged = (client: StockClient) => readActions(client.doc)[0]?.topic;
    await eventually(() => expect(merged(alex)).toBe('Fair rotas early'));
    await eventually(() => expect(merged(sam)).toBe('Fair rotas early'));
    expect([alex.closes, sam.closes]).toEqual([[], []]);
  });

  it('takes a check-in note typed onto an action made before actions had one, and refuses a note written as a plain string or past its limit', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const writer = await stock(board, alex);
    // An action as clients wrote them before the check-in note: every field but `review`.
    const actionId = 'a-before-notes' as ActionId;
    writer.doc.transact(() => {
      const record = new Y.Map<unknown>();
      const fields = { id: actionId, themeId: null, topic: new Y.Text('Rotas'), action: new Y.Text(''), owner: new Y.Text(''), timescale: null, success: new Y.Text(''), status: 'under-way', importedFrom: null, createdAt: 1 };
      for (const [key, value] of Object.entries(fields)) record.set(key, value);
      writer.doc.getMap('actions').set(actionId, record);
    });
    const doc = await boardDoc(board);
    await eventually(() => expect(readActions(doc)[0]).toMatchObject({ id: actionId, review: '' }));
    updateAction(writer.doc, actionId, { review: 'Two wards trying it' });
    await eventually(() => expect(readActions(doc)[0]?.review).toBe('Two wards trying it'));

    const plain = await raw(board, alex);
    await eventually(() => expect(plain.doc.getMap('actions').has(actionId)).toBe(true));
    plain.sendUpdate(change(plain, (target) => (target.getMap('actions').get(actionId) as Y.Map<unknown>).set('review', 'Written whole')));
    expect(await plain.closed()).toBe(CloseCode.forbidden);

    const tooLong = await raw(board, alex);
    await eventually(() => expect(tooLong.doc.getMap('actions').has(actionId)).toBe(true));
    const tooLongClosing = closedWith(tooLong);
    const noteOf = (client: RawClient) => (client.doc.getMap('actions').get(actionId) as Y.Map<unknown>).get('review') as Y.Text;
    tooLong.sendUpdate(change(tooLong, () => noteOf(tooLong).insert(0, 'y'.repeat(2000))));
    expect(await tooLongClosing).toEqual({ code: CloseCode.lockedRefused, reason: StateRefusalReason.textFull });
    expect(readActions(doc)[0]?.review).toBe('Two wards trying it');
    expect(writer.closes).toEqual([]);
  });

  it('refuses typing that would take a field past its limit (as the board’s state, 4423 text-full, so the typist resyncs), formatting, an embed, and a plain string where the layout has a Y.Text (4403)', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const writer = await stock(board, alex);
    const actionId = addAction(writer.doc, { topic: 'Rotas' });
    updateAction(writer.doc, actionId, { owner: 'x'.repeat(1990) });
    const doc = await boardDoc(board);
    await eventually(() => expect(readActions(doc)[0]?.owner).toHaveLength(1990));

    const textOf = (client: RawClient, field: string) => (client.doc.getMap('actions').get(actionId) as Y.Map<unknown>).get(field) as Y.Text;
    const tooLong = await raw(board, alex);
    await eventually(() => expect(tooLong.doc.getMap('actions').has(actionId)).toBe(true));
    const tooLongClosing = closedWith(tooLong);
    tooLong.sendUpdate(change(tooLong, () => textOf(tooLong, 'owner').insert(0, 'y'.repeat(11))));
    expect(await tooLongClosing).toEqual({ code: CloseCode.lockedRefused, reason: StateRefusalReason.textFull });

    const formatted = await raw(board, alex);
    await eventually(() => expect(formatted.doc.getMap('actions').has(actionId)).toBe(true));
    formatted.sendUpdate(change(formatted, () => textOf(formatted, 'topic').format(0, 2, { bold: true })));
    expect(await formatted.closed()).toBe(CloseCode.forbidden);

    const embedded = await raw(board, alex);
    await eventually(() => expect(embedded.doc.getMap('actions').has(actionId)).toBe(true));
    embedded.sendUpdate(change(embedded, () => textOf(embedded, 'topic').insertEmbed(0, { image: 'x' })));
    expect(await embedded.closed()).toBe(CloseCode.forbidden);

    const plain = await raw(board, alex);
    await eventually(() => expect(plain.doc.getMap('actions').has(actionId)).toBe(true));
    plain.sendUpdate(change(plain, (target) => (target.getMap('actions').get(actionId) as Y.Map<unknown>).set('topic', 'Written whole')));
    expect(await plain.closed()).toBe(CloseCode.forbidden);

    // Replacing the whole text with as much again stays within the limit: what counts is what is left.
    updateAction(writer.doc, actionId, { owner: 'z'.repeat(1990) });
    await eventually(() => expect(readActions(doc)[0]?.owner).toBe('z'.repeat(1990)));
    expect(readActions(doc)[0]?.topic).toBe('Rotas');
    expect(writer.closes).toEqual([]);
  });

  it('keeps the first of two people typing into a nearly full field at once, and refuses the second as the board’s state (4423 text-full), not as forbidden', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const sam = await register(board, 'participant', 'Sam');
    const writer = await stock(board, alex);
    const actionId = addAction(writer.doc, { topic: 'Rotas' });
    updateAction(writer.doc, actionId, { owner: 'x'.repeat(1990) });
    const doc = await boardDoc(board);
    await eventually(() => expect(readActions(doc)[0]?.owner).toHaveLength(1990));

    // Each types 8 characters, within the limit on their own copy; together they would pass it.
    const [first, second] = [await raw(board, alex), await raw(board, sam)];
    for (const client of [first, second]) await eventually(() => expect(client.doc.getMap('actions').has(actionId)).toBe(true));
    const ownerOf = (client: RawClient) => (client.doc.getMap('actions').get(actionId) as Y.Map<unknown>).get('owner') as Y.Text;
    const firstTyping = change(first, () => ownerOf(first).insert(1990, 'A'.repeat(8)));
    const secondTyping = change(second, () => ownerOf(second).insert(0, 'S'.repeat(8)));
    const secondClosing = closedWith(second);
    first.sendUpdate(firstTyping);
    await eventually(() => expect(readActions(doc)[0]?.owner).toHaveLength(1998));
    second.sendUpdate(secondTyping);
    expect(await secondClosing).toEqual({ code: CloseCode.lockedRefused, reason: StateRefusalReason.textFull });
    expect(readActions(doc)[0]?.owner).toBe(`${'x'.repeat(1990)}${'A'.repeat(8)}`);
    expect(writer.closes).toEqual([]);
  });
});

describe('who wrote a note', () => {
  it('takes a new note’s author as empty or the sender’s own id and name, and refuses any other', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const own = await stock(board, alex);
    addNote(own.doc, { text: 'Mine', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' });
    addNote(own.doc, { text: 'Nobody’s', x: 0, y: 0, authorId: null, authorName: '' });
    const doc = await boardDoc(board);
    await eventually(() => expect(readNotes(doc).map((note) => note.text).sort()).toEqual(['Mine', 'Nobody’s']));

    for (const author of [{ authorId: 'someone-else' as ParticipantId, authorName: '' }, { authorId: alex.id, authorName: 'The chief executive' }]) {
      const forger = await raw(board, alex);
      forger.sendUpdate(change(forger, (d) => addNote(d, { text: 'Forged', x: 0, y: 0, ...author })));
      expect(await forger.closed()).toBe(CloseCode.forbidden);
    }
    expect(readNotes(doc).map((note) => note.text)).not.toContain('Forged');
    expect(own.closes).toEqual([]);
  });

  it('lets only the author or the facilitator change a note’s text, anyone move it, and nobody change its author', async () => {
    const { board } = await start();
    const fran = await register(board, 'facilitator', 'Fran');
    const alex = await register(board, 'participant', 'Alex');
    const bea = await register(board, 'participant', 'Bea');
    const alexBoard = await stock(board, alex);
    const franBoard = await stock(board, fran);
    const id = addNote(alexBoard.doc, { text: 'Exit interviews', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' });
    const doc = await boardDoc(board);
    await eventually(() => expect(readNotes(doc)).toHaveLength(1));

    const mover = await raw(board, bea);
    mover.sendUpdate(change(mover, (d) => updateNote(d, id, { x: 300, y: 200, colour: 'green' })));
    await eventually(() => expect(readNotes(doc)[0]).toMatchObject({ x: 300, y: 200, colour: 'green' }));
    mover.sendUpdate(change(mover, (d) => updateNote(d, id, { text: 'Rewritten by Bea' })));
    expect(await mover.closed()).toBe(CloseCode.forbidden);

    updateNote(alexBoard.doc, id, { text: 'Exit interviews, done well' });
    await eventually(() => expect(readNotes(doc)[0]?.text).toBe('Exit interviews, done well'));
    await eventually(() => expect(readNotes(franBoard.doc)[0]?.text).toBe('Exit interviews, done well'));
    updateNote(franBoard.doc, id, { text: 'Exit interviews (facilitator’s wording)' });
    await eventually(() => expect(readNotes(doc)[0]?.text).toBe('Exit interviews (facilitator’s wording)'));

    const renamer = await raw(board, alex);
    renamer.sendUpdate(change(renamer, (d) => (d.getMap('notes').get(id) as Y.Map<unknown>).set('authorName', 'Someone else')));
    expect(await renamer.closed()).toBe(CloseCode.forbidden);
    expect(readNotes(doc)[0]).toMatchObject({ authorId: alex.id, authorName: 'Alex' });
  });
});

describe('deleting a note', () => {
  it('lets only a note’s author or the facilitator delete it, refusing anyone else with 4403, also by replacing it under its key', async () => {
    const { board } = await start();
    const alex = await register(board, 'participant', 'Alex');
    const bea = await register(board, 'participant', 'Bea');
    const alexBoard = await stock(board, alex);
    const id = addNote(alexBoard.doc, { text: 'Rota gaps', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' });
    const doc = await boardDoc(board);
    await eventually(() => expect(readNotes(doc)).toHaveLength(1));

    const deleter = await raw(board, bea);
    deleter.sendUpdate(change(deleter, (d) => deleteNote(d, id)));
    expect(await deleter.closed()).toBe(CloseCode.forbidden);
    const replacer = await raw(board, bea);
    replacer.sendUpdate(change(replacer, (d) => addNote(d, { id, text: 'Bea’s instead', x: 0, y: 0, authorId: bea.id, authorName: 'Bea' })));
    expect(await replacer.closed()).toBe(CloseCode.forbidden);
    expect(readNotes(doc)).toMatchObject([{ id, text: 'Rota gaps', authorId: alex.id }]);

    deleteNote(alexBoard.doc, id);
    await eventually(() => expect(readNotes(doc)).toEqual([]));
    expect(alexBoard.closes).toEqual([]);
  });

  it('lets a note with no author be deleted by the facilitator alone', async () => {
    const { board } = await start();
    const fran = await stock(board, await register(board, 'facilitator', 'Fran'));
    const alex = await register(board, 'participant', 'Alex');
    const id = addNote(fran.doc, { text: 'Revealed anonymously', x: 0, y: 0, authorId: null, authorName: '' });
    const doc = await boardDoc(board);
    await eventually(() => expect(readNotes(doc)).toHaveLength(1));
    const participant = await raw(board, alex);
    participant.sendUpdate(change(participant, (d) => deleteNote(d, id)));
    expect(await participant.closed()).toBe(CloseCode.forbidden);
    deleteNote(fran.doc, id);
    await eventually(() => expect(readNotes(doc)).toEqual([]));
    expect(fran.closes).toEqual([]);
  });

  it('accepts what undo sends: a participant bringing back their own deleted note and undoing a move of someone else’s, the facilitator bringing back anyone’s', async () => {
    const { board } = await start();
    const fran = await register(board, 'facilitator', 'Fran');
    const alex = await register(board, 'participant', 'Alex');
    const bea = await register(board, 'participant', 'Bea');
    const [franBoard, alexBoard, beaBoard] = [await stock(board, fran), await stock(board, alex), await stock(board, bea)];
    const origin = { local: true };
    const undoOf = (client: StockClient) => new Y.UndoManager(client.doc.getMap('notes'), { trackedOrigins: new Set([origin]) });
    const [franUndo, alexUndo, beaUndo] = [undoOf(franBoard), undoOf(alexBoard), undoOf(beaBoard)];
    const doc = await boardDoc(board);

    const own = addNote(alexBoard.doc, { text: 'Mine to take back', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' }, origin);
    const other = addNote(alexBoard.doc, { text: 'Kept', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' });
    alexUndo.stopCapturing();
    deleteNote(alexBoard.doc, own, origin);
    await eventually(() => expect(readNotes(doc).map((note) => note.text)).toEqual(['Kept']));
    alexUndo.undo();
    await eventually(() => expect(readNotes(doc).find((note) => note.id === own)).toMatchObject({ authorId: alex.id, authorName: 'Alex' }));

    await eventually(() => expect(readNotes(beaBoard.doc)).toHaveLength(2));
    updateNote(beaBoard.doc, other, { x: 400, y: 300 }, origin);
    await eventually(() => expect(readNotes(doc).find((note) => note.id === other)).toMatchObject({ x: 400, y: 300 }));
    beaUndo.undo();
    await eventually(() => expect(readNotes(doc).find((note) => note.id === other)).toMatchObject({ x: 0, y: 0 }));

    await eventually(() => expect(readNotes(franBoard.doc)).toHaveLength(2));
    deleteNote(franBoard.doc, other, origin);
    await eventually(() => expect(readNotes(doc)).toHaveLength(1));
    franUndo.undo();
    await eventually(() => expect(readNotes(doc).find((note) => note.id === other)).toMatchObject({ text: 'Kept', authorId: alex.id, authorName: 'Alex' }));
    expect([franBoard.closes, alexBoard.closes, beaBoard.closes]).toEqual([[], [], []]);
  });
});

describe('an agreed plan', () => {
  it('refuses a participant’s new action while the actions are agreed with 4423, saying so, applying nothing; they still edit the agreed ones, and the facilitator adds', async () => {
    const { board } = await start();
    const fran = await stock(board, await register(board, 'facilitator', 'Fran'));
    const alex = await register(board, 'participant', 'Alex');
    const agreed = ['Exit interviews', 'Flexible rotas', 'Mentoring'].map((topic) => {
      const id = addAction(fran.doc, { topic });
      updateAction(fran.doc, id, { owner: 'Ward manager', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
      return id;
    });
    expect(markActionsAgreed(fran.doc, true)).toEqual([]);
    const doc = await boardDoc(board);
    await eventually(() => expect(doc.getMap('session').get('actionsAgreed')).toBe(true));
    await eventually(() => expect(readActions(doc)).toHaveLength(3));

    const participant = await raw(board, alex);
    const closing = closedWith(participant);
    participant.sendUpdate(change(participant, (d) => addAction(d, { topic: 'A fourth, after the agreement' })));
    expect(await closing).toEqual({ code: CloseCode.lockedRefused, reason: StateRefusalReason.actionsAgreed });
    expect(readActions(doc).map((action) => action.id).sort()).toEqual([...agreed].sort());

    const alexBoard = await stock(board, alex);
    updateAction(alexBoard.doc, agreed[0]!, { success: 'Fewer leavers by March' });
    await eventually(() => expect(readActions(doc).find((action) => action.id === agreed[0])?.success).toBe('Fewer leavers by March'));
    addAction(fran.doc, { topic: 'The facilitator’s fourth' });
    await eventually(() => expect(readActions(doc)).toHaveLength(4));
    expect([fran.closes, alexBoard.closes]).toEqual([[], []]);
  });
});

describe('what the facilitator is looking at (session.facilitatorView)', () => {
  it('takes it from the facilitator alone, in its shape: a participant’s is refused with 4403, so is a malformed one, and nothing of either is applied', async () => {
    const { board } = await start();
    const franPerson = await register(board, 'facilitator', 'Fran');
    const alex = await register(board, 'participant', 'Alex');

    // A participant may not steer the projector.
    const participant = await raw(board, alex);
    const doc = await boardDoc(board);
    participant.sendUpdate(change(participant, (d) => setFacilitatorView(d, { activity: 'plan', diagramId: null })));
    expect(await participant.closed()).toBe(CloseCode.forbidden);
    expect(readSession(doc).facilitatorView).toBeNull();

    // Nor may the facilitator write one that is not an activity, or leaves out its diagram.
    const malformed: unknown[] = [
      { activity: 'projector', diagramId: null },
      { activity: 'diagrams' },
      { activity: 'diagrams', diagramId: '' },
      { activity: 'plan', diagramId: null, extra: { deeper: true } },
      { activity: 'plan', diagramId: null, note: 'a key the layout does not have' },
      'plan',
    ];
    for (const view of malformed) {
      const facilitator = await raw(board, franPerson);
      facilitator.sendUpdate(change(facilitator, (d) => d.getMap('session').set('facilitatorView', view)));
      expect(await facilitator.closed()).toBe(CloseCode.forbidden);
      expect(doc.getMap('session').has('facilitatorView')).toBe(false);
    }

    // What Retain's facilitator client writes is applied, and every reader sees it.
    const fran = await stock(board, franPerson);
    setFacilitatorView(fran.doc, { activity: 'diagrams', diagramId: 'd1' });
    await eventually(() => expect(readSession(doc).facilitatorView).toEqual({ activity: 'diagrams', diagramId: 'd1' }));
    setFacilitatorView(fran.doc, { activity: 'plan', diagramId: null });
    await eventually(() => expect(readSession(doc).facilitatorView).toEqual({ activity: 'plan', diagramId: null }));
    expect(fran.closes).toEqual([]);
  });
});

describe('a locked board and viewers', () => {
  it('refuses a participant’s change on a locked board with 4423, applying nothing, and the facilitator keeps writing', async () => {
    const { board } = await start();
    const fran = await stock(board, await register(board, 'facilitator', 'Fran'));
    const alex = await register(board, 'participant', 'Alex');
    setLocked(fran.doc, true);
    const doc = await boardDoc(board);
    await eventually(() => expect(doc.getMap('session').get('locked')).toBe(true));
    const participant = await raw(board, alex);
    const closing = closedWith(participant);
    participant.sendUpdate(change(participant, (d) => addNote(d, { text: 'Sneaked in', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' })));
    expect(await closing).toEqual({ code: CloseCode.lockedRefused, reason: StateRefusalReason.locked });
    addNote(fran.doc, { text: 'Still mine to write', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(doc).map((note) => note.text)).toEqual(['Still mine to write']));
  });

  it('lets a viewer stay connected when its client answers with nothing new, and refuses one that would change the board with 4403', async () => {
    const { board } = await start();
    const fran = await stock(board, await register(board, 'facilitator', 'Fran'));
    // A deletion: every client's answer to the server's sync request now carries it.
    deleteNote(fran.doc, addNote(fran.doc, { text: 'Gone', x: 0, y: 0, authorId: null, authorName: '' }));
    const doc = await boardDoc(board);
    await eventually(() => expect(doc.getMap('notes').size).toBe(0));
    const viewer = connectStockClient(server!, board.boardId, { token: board.tokens.viewer });
    clients.push(viewer);
    const viewerCloses: number[] = [];
    viewer.provider.on('connection-close', (event: CloseEvent | null) => event && viewerCloses.push(event.code));
    await whenSynced(viewer.provider);
    addNote(fran.doc, { text: 'Seen by the viewer', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(viewer.doc).map((note) => note.text)).toEqual(['Seen by the viewer']));
    expect(viewerCloses).toEqual([]);

    const writer = await raw(board, { token: board.tokens.viewer });
    writer.sendUpdate(change(writer, (d) => addNote(d, { text: 'From a viewer', x: 0, y: 0, authorId: null, authorName: '' })));
    expect(await writer.closed()).toBe(CloseCode.forbidden);
    expect(readNotes(doc).map((note) => note.text)).toEqual(['Seen by the viewer']);
  });
});

describe('filling the board', () => {
  /** Sends notes of junk until the server closes the socket; returns how many it sent. */
  async function fill(client: RawClient, label: string): Promise<number> {
    let sent = 0;
    while (client.closeCode === null && sent < 400) {
      client.sendUpdate(change(client, (d) => addNote(d, { text: `${label} ${sent} ${'x'.repeat(900)}`, x: 0, y: 0, authorId: null, authorName: '' })));
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await client.closed();
    return sent;
  }

  it('refuses a participant past their share alone; when the board is full the facilitator still clears the junk and renames it, and it is usable again', async () => {
    const { board } = await start({ maxBoardBytes: 96 * 1024, participantShareBytes: 56 * 1024 });
    const fran = await stock(board, await register(board, 'facilitator', 'Fran'));
    const bea = await stock(board, await register(board, 'participant', 'Bea'));
    const doc = await boardDoc(board);

    const first = await raw(board, await register(board, 'participant', 'Junk one'));
    await fill(first, 'junk');
    expect(first.closeCode).toBe(CloseCode.boardFull);
    addNote(bea.doc, { text: 'Bea still writes', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(doc).map((note) => note.text)).toContain('Bea still writes'));

    // A second identity fills the rest: now the board itself is full, for everyone but a deletion.
    const second = await raw(board, await register(board, 'participant', 'Junk two'));
    await fill(second, 'junk');
    expect(second.closeCode).toBe(CloseCode.boardFull);

    fran.doc.transact(() => {
      for (const note of readNotes(fran.doc)) if (note.text.startsWith('junk')) deleteNote(fran.doc, note.id);
    });
    await eventually(() => expect(readNotes(doc).map((note) => note.text)).toEqual(['Bea still writes']));
    renameBoard(fran.doc, 'Retention workshop, cleared');
    await eventually(() => expect(readBoardMeta(doc)?.title).toBe('Retention workshop, cleared'));
    addNote(bea.doc, { text: 'Back to work', x: 0, y: 0, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(doc).map((note) => note.text)).toContain('Back to work'));
    expect([fran.closes, bea.closes]).toEqual([[], []]);
  });
});
