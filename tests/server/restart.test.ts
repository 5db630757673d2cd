import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { CloseCode } from '../../shared/protocol';
import { PLAN_FORMATS } from '../../shared/export/plan';
import { connectStockClient, createBoard, eventually, makeDataDir, whenSynced, type StockClient } from '../helpers/server';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

describe('the server process, stopped and started again on the same DATA_DIR', () => {
  const running: ServerProcess[] = [];
  const clients: StockClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const p of running.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string): Promise<ServerProcess> {
    const p = await startServerProcess({ DATA_DIR: dataDir, ROOM_UNLOAD_GRACE_MS: '60000' });
    running.push(p);
    return p;
  }

  it('serves every plan format from the compiled server, whose export libraries load on first use', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const p = await start(dataDir);
    const board = await createBoard(p, 'Compiled');
    for (const format of PLAN_FORMATS) {
      const response = await fetch(`${p.url}/api/boards/${board.boardId}/plan.${format}?token=${board.tokens.viewer}`);
      expect(response.status, format).toBe(200);
      expect((await response.arrayBuffer()).byteLength, format).toBeGreaterThan(0);
    }
    // An Excel import goes through the same lazily loaded library: the empty board's workbook is read, and found to hold no actions.
    const workbook = await fetch(`${p.url}/api/boards/${board.boardId}/plan.xlsx?token=${board.tokens.viewer}`);
    const imported = await fetch(`${p.url}/api/boards/${board.boardId}/plan/import?name=plan.xlsx`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}`, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(await workbook.arrayBuffer()),
    });
    expect(imported.status).toBe(400);
    expect(await imported.text()).toMatch(/no actions/);
  });

  it('stores open boards on SIGTERM, tells clients it is restarting, and serves them again after', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const board = await createBoard(first, 'Restart me');
    const alice = connectStockClient(first, board.boardId, { token: board.tokens.facilitator });
    clients.push(alice);
    await whenSynced(alice.provider);
    const closeCodes: number[] = [];
    alice.provider.on('connection-close', (event: CloseEvent | null) => event && closeCodes.push(event.code));
    for (let i = 0; i < 10; i++) addNote(alice.doc, { text: `before restart ${i}`, x: 0, y: 0, authorId: null, authorName: '' });
    // Let the server take them all before asking it to stop.
    await new Promise((resolve) => setTimeout(resolve, 200));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(closeCodes).toContain(CloseCode.restarting);
    alice.provider.shouldConnect = false;

    const second = await start(dataDir);
    const bob = connectStockClient(second, board.boardId, { token: board.tokens.viewer });
    clients.push(bob);
    await whenSynced(bob.provider);
    expect(readNotes(bob.doc).map((n) => n.text).sort()).toEqual(readNotes(alice.doc).map((n) => n.text).sort());
    expect(readNotes(bob.doc)).toHaveLength(10);
  });

  it('keeps every update a client received from the server when the process is killed with SIGKILL', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const board = await createBoard(first);
    const writer = connectStockClient(first, board.boardId, { token: board.tokens.participant });
    const observer = connectStockClient(first, board.boardId, { token: board.tokens.viewer });
    clients.push(writer, observer);
    await Promise.all([whenSynced(writer.provider), whenSynced(observer.provider)]);
    for (let i = 0; i < 40; i++) {
      addNote(writer.doc, { text: `n${i}`, x: i, y: i, authorId: null, authorName: '' });
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await eventually(() => expect(readNotes(observer.doc).length).toBeGreaterThan(10));
    first.child.kill('SIGKILL');
    await first.exited;
    writer.provider.shouldConnect = false;
    observer.provider.shouldConnect = false;
    // What the observer received came from the server after it was stored.
    const acknowledged = Y.encodeStateVector(observer.doc);

    const second = await start(dataDir);
    const check = connectStockClient(second, board.boardId, { token: board.tokens.viewer });
    clients.push(check);
    await whenSynced(check.provider);
    const missing = Y.encodeStateAsUpdate(observer.doc, Y.encodeStateVector(check.doc));
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    // Nothing the observer was sent is missing after the restart (more may be there).
    expect(missing).toEqual(empty);
    for (const [client, clock] of Y.decodeStateVector(acknowledged)) {
      expect(Y.decodeStateVector(Y.encodeStateVector(check.doc)).get(client) ?? 0).toBeGreaterThanOrEqual(clock);
    }
  });

  it('refuses to start with a clear message when the configuration is invalid', async () => {
    await expect(startServerProcess({ PORT: 'eighty' }, 10_000)).rejects.toThrow(/PORT/);
  });
});
