import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as Y from 'yjs';
import { readProgress } from '../../shared/document/drafts';
import { addNote, readNotes } from '../../shared/document/notes';
import { readSession, writePhase } from '../../shared/document/session';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardId, PerspectiveId } from '../../shared/schema/ids';
import { PostgresStorage } from '../../server/persistence/postgres';
import { haproxyBinary, startHaproxy, type RunningHaproxy } from '../helpers/haproxy';
import { testDatabase, type TestDatabase } from '../helpers/postgres';
import { testRedisPrefix, throwawayRedis, type ThrowawayRedis } from '../helpers/redis';
import {
  type BoardPerson,
  connectStockClient,
  createBoard,
  eventually,
  joinWithPrivateDocument,
  type StockClient,
  type TestServer,
  whenSynced,
} from '../helpers/server';
import type { ServerProcess } from '../helpers/server-process';
import { ServerProcesses } from '../helpers/server-processes';
import { freePort } from '../helpers/throwaway';

/*
 * Three server processes on one PostgreSQL database and one Redis, behind
 * HAProxy run with docs/haproxy.cfg, everything reached through the proxy
 * only, while processes are killed, stopped past their lease and restarted,
 * Redis goes away and comes back, and a board's owner dies in the middle of
 * its reveal (docs/storage.md, "One owner per board", "Redis" and
 * "Routing"; docs/server-promises.md, "Durability").
 */

const LEASE_MS = 1500;
const BOARDS = 30;
/** Boards with clients on them: two each, so a note one writes is acknowledged once the other sees it. */
const BOARDS_WITH_CLIENTS = 10;
const WRITE_EVERY_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textsOf = (doc: Y.Doc) => readNotes(doc).map((note) => note.text);

/** One of the three processes, on a port of its own that it keeps across restarts. */
interface Slot {
  port: number;
  dataDir: string;
  process: ServerProcess | null;
}

interface Writer {
  board: number;
  name: string;
  client: StockClient;
  written: string[];
}

let database: TestDatabase | null = null;
let redis: ThrowawayRedis | null = null;
let proxy: RunningHaproxy | null = null;
const processes = new ServerProcesses();
const slots: Slot[] = [];
const clients: StockClient[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const client of clients.splice(0)) client.destroy();
  await proxy?.stop();
  proxy = null;
  slots.splice(0);
  await processes.stopAll();
  await redis?.kill();
  redis = null;
  await database?.drop();
  database = null;
});

/**
 * One database, a Redis of the test's own, three processes on ports they
 * keep across restarts, and HAProxy in front of them.
 */
async function cluster() {
  const db = (database = await testDatabase());
  const red = (redis = await throwawayRedis());
  const prefix = testRedisPrefix();
  for (let i = 0; i < 3; i++) slots.push({ port: await freePort(), dataDir: await processes.dataDir(), process: null });
  const start = async (slot: Slot) => {
    slot.process = await processes.start({
      PORT: String(slot.port),
      DATABASE_URL: db.url,
      REDIS_URL: red.url,
      REDIS_PREFIX: prefix,
      DATA_DIR: slot.dataDir,
      BOARD_LEASE_MS: String(LEASE_MS),
      // The whole log stays for the epoch check below: no compaction folds it into a snapshot.
      COMPACT_AFTER_UPDATES: '1000000',
      // Every creation here comes from one address (the proxy's).
      BOARD_CREATIONS_PER_HOUR: '1000',
      // A probe of servingSlots (a board route asked of each process directly) loads the board where nobody serves it: let it go soon after.
      ROOM_UNLOAD_GRACE_MS: '500',
    });
  };
  await Promise.all(slots.map(start));
  const px = (proxy = await startHaproxy(slots.map((slot) => `127.0.0.1:${slot.port}`)));
  return {
    db,
    red,
    px,
    // The proxy stands where a server would: createBoard, registerParticipant and the stock client need only its URLs.
    through: px as unknown as TestServer,
    start,
    /** SIGKILL, then the same process again on its port, as a service manager would restart it. */
    async killAndRestart(slot: Slot) {
      await processes.kill(slot.process!);
      await start(slot);
    },
    /** The processes serving a board: the ones whose board routes answer 200 rather than 503 (docs/storage.md, "One owner per board"). */
    async servingSlots(board: CreateBoardResponse): Promise<Slot[]> {
      const answers = await Promise.all(
        slots.map((slot) =>
          fetch(`http://127.0.0.1:${slot.port}/api/boards/${board.boardId}/plan.json?token=${encodeURIComponent(board.tokens.facilitator)}`)
            .then(async (res) => {
              await res.arrayBuffer();
              return res.status;
            })
            .catch(() => 0),
        ),
      );
      return slots.filter((_, i) => answers[i] === 200);
    },
  };
}

describe('three server processes behind HAProxy (docs/haproxy.cfg), through chaos', () => {
  it('converges every board, stores every acknowledged note, never writes at a stale epoch, and reveals once', async () => {
    // Without HAProxy, fail at once with its one line, before starting anything.
    haproxyBinary();
    const startedAt = Date.now();
    const { db, red, px, through, killAndRestart, servingSlots } = await cluster();

    const boards: CreateBoardResponse[] = [];
    for (let i = 0; i < BOARDS; i++) boards.push(await createBoard(px, `Board ${i}`));

    // Two writers on each of the first boards, writing uniquely named notes at a steady pace.
    const writers: Writer[] = [];
    for (let b = 0; b < BOARDS_WITH_CLIENTS; b++) {
      for (const name of ['a', 'b']) {
        const client = connectStockClient(px, boards[b]!.boardId, { token: boards[b]!.tokens.facilitator });
        clients.push(client);
        writers.push({ board: b, name, client, written: [] });
      }
    }
    await Promise.all(writers.map((w) => whenSynced(w.client.provider, 20_000)));
    for (const w of writers) {
      let n = 0;
      timers.push(
        setInterval(() => {
          const text = `board ${w.board} writer ${w.name} note ${n++}`;
          addNote(w.client.doc, { text, x: 0, y: 0, authorId: null, authorName: '' });
          w.written.push(text);
        }, WRITE_EVERY_MS),
      );
    }

    // The reveal's board: a facilitator and two participants with drafts in their private documents.
    const revealBoard = await createBoard(px, 'Reveal', 'four-perspectives');
    const opened: StockClient[] = [];
    const join = (role: 'facilitator' | 'participant', name: string) => joinWithPrivateDocument(through, revealBoard, role, name, { opened });
    const fran = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    clients.push(...opened);
    writePhase(fran.board.doc, 'write');
    const drafts: string[] = [];
    const draft = (person: BoardPerson, text: string, lane: string) => {
      addNote(person.private.doc, { text, x: 0, y: 0, authorId: person.id, authorName: person.name, perspectiveId: lane as PerspectiveId });
      drafts.push(text);
    };
    draft(alex, 'Alex: rotas six weeks ahead', 'managers');
    draft(alex, 'Alex: exit data reaches the board', 'board');
    draft(alex, 'Alex: career conversations', 'staff');
    draft(bea, 'Bea: flexible working by default', 'hr');
    draft(bea, 'Bea: time for one-to-ones', 'managers');
    draft(bea, 'Bea: a named buddy for starters', 'staff');
    await eventually(() => expect(Object.values(readProgress(fran.board.doc).drafts).reduce((sum, n) => sum + n, 0)).toBe(drafts.length), 10_000);

    const events: string[] = [];
    const mark = (what: string) => events.push(`${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${what}`);
    const chaosStart = Date.now();
    await sleep(2000);

    mark('SIGKILL process 1, restarted');
    await killAndRestart(slots[0]!);
    await sleep(2500);

    // Stopped past its lease: a process serving some of the written boards.
    const counts = new Map<Slot, number>();
    for (const b of boards.slice(0, BOARDS_WITH_CLIENTS)) for (const slot of await servingSlots(b)) counts.set(slot, (counts.get(slot) ?? 0) + 1);
    const busiest = [...counts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? slots[1]!;
    mark(`SIGSTOP process ${slots.indexOf(busiest) + 1} (serving ${counts.get(busiest) ?? 0} written boards)`);
    busiest.process!.child.kill('SIGSTOP');
    await sleep(LEASE_MS + 2000);
    busiest.process!.child.kill('SIGCONT');
    mark('SIGCONT');
    await sleep(2000);

    mark('SIGKILL process 2, restarted');
    await killAndRestart(slots[1]!);
    await sleep(2000);

    mark('Redis killed');
    await red.kill();
    await sleep(1500);
    await red.start();
    mark('Redis back');
    await sleep(2000);

    // The reveal, and its board's owner killed right then.
    const [owner] = await servingSlots(revealBoard);
    expect(owner, 'one process serves the reveal board').toBeDefined();
    writePhase(fran.board.doc, 'reveal');
    await sleep(10);
    mark(`reveal; SIGKILL its owner, process ${slots.indexOf(owner!) + 1}, restarted`);
    await killAndRestart(owner!);
    await sleep(2500);

    mark('SIGKILL process 3, restarted');
    await killAndRestart(slots[2]!);
    await sleep(2000);

    for (const timer of timers.splice(0)) clearInterval(timer);
    mark(`chaos over after ${((Date.now() - chaosStart) / 1000).toFixed(1)} s; settling`);

    // Every client of a board converges on the same notes: everything either of its writers wrote.
    for (let b = 0; b < BOARDS_WITH_CLIENTS; b++) {
      const [one, two] = writers.filter((w) => w.board === b) as [Writer, Writer];
      const everything = [...one.written, ...two.written].sort();
      await eventually(
        () => {
          expect(textsOf(one.client.doc).sort(), `board ${b}, writer a`).toEqual(everything);
          expect(textsOf(two.client.doc).sort(), `board ${b}, writer b`).toEqual(everything);
        },
        30_000,
        100,
      );
    }

    // The reveal happened once: each draft is a note on the board once, seen alike by all three, and gone from the private documents.
    await eventually(
      () => {
        for (const person of [fran, alex, bea]) {
          expect(readSession(person.board.doc).revealed, person.name).toBe(true);
          expect(textsOf(person.board.doc).sort(), person.name).toEqual([...drafts].sort());
        }
        expect(textsOf(alex.private.doc)).toEqual([]);
        expect(textsOf(bea.private.doc)).toEqual([]);
      },
      30_000,
      100,
    );

    // Every board answers its routes through the proxy again (the untouched ones are claimed now, by whichever process the hash picks).
    await eventually(
      async () => {
        const statuses = await Promise.all(
          [...boards, revealBoard].map((b) =>
            fetch(`${px.url}/api/boards/${b.boardId}/plan.json?token=${encodeURIComponent(b.tokens.facilitator)}`).then(async (res) => {
              await res.arrayBuffer();
              return res.status;
            }),
          ),
        );
        expect(statuses.filter((status) => status !== 200)).toEqual([]);
      },
      20_000,
      250,
    );

    // What the database holds, read apart from every process.
    const store = await PostgresStorage.open(db.url);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const stored = async (board: CreateBoardResponse) => {
        const doc = new Y.Doc();
        for (const update of await store.loadDocument(board.boardId as BoardId)) Y.applyUpdate(doc, update);
        return textsOf(doc);
      };
      // Every note a writer saw from the other (acknowledged: the server stores before it passes anything on) is stored.
      for (let b = 0; b < BOARDS_WITH_CLIENTS; b++) {
        const [one, two] = writers.filter((w) => w.board === b) as [Writer, Writer];
        const acknowledged = [...textsOf(one.client.doc).filter((t) => two.written.includes(t)), ...textsOf(two.client.doc).filter((t) => one.written.includes(t))];
        const inDatabase = await stored(boards[b]!);
        expect(inDatabase, `board ${b}`).toEqual(expect.arrayContaining(acknowledged));
        expect(new Set(inDatabase).size, `board ${b}: no note twice`).toBe(inDatabase.length);
      }
      expect((await stored(revealBoard)).sort()).toEqual([...drafts].sort());

      // No stale-epoch write after a takeover: in each document's log, epochs never go down in seq order.
      const rows = await sql.query<{ doc_name: string; seq: string; epoch: string | null }>(
        'SELECT doc_name, seq, epoch FROM document_updates WHERE epoch IS NOT NULL ORDER BY doc_name, seq',
      );
      const decreases: string[] = [];
      const highest = new Map<string, number>();
      for (const row of rows.rows) {
        const epoch = Number(row.epoch);
        const before = highest.get(row.doc_name) ?? 0;
        if (epoch < before) decreases.push(`${row.doc_name} seq ${row.seq}: epoch ${epoch} after ${before}`);
        highest.set(row.doc_name, Math.max(before, epoch));
      }
      expect(decreases).toEqual([]);
      const takeovers = await sql.query<{ max: number }>('SELECT max(epoch)::int AS max FROM board_leases');
      mark(`${rows.rowCount} log entries with an epoch; highest epoch ${takeovers.rows[0]!.max}`);
      expect(takeovers.rows[0]!.max).toBeGreaterThan(1);
    } finally {
      await sql.end();
      await store.close();
    }
    mark('done');
    console.info(`multi-process chaos:\n  ${events.join('\n  ')}`);
  }, 150_000);
  it('keeps a board on the process that took it over when its first process comes back, so newcomers are served, not refused', async () => {
    haproxyBinary();
    const { px, start, servingSlots } = await cluster();
    const board = await createBoard(px, 'Moved');
    const alice = connectStockClient(px, board.boardId, { token: board.tokens.facilitator });
    clients.push(alice);
    await whenSynced(alice.provider, 10_000);
    const [first] = await servingSlots(board);
    expect(first).toBeDefined();

    // Its process dies: Alice reconnects through the proxy and is served elsewhere once the lease runs out.
    await processes.kill(first!.process!);
    await eventually(() => expect(alice.provider.synced).toBe(false), 5000, 20);
    await eventually(() => expect(alice.provider.synced).toBe(true), LEASE_MS + 10_000, 50);
    const serving = await servingSlots(board);
    expect(serving).toHaveLength(1);
    expect(serving[0]).not.toBe(first);
    addNote(alice.doc, { text: 'written after the move', x: 0, y: 0, authorId: null, authorName: '' });

    // The first process comes back and the proxy sees it up; the board's new process still serves Alice and renews the lease.
    await start(first!);
    await sleep(1500);
    // A newcomer goes where the board is (docs/haproxy.cfg, the stick table), not where the hash first put it, which would refuse it with 1013 for as long as Alice stays.
    const bob = connectStockClient(px, board.boardId, { token: board.tokens.facilitator });
    clients.push(bob);
    await whenSynced(bob.provider, 5000);
    await eventually(() => expect(textsOf(bob.doc)).toContain('written after the move'));
  }, 60_000);
});
