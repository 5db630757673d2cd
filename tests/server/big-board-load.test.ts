import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { initBoard } from '../../shared/document/board';
import type { DocumentName } from '../../server/persistence/types';
import { CHUNKED_LOAD_BYTES, encodeInChunks } from '../../server/rooms/documentLoader';
import { connectStockClient, createBoard, makeDataDir, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';

/**
 * A big board is read in a worker thread and applied a chunk an event-loop
 * turn (server/rooms/documentLoader.ts, docs/server-promises.md "Sync"):
 * these tests check that what a client gets is the whole board all the
 * same, and that other boards are served while it loads.
 */

const NOTES = 1200;
const noteText = (n: number) => `Note ${n}: staff would stay if rotas were agreed earlier and handovers had protected time.`;

describe('loading a big board', () => {
  const servers: TestServer[] = [];
  const clients: StockClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const server of servers.splice(0)) await server.close();
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  function connect(server: TestServer, boardId: string, token: string): StockClient {
    const client = connectStockClient(server, boardId, { token });
    clients.push(client);
    return client;
  }

  it('after a restart loads it in chunks, answers another board meanwhile, and a newcomer gets all of it', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await startTestServer({ dataDir });
    servers.push(first);
    const big = await createBoard(first, 'Big board');
    const small = await createBoard(first, 'Small board');
    const writer = connect(first, big.boardId, big.tokens.facilitator);
    await whenSynced(writer.provider);
    for (let written = 0; written < NOTES; written += 100) {
      writer.doc.transact(() => {
        for (let n = written; n < written + 100; n++) addNote(writer.doc, { text: noteText(n), x: n % 2000, y: n % 1200, authorId: null, authorName: 'Writer' });
      });
      // A turn apart, within the connection's rate limit.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const expected = Y.encodeStateVector(writer.doc);
    const room = await first.rooms.get(big.boardId as DocumentName);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not get every note')), 10_000);
      const check = () => {
        if (room && Buffer.from(Y.encodeStateVector(room.doc)).equals(Buffer.from(expected))) {
          clearTimeout(timer);
          resolve();
        } else setTimeout(check, 10);
      };
      check();
    });
    for (const client of clients.splice(0)) client.destroy();
    // Closing stores each board as one snapshot.
    await first.close();
    servers.splice(0);
    const stored = Y.encodeStateAsUpdate(room!.doc);
    expect(stored.byteLength).toBeGreaterThan(CHUNKED_LOAD_BYTES);

    const second = await startTestServer({ dataDir });
    servers.push(second);
    const events: string[] = [];
    const newcomer = connect(second, big.boardId, big.tokens.viewer);
    const bigSynced = new Promise<string[]>((resolve) =>
      newcomer.provider.once('sync', () => {
        events.push('big board synced');
        resolve(readNotes(newcomer.doc).map((note) => note.text));
      }),
    );
    // Once the big board's room is loading (the registry counts it), another board's newcomer connects.
    while (second.rooms.size === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    let bigLoaded = false;
    void second.rooms.get(big.boardId as DocumentName).then((loaded) => {
      bigLoaded = loaded !== undefined;
      events.push('big board loaded');
    });
    const other = connect(second, small.boardId, small.tokens.viewer);
    await whenSynced(other.provider, 10_000);
    events.push(`small board synced${bigLoaded ? '' : ' while the big board loaded'}`);

    const notes = await bigSynced;
    expect(events).toEqual(['small board synced while the big board loaded', 'big board loaded', 'big board synced']);
    expect(notes.length).toBe(NOTES);
    expect(new Set(notes)).toEqual(new Set(Array.from({ length: NOTES }, (_, n) => noteText(n))));
    expect(Buffer.from(Y.encodeStateVector(newcomer.doc)).equals(Buffer.from(expected))).toBe(true);

    const loaded = await second.rooms.get(big.boardId as DocumentName);
    // Applied over many turns, a bounded chunk each, not at once.
    expect(loaded!.chunkedLoad).not.toBeNull();
    expect(loaded!.chunkedLoad!.chunks).toBeGreaterThan(5);
    expect(loaded!.chunkedLoad!.turns).toBeGreaterThanOrEqual(loaded!.chunkedLoad!.chunks);
    // The board was clean: the worker's preparation changed nothing, so the room did not prepare it again.
    expect(loaded!.chunkedLoad!.prepareChanges).toBe(false);
    expect(Buffer.from(Y.encodeStateAsUpdate(loaded!.doc)).equals(Buffer.from(stored))).toBe(true);
  }, 30_000);
});

describe('encodeInChunks', () => {
  it('gives back the same document from small updates, whatever order several writers interleaved in, with nothing left pending', () => {
    const writers = [3, 1, 2].map((id) => {
      const doc = new Y.Doc();
      doc.clientID = id;
      return doc;
    });
    const syncAll = () => {
      for (const from of writers) for (const to of writers) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    };
    initBoard(writers[0]!, { title: 'Interleaved', createdAt: 1 });
    syncAll();
    for (let round = 0; round < 120; round++) {
      const doc = writers[round % 3]!;
      const id = addNote(doc, { text: `note ${round}`, x: round, y: round, authorId: null, authorName: 'Writer' });
      doc.getArray('order').insert(0, [id]);
      if (round % 7 === 3) doc.getArray('order').delete(1, 1);
      const text = doc.getText(`text ${round % 5}`);
      text.insert(Math.min(text.length, round % 4), `r${round}`);
      if (round % 2) syncAll();
    }
    syncAll();
    const source = writers[0]!;
    const chunks = encodeInChunks(source, { structs: 3, content: 16, deleteRanges: 2 });
    expect(chunks.length).toBeGreaterThan(50);
    const copy = new Y.Doc();
    for (const chunk of chunks) {
      Y.applyUpdate(copy, chunk);
      // Every chunk applies whole: what it refers to came before it.
      expect(copy.store.pendingStructs).toBeNull();
      expect(copy.store.pendingDs).toBeNull();
    }
    expect(Buffer.from(Y.encodeStateAsUpdate(copy)).equals(Buffer.from(Y.encodeStateAsUpdate(source)))).toBe(true);
    expect(isDeepStrictEqual(readNotes(copy), readNotes(source))).toBe(true);
    expect(copy.getArray('order').toJSON()).toEqual(source.getArray('order').toJSON());
    for (let i = 0; i < 5; i++) expect(copy.getText(`text ${i}`).toString()).toBe(source.getText(`text ${i}`).toString());
  });
});
