import { CURRENT_SCHEMA_VERSION } from '../../shared/schema/version';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, readNotes, updateNote, deleteNote } from '../../shared/document/notes';
import { readBoardMeta } from '../../shared/document/board';
import type { NoteId } from '../../shared/schema/ids';
import {
  connectStockClient,
  createBoard,
  eventually,
  whenSynced,
  type TestServer,
} from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';

describe('the sync endpoint speaks the standard y-websocket protocol', () => {
  let server: TestServer;
  const clients = serverPerTest((started) => {
    server = started;
  });

  function connect(boardId: string, token: string) {
    const client = connectStockClient(server, boardId, { token });
    clients.push(client);
    return client;
  }

  it('gives a stock WebsocketProvider the board title on its first sync', async () => {
    const board = await createBoard(server, 'Board away day');
    const alice = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(alice.provider);
    expect(readBoardMeta(alice.doc)).toMatchObject({ title: 'Board away day', schemaVersion: CURRENT_SCHEMA_VERSION });
  });

  it('carries notes added, edited and deleted by one client to another at once', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    const bob = connect(board.boardId, board.tokens.participant);
    await Promise.all([whenSynced(alice.provider), whenSynced(bob.provider)]);

    const id = addNote(bob.doc, { text: 'Exit interviews nobody reads', x: 10, y: 20, authorId: null, authorName: '' });
    await eventually(() => expect(readNotes(alice.doc).map((n) => n.text)).toEqual(['Exit interviews nobody reads']));

    updateNote(alice.doc, id, { text: 'Exit interviews: act on them' });
    updateNote(bob.doc, id, { x: 300 });
    for (const doc of [alice.doc, bob.doc]) {
      await eventually(() => expect(readNotes(doc)[0]).toMatchObject({ text: 'Exit interviews: act on them', x: 300, y: 20 }));
    }

    deleteNote(alice.doc, id);
    await eventually(() => expect(readNotes(bob.doc)).toEqual([]));
  });

  it('merges concurrent edits to different fields of one note', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    const bob = connect(board.boardId, board.tokens.participant);
    await Promise.all([whenSynced(alice.provider), whenSynced(bob.provider)]);
    const id = addNote(alice.doc, { text: 'Flexible rotas', x: 0, y: 0, authorId: null, authorName: 'Alice' });
    await eventually(() => expect(readNotes(bob.doc)).toHaveLength(1));

    updateNote(alice.doc, id as NoteId, { text: 'Flexible rotas for night staff' });
    updateNote(bob.doc, id as NoteId, { x: 500, y: 400 });
    for (const doc of [alice.doc, bob.doc]) {
      await eventually(() => expect(readNotes(doc)[0]).toMatchObject({ text: 'Flexible rotas for night staff', x: 500, y: 400 }));
    }
  });

  it('sends a newcomer everything written before it joined', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(alice.provider);
    for (let i = 0; i < 20; i++) addNote(alice.doc, { text: `note ${i}`, x: i, y: i, authorId: null, authorName: 'Alice' });
    await eventually(async () => {
      const latecomer = connect(board.boardId, board.tokens.viewer);
      await whenSynced(latecomer.provider);
      expect(readNotes(latecomer.doc)).toHaveLength(20);
    });
  });

  it('sends offline edits made on both sides to each other when a client reconnects', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    const bob = connect(board.boardId, board.tokens.participant);
    await Promise.all([whenSynced(alice.provider), whenSynced(bob.provider)]);

    bob.provider.disconnect();
    addNote(bob.doc, { text: 'written on the train', x: 0, y: 0, authorId: null, authorName: '' });
    addNote(alice.doc, { text: 'written in the room', x: 0, y: 0, authorId: null, authorName: 'Alice' });
    bob.provider.connect();

    for (const doc of [alice.doc, bob.doc]) {
      await eventually(() =>
        expect(readNotes(doc).map((n) => n.text).sort()).toEqual(['written in the room', 'written on the train']),
      );
    }
  });

  it('shares presence and removes it for everyone when a client leaves', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    const bob = connect(board.boardId, board.tokens.participant);
    await Promise.all([whenSynced(alice.provider), whenSynced(bob.provider)]);

    alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
    alice.provider.awareness.setLocalStateField('cursor', { x: 40, y: 50 });
    // Alice has a token but never registered a name: the server says who she is, by her role.
    await eventually(() =>
      expect(bob.provider.awareness.getStates().get(alice.doc.clientID)).toMatchObject({ user: { name: 'Facilitator', role: 'facilitator' }, cursor: { x: 40, y: 50 } }),
    );

    // Leave without saying goodbye: the server must remove the presence itself.
    (alice.provider.ws as unknown as { terminate(): void } | null)?.terminate();
    alice.provider.shouldConnect = false;
    await eventually(() => expect(bob.provider.awareness.getStates().has(alice.doc.clientID)).toBe(false));
  });

  it('answers a query for awareness with everyone present', async () => {
    const board = await createBoard(server);
    const alice = connect(board.boardId, board.tokens.facilitator);
    await whenSynced(alice.provider);
    alice.provider.awareness.setLocalStateField('cursor', { x: 1, y: 2 });
    const bob = connect(board.boardId, board.tokens.participant);
    await whenSynced(bob.provider);
    await eventually(() => expect(bob.provider.awareness.getStates().get(alice.doc.clientID)).toMatchObject({ user: { role: 'facilitator' }, cursor: { x: 1, y: 2 } }));
  });

  it('keeps two boards apart', async () => {
    const first = await createBoard(server, 'First');
    const second = await createBoard(server, 'Second');
    const a = connect(first.boardId, first.tokens.facilitator);
    const b = connect(second.boardId, second.tokens.facilitator);
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)]);
    addNote(a.doc, { text: 'only on the first', x: 0, y: 0, authorId: null, authorName: 'A' });
    const check = connect(first.boardId, first.tokens.viewer);
    await eventually(() => expect(readNotes(check.doc)).toHaveLength(1));
    expect(readNotes(b.doc)).toEqual([]);
    expect(Y.encodeStateVector(b.doc)).not.toEqual(Y.encodeStateVector(a.doc));
  });
});
