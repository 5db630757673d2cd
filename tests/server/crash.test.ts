import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { notesMap } from '../../shared/document/doc';
import { addNote, readNotes, updateNote } from '../../shared/document/notes';
import { encodeSyncStep2, PRIVATE_DOCUMENT_SUFFIX } from '../../shared/protocol';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { NoteId } from '../../shared/schema/ids';
import { SQLITE_FILE_NAME } from '../../server/persistence/sqlite';
import { RawClient } from '../helpers/raw-socket';
import {
  connectStockClient,
  createBoard,
  eventually,
  makeDataDir,
  registerParticipant,
  startTestServer,
  whenSynced,
  type StockClient,
  type TestServer,
} from '../helpers/server';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

/** How many times the crash test kills the server. */
const ROUNDS = 20;
const WRITERS = 3;
const OBSERVERS = 2;
/**
 * The kill lands this long after the observers first receive a write; the
 * range covers a few compactions' worth of load.
 */
const KILL_AFTER_MS = { min: 50, max: 400 };
/** Each writer changes the board this often: a busy workshop, and far more than one update per event-loop turn. */
const WRITE_EVERY_MS = 5;
/**
 * A small compaction threshold, so that some kills land while the log is
 * being folded into a snapshot, not only on plain appends.
 */
const COMPACT_AFTER_UPDATES = 30;

/**
 * A small seeded generator (mulberry32), so that a failing run can be
 * repeated with the same kill delays: RETAIN_CRASH_SEED=<seed> npx vitest run tests/server/crash.test.ts
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The clients (by Yjs client id) whose updates `witness` holds and `server` lacks, with both clocks. */
function missingClocks(server: Y.Doc, witness: Y.Doc): string[] {
  const held = Y.decodeStateVector(Y.encodeStateVector(server));
  const missing: string[] = [];
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(witness))) {
    const have = held.get(client) ?? 0;
    if (have < clock) missing.push(`client ${client}: has ${have}, witness saw ${clock}`);
  }
  return missing;
}

/** How many items the document has seen in all: it grows whenever anything new arrives. */
function totalClock(doc: Y.Doc): number {
  let total = 0;
  for (const clock of Y.decodeStateVector(Y.encodeStateVector(doc)).values()) total += clock;
  return total;
}

/**
 * True when `server` holds every insertion and every deletion `witness`
 * holds. Comparing state vectors alone would miss a lost deletion, and
 * editing a note deletes the value it replaces.
 */
function containsAll(server: Y.Doc, witness: Y.Doc): boolean {
  return Y.snapshotContainsUpdate(Y.snapshot(server), Y.encodeStateAsUpdate(witness));
}

describe('the server process, killed with SIGKILL at random moments under a write load', () => {
  const running: ServerProcess[] = [];
  const clients: StockClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const timer of timers.splice(0)) clearInterval(timer);
    for (const client of clients.splice(0)) client.destroy();
    for (const p of running.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string): Promise<ServerProcess> {
    const p = await startServerProcess({
      DATA_DIR: dataDir,
      // An empty room is compacted and unloaded after this grace; a long one keeps the board
      // loaded while the check gives way to the round's clients, so that each kill finds
      // recent updates in the log, not freshly folded into a snapshot.
      ROOM_UNLOAD_GRACE_MS: '60000',
      COMPACT_AFTER_UPDATES: String(COMPACT_AFTER_UPDATES),
    });
    running.push(p);
    return p;
  }

  async function kill(p: ServerProcess): Promise<void> {
    p.child.kill('SIGKILL');
    await p.exited;
    running.splice(running.indexOf(p), 1);
  }

  function connect(p: ServerProcess, boardId: string, token: string): StockClient {
    const client = connectStockClient(p, boardId, { token });
    clients.push(client);
    return client;
  }

  function release(client: StockClient): void {
    client.destroy();
    clients.splice(clients.indexOf(client), 1);
  }

  /** Connects a fresh viewer and checks the server holds everything any witness was sent. */
  async function expectServerHolds(p: ServerProcess, board: CreateBoardResponse, acknowledged: Y.Doc, context: string): Promise<void> {
    const check = connect(p, board.boardId, board.tokens.viewer);
    await whenSynced(check.provider, 10_000);
    expect(missingClocks(check.doc, acknowledged), `${context}: updates a client was sent are missing`).toEqual([]);
    expect(containsAll(check.doc, acknowledged), `${context}: a deletion a client was sent is missing`).toBe(true);
    release(check);
  }

  it(`keeps every update any client received from the server over ${ROUNDS} crashes, and a database that opens cleanly`, async ({ annotate }) => {
    const seed = process.env.RETAIN_CRASH_SEED ? Number(process.env.RETAIN_CRASH_SEED) : Math.floor(Math.random() * 2 ** 32);
    const random = seededRandom(seed);
    // Drawn before anything runs, so the same seed always gives the same kill moments.
    const killDelays = Array.from({ length: ROUNDS }, () => KILL_AFTER_MS.min + Math.floor(random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min + 1)));
    await annotate(`seed ${seed}; kill delays ${killDelays.join(', ')} ms`);
    const dataDir = await makeDataDir();
    dirs.push(dataDir);

    // Everything any observer was ever sent, across all rounds: the server must never lose any of it.
    const acknowledged = new Y.Doc();
    let board: CreateBoardResponse | null = null;
    let roundsWithLoad = 0;

    for (let round = 0; round <= ROUNDS; round++) {
      const context = `seed ${seed}, round ${round}`;
      const server = await start(dataDir);
      // The database opened again after the previous kill, and the server says it can use it.
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status, `${context}: /healthz after the restart`).toBe(200);
      if (board) {
        await expectServerHolds(server, board, acknowledged, context);
      } else {
        board = await createBoard(server, 'Crash test');
      }
      if (round === ROUNDS) {
        // The last start only checks the last kill; it is killed too, so the file is left as a crash leaves it.
        await kill(server);
        break;
      }

      // Observers hold viewer tokens, so they never write: all they have came
      // from the server, which sends an update only once it is stored. A
      // writer's own document also holds edits the server never acknowledged,
      // so it cannot witness what the server promised to keep.
      const observers = Array.from({ length: OBSERVERS }, () => connect(server, board!.boardId, board!.tokens.viewer));
      // Writers are the facilitator: the write guard lets only a note's author or the
      // facilitator change its text (docs/server-promises.md), and the writers edit
      // one another's notes. As participants they were refused and closed early,
      // and most rounds ran with no load at all.
      const writers = Array.from({ length: WRITERS }, () => connect(server, board!.boardId, board!.tokens.facilitator));
      const roundClients = [...observers, ...writers];
      await Promise.all(roundClients.map((client) => whenSynced(client.provider, 10_000)));
      const before = totalClock(acknowledged);
      const syncedClocks = observers.map((observer) => totalClock(observer.doc));

      // The board is kept across rounds, so writers add notes and edit ones from earlier rounds.
      const roundTimers = writers.map((writer, w) => {
        const ids = [...notesMap(writer.doc).keys()] as NoteId[];
        let count = 0;
        const timer = setInterval(() => {
          count++;
          // Mostly edits: they reach back into earlier rounds' notes, and keep the board (and each restart) small enough to be quick.
          if (ids.length === 0 || random() < 0.3) {
            ids.push(addNote(writer.doc, { text: `round ${round} writer ${w} note ${count}`, x: count, y: w * 100, authorId: null, authorName: '' }));
          } else {
            const id = ids[Math.floor(random() * ids.length)]!;
            updateNote(writer.doc, id, { text: `edited in round ${round} by writer ${w} (${count})`, x: Math.floor(random() * 2000) });
          }
        }, WRITE_EVERY_MS);
        timers.push(timer);
        return timer;
      });

      // The kill clock starts once load is flowing: on a machine busy with other
      // tests, a fresh process can take longer than the shortest delay to answer
      // its first write, and a round killed before then would prove nothing.
      await eventually(() => expect(observers.some((observer, o) => totalClock(observer.doc) > syncedClocks[o]!)).toBe(true), 10_000);
      await sleep(killDelays[round]!);
      // No client may reconnect: the next server listens on another port, and a
      // reconnecting writer would resend edits and blur what was acknowledged.
      // Set before the kill, so no reconnection can be scheduled in between.
      for (const client of roundClients) client.provider.shouldConnect = false;
      await kill(server);
      for (const timer of roundTimers) clearInterval(timer);
      // Wait until every socket has seen the close, so every frame the server sent has been applied.
      await eventually(() => expect(roundClients.every((client) => client.provider.ws === null)).toBe(true));

      for (const observer of observers) Y.applyUpdate(acknowledged, Y.encodeStateAsUpdate(observer.doc));
      if (totalClock(acknowledged) > before) roundsWithLoad++;
      for (const client of roundClients) release(client);
    }

    // Without load reaching the server the test would prove nothing.
    expect(roundsWithLoad, `seed ${seed}: rounds in which the observers received writes`).toBe(ROUNDS);

    // Open the file as it was left by the last kill (write-ahead log and all) and check it directly.
    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    try {
      expect(db.pragma('integrity_check', { simple: true }), `seed ${seed}: PRAGMA integrity_check`).toBe('ok');
      expect(db.pragma('foreign_key_check'), `seed ${seed}: PRAGMA foreign_key_check`).toEqual([]);
      // The stored board, read without the server: the snapshot, then the log in order.
      const stored = new Y.Doc();
      const snapshot = db.prepare('SELECT state FROM document_snapshots WHERE doc_name = ?').get(board!.boardId) as { state: Buffer } | undefined;
      const log = db.prepare('SELECT data FROM document_updates WHERE doc_name = ? ORDER BY seq').all(board!.boardId) as { data: Buffer }[];
      Y.transact(stored, () => {
        if (snapshot) Y.applyUpdate(stored, snapshot.state);
        for (const row of log) Y.applyUpdate(stored, row.data);
      });
      expect(missingClocks(stored, acknowledged), `seed ${seed}: updates missing from the file itself`).toEqual([]);
      expect(containsAll(stored, acknowledged), `seed ${seed}: deletions missing from the file itself`).toBe(true);
      await annotate(`${notesMap(stored).size} notes on the board; ${log.length} updates in the log after the last compaction; load reached the server in ${roundsWithLoad} of ${ROUNDS} rounds`);
    } finally {
      db.close();
    }
  }, 150_000);
});

describe('edits a participant makes while offline', () => {
  const servers: TestServer[] = [];
  const clients: StockClient[] = [];
  const raws: RawClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const raw of raws.splice(0)) raw.close();
    for (const client of clients.splice(0)) client.destroy();
    // close, not stop: stop would delete the data directory the next server needs.
    for (const server of servers.splice(0)) await server.close();
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  /** Each item the array holds more than once, with how often. */
  function duplicates(items: string[]): string[] {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([item, n]) => `${item} ×${n}`);
  }

  it('are applied exactly once, however often the client reconnects and sends them again', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await startTestServer({ dataDir, roomUnloadGraceMs: 60_000 });
    servers.push(first);
    const board = await createBoard(first);
    const person = await registerParticipant(first, board.boardId, board.tokens.participant, 'Sam');
    const params = { token: board.tokens.participant, participant: person.participantKey };
    // The participant's private document, with one draft per edit: a draft
    // applied twice, or lost, shows in the list of drafts.
    const room = `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`;
    const openPrivate = (doc?: Y.Doc) => {
      const client = connectStockClient(first, room, params, doc);
      clients.push(client);
      return client;
    };
    const itemsOf = (doc: Y.Doc) => readNotes(doc).map((draft) => draft.text).sort();

    const tab = openPrivate();
    // A second connection of the same person that never writes: it holds only what the server stored and sent.
    const watcher = openPrivate();
    await Promise.all([whenSynced(tab.provider), whenSynced(watcher.provider)]);
    const expected: string[] = [];
    // One transaction per item, as separate keystrokes would be: each is its own update to resend.
    const push = (item: string) => {
      addNote(tab.doc, { text: item, x: 0, y: 0, authorId: null, authorName: '' });
      expected.push(item);
    };
    const serverHasEverything = () => eventually(() => expect(itemsOf(watcher.doc)).toEqual([...expected].sort()));

    push('online 1');
    push('online 2');
    await serverHasEverything();

    // Offline, then back, then off again the moment it has synced: the server
    // may or may not have taken the edits, so the next connection may send them again.
    tab.provider.disconnect();
    for (let i = 1; i <= 5; i++) push(`offline A${i}`);
    tab.provider.connect();
    await whenSynced(tab.provider);
    tab.provider.disconnect();

    // More offline edits, then two reconnections in a row.
    for (let i = 1; i <= 5; i++) push(`offline B${i}`);
    tab.provider.connect();
    await whenSynced(tab.provider);
    tab.provider.disconnect();
    tab.provider.connect();
    await whenSynced(tab.provider);
    await serverHasEverything();

    // The same offline edits from two copies of the document at once (a
    // second tab, or a copy restored from the browser's store): both copies
    // connect before the server has either's edits, so it is usually sent
    // each of them twice.
    tab.provider.disconnect();
    for (let i = 1; i <= 5; i++) push(`offline C${i}`);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(tab.doc));
    const secondTab = openPrivate(copy);
    tab.provider.connect();
    await Promise.all([whenSynced(tab.provider), whenSynced(secondTab.provider)]);
    await serverHasEverything();

    // A client that believes the server has nothing sends its whole history,
    // as sync step 2 and as a plain update, twice each.
    const raw = await RawClient.connect(`${first.wsUrl}/${room}?${new URLSearchParams(params).toString()}`);
    raws.push(raw);
    const wholeHistory = encodeSyncStep2(Y.encodeStateAsUpdate(tab.doc));
    for (let i = 0; i < 2; i++) {
      raw.send(wholeHistory);
      raw.sendUpdate(Y.encodeStateAsUpdate(tab.doc));
    }
    // The server answers this request only after it has applied and stored everything sent before it.
    raw.requestSync();
    await eventually(() => expect(itemsOf(raw.doc)).toEqual([...expected].sort()));
    expect(raw.closeCode, 'the server accepted the resent history').toBeNull();

    expect(itemsOf(watcher.doc)).toHaveLength(expected.length);
    expect(duplicates(itemsOf(watcher.doc))).toEqual([]);
    expect(itemsOf(watcher.doc)).toEqual([...expected].sort());

    // A fresh connection, and then a fresh server on the same data, see each item exactly once.
    const fresh = openPrivate();
    await whenSynced(fresh.provider);
    expect(itemsOf(fresh.doc)).toEqual([...expected].sort());

    for (const client of clients.splice(0)) client.destroy();
    raws.splice(0).forEach((r) => r.close());
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    const second = await startTestServer({ dataDir });
    servers.push(second);
    const afterRestart = connectStockClient(second, room, params);
    clients.push(afterRestart);
    await whenSynced(afterRestart.provider);
    expect(duplicates(itemsOf(afterRestart.doc))).toEqual([]);
    expect(itemsOf(afterRestart.doc)).toEqual([...expected].sort());
    expect(expected).toHaveLength(2 + 5 + 5 + 5);
  });
});
