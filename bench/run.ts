import { fork, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CapacityResult, Job, JobResult, JoinResult, LoadResult, LoadgenMessage, OrchestratorMessage, PopulateResult, WindowResult } from './jobs';
import { canPin, machineCpuMs, pinToCpu, processRssMb } from './procfs';
import { measureCommitLatency } from './disk';
import { browserBenchRows, runBrowserBench } from './browser';
import { formatNumber, markdownTable, scenarioRows, textTable, type Figure, type Row, type RunFigures } from './report';
import { OUR_BENCH_ENV, OUR_NODE_FLAGS, startServerUnderTest, type ServerKind, type ServerUnderTest } from './servers';

/**
 * `npm run bench`: runs every scenario against our server and the reference
 * y-websocket server (@y/websocket-server), alternating the two, and prints
 * and writes the comparison. Not part of `npm test`: it takes minutes and
 * its figures depend on the machine.
 *
 * Flags: --quick (short windows, one repeat, smaller big scenarios: a smoke
 * run; it writes no file unless --out is given), --repeats K, --only a,b
 * (scenario ids: light, mixed, big-room, capacity, many-rooms-300,
 * many-rooms, room-capacity, big-board, slow-client, browser), --out FILE (default docs/benchmarks.md for a full run),
 * --max-wait-idle S (before each run, wait up to S seconds for other work
 * on the machine to finish; 10 by default, 0 with --quick), --servers ours
 * (or reference: run one server only, while working on it; no ratios then).
 *
 * BENCH_PROFILE_DIR=dir in the environment writes a CPU profile of each
 * load-generator process there, to see where the harness spends its time.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repeats: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
    'max-wait-idle': { type: 'string' },
    servers: { type: 'string' },
  },
});
const quick = args.quick ?? false;
/** How long to wait before each run for other work on the machine to finish (seconds). */
const maxWaitIdleS = args['max-wait-idle'] !== undefined ? Number(args['max-wait-idle']) : quick ? 0 : 10;

/** A scenario: how to run it once against a server, and which figures to read from the result. */
interface Scenario {
  id: string;
  title: string;
  /** What the load is, for the report. */
  description: string;
  repeats: number;
  run(server: ServerUnderTest, pins: Pins): Promise<RunFigures>;
}

interface Pins {
  server: number | null;
  loadgen: number | null;
}

/**
 * Runs one job in a fresh load-generator process, pinned away from the
 * server. `makeRooms` answers its requests for more rooms (a room-capacity search).
 */
function runLoadgen(job: Job, pins: Pins, makeRooms?: (count: number) => Promise<string[]>): Promise<JobResult> {
  const child = fork(path.join(REPO_ROOT, 'bench/loadgen.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (pins.loadgen !== null && child.pid !== undefined) pinToCpu(child.pid, pins.loadgen);
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (message: LoadgenMessage) => {
      if (message.type === 'log') console.log(`    ${message.text}`);
      else if (message.type === 'roomsWanted') {
        const answer = (reply: OrchestratorMessage) => {
          if (child.connected) child.send(reply);
        };
        (makeRooms ?? (() => Promise.reject(new Error('this job cannot ask for rooms'))))(message.count).then(
          (urls) => answer({ type: 'rooms', urls }),
          (error: unknown) => answer({ type: 'roomsFailed', message: error instanceof Error ? error.message : String(error) }),
        );
      } else if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`the load generator exited (${code ?? signal}) without a result`));
    });
    child.send(job);
  });
}

// -- Figures ------------------------------------------------------------------

function figure(value: number | null, unit: string, digits = 1): Figure {
  return { value: value !== null && Number.isFinite(value) ? value : null, unit, digits };
}

function counts(delivered: number, expected: number): Figure {
  return { value: expected ? delivered / expected : null, unit: '', digits: 0, counts: { delivered, expected } };
}

/** The figures of one measured window; `prefix` tells phases apart. */
function windowFigures(window: WindowResult, cursors: boolean, prefix = ''): [string, Figure][] {
  const out: [string, Figure][] = [
    [`${prefix}update latency p50`, figure(window.updateLatency.p50, 'ms', 2)],
    [`${prefix}update latency p99`, figure(window.updateLatency.p99, 'ms', 2)],
    [`${prefix}update latency max`, figure(window.updateLatency.max, 'ms', 1)],
    [`${prefix}updates delivered/expected`, counts(window.updatesDelivered, window.updatesExpected)],
  ];
  if (cursors) {
    out.push(
      [`${prefix}cursor latency p50`, figure(window.cursorLatency.p50, 'ms', 2)],
      [`${prefix}cursor latency p99`, figure(window.cursorLatency.p99, 'ms', 2)],
      [`${prefix}cursors delivered/expected`, counts(window.cursorsDelivered, window.cursorsExpected - window.cursorsSuperseded)],
      [`${prefix}cursors superseded by a newer state`, figure(window.cursorsExpected ? (window.cursorsSuperseded / window.cursorsExpected) * 100 : null, '% of expected', 2)],
    );
  }
  out.push([`${prefix}server CPU per delivered update`, figure(window.updatesDelivered ? (window.serverCpuMs * 1000) / window.updatesDelivered : null, 'µs', 1)]);
  if (cursors) {
    const messages = window.updatesDelivered + window.cursorsDelivered;
    out.push([`${prefix}server CPU per delivered message`, figure(messages ? (window.serverCpuMs * 1000) / messages : null, 'µs', 2)]);
  }
  out.push(
    [`${prefix}probe echo p99 (server responsiveness)`, figure(window.probeEcho.count ? window.probeEcho.p99 : null, 'ms', 2)],
    [`${prefix}server CPU`, figure((window.serverCpuMs / window.wallMs) * 100, '% of a core', 0)],
    [`${prefix}server main thread waiting on the disk`, figure(window.serverMainThreadDiskWait * 100, '% of samples', 1)],
    [`${prefix}server RSS peak`, figure(window.serverRssMaxMb, 'MB', 0)],
    [`${prefix}messages to clients`, figure(window.messagesReceivedPerSecond, '/s', 0)],
    [`${prefix}load generator CPU`, figure(window.loadgenCpuShare * 100, '% of a core', 0)],
  );
  return out;
}

// -- Warnings -----------------------------------------------------------------

const warnings: string[] = [];

function warn(text: string): void {
  warnings.push(text);
  console.warn(`  warning: ${text}`);
}

/** Flags a window in which the harness, not the server, may have been the limit, or in which something was lost. */
function checkWindow(where: string, window: WindowResult): void {
  if (window.loadgenCpuShare > 0.85) {
    const serverShare = window.serverCpuMs / window.wallMs;
    warn(
      serverShare > 0.9
        ? `${where}: the server (${Math.round(serverShare * 100)}% of its core) and the load generator (${Math.round(window.loadgenCpuShare * 100)}%) were both saturated.`
        : `${where}: the load generator used ${Math.round(window.loadgenCpuShare * 100)}% of its core; the figures may be the harness's limit, not the server's.`,
    );
  } else if (window.loadgenLoopDelayP99Ms > 50) {
    warn(`${where}: the load generator's event loop lagged (p99 ${window.loadgenLoopDelayP99Ms.toFixed(0)} ms); latencies include that lag.`);
  }
  if (window.serverRunQueueWaitMs > window.wallMs * 0.1) {
    warn(`${where}: the server's main thread waited ${Math.round(window.serverRunQueueWaitMs)} ms of ${Math.round(window.wallMs)} ms for its CPU, taken by other processes or by its own helper threads (the garbage collector's), which share its pinned core.`);
  }
  const lostUpdates = window.updatesExpected - window.updatesDelivered;
  if (lostUpdates > 0) warn(`${where}: ${lostUpdates} of ${window.updatesExpected} update deliveries had not arrived 5 s after the load stopped (lost, or very late).`);
  if (window.probeEcho.count === 0) warn(`${where}: none of the probe's messages came back before the run ended; the server was that far behind.`);
  const otherShare = window.otherCpuMs / window.wallMs;
  if (otherShare > 0.1) warn(`${where}: other processes on the machine used ${Math.round(otherShare * 100)}% of a core during the window; the two CPUs were shared.`);
  if (window.stealMs > window.wallMs * 0.05) warn(`${where}: the hypervisor took ${Math.round(window.stealMs)} ms of CPU (steal) during the window.`);
  const lostCursors = window.cursorsExpected - window.cursorsSuperseded - window.cursorsDelivered;
  if (lostCursors > 0) warn(`${where}: ${lostCursors} of ${window.cursorsExpected} cursor deliveries had not arrived 5 s after the load stopped (lost, or very late).`);
  if (window.socketsClosed > 0) warn(`${where}: the server closed ${window.socketsClosed} client socket(s).`);
}

// -- Scenarios ----------------------------------------------------------------

interface LoadShape {
  rooms: number;
  clients: number;
  writers: number;
  ops: number;
  cursorHz: number;
}

function shapeText(shape: LoadShape): string {
  const room = `N${shape.clients} W${shape.writers} R${shape.ops}${shape.cursorHz ? ` A${shape.cursorHz}` : ''}`;
  return shape.rooms > 1 ? `${formatNumber(shape.rooms, 0)} rooms × ${room}` : room;
}

function loadScenario(id: string, title: string, shape: LoadShape, options: { windowMs: number; warmupMs: number; repeats: number }): Scenario {
  return {
    id,
    title: `${title} (${shapeText(shape)})`,
    description: `${shapeText(shape)}: ${shape.rooms > 1 ? `${formatNumber(shape.rooms, 0)} rooms of ${shape.clients} clients` : `${shape.clients} clients in one room`}, ${shape.writers} writer(s) per room making ${shape.ops} note edits a second each${shape.cursorHz ? `, every client sending its cursor ${shape.cursorHz} times a second` : ', no cursors'}; ${options.warmupMs / 1000} s warm-up, ${options.windowMs / 1000} s measured.`,
    repeats: options.repeats,
    async run(server, pins) {
      const rooms = await server.createRooms(shape.rooms + 1, id);
      const probeRoom = rooms.pop()!;
      const result = (await runLoadgen(
        {
          kind: 'load',
          serverPid: server.pid,
          rooms,
          probeRoom,
          clientsPerRoom: shape.clients,
          writersPerRoom: shape.writers,
          opsPerSecond: shape.ops,
          cursorHz: shape.cursorHz,
          warmupMs: options.warmupMs,
          phases: [{ label: 'steady', windowMs: options.windowMs, stallOneReader: false }],
          drainMs: 5000,
          connectConcurrency: 50,
        },
        pins,
      )) as LoadResult;
      const window = result.windows[0]!;
      checkWindow(`${id} on ${server.kind}`, window);
      return new Map(windowFigures(window, shape.cursorHz > 0));
    },
  };
}

function slowClientScenario(shape: LoadShape, options: { windowMs: number; stalledMs: number; warmupMs: number; repeats: number }): Scenario {
  return {
    id: 'slow-client',
    title: `Slow client (${shapeText(shape)} + 1 stalled reader)`,
    description: `The mixed load with one more reader, which stops reading (its socket paused) after a ${options.windowMs / 1000} s baseline window; a second, ${options.stalledMs / 1000} s window measures everyone else while it is stalled. The stalled client is left out of every count. It falls behind by what every other client receives in that time (an estimate is in the table); the kernel's socket buffers on both ends hold the first MB or so before the server has to queue anything itself, and ours drops a socket only once 8 MB are queued to it (MAX_BUFFERED_BYTES).`,
    repeats: options.repeats,
    async run(server, pins) {
      const [room, probeRoom] = await server.createRooms(2, 'slow');
      const result = (await runLoadgen(
        {
          kind: 'load',
          serverPid: server.pid,
          rooms: [room!],
          probeRoom: probeRoom!,
          clientsPerRoom: shape.clients,
          writersPerRoom: shape.writers,
          opsPerSecond: shape.ops,
          cursorHz: shape.cursorHz,
          warmupMs: options.warmupMs,
          phases: [
            { label: 'baseline', windowMs: options.windowMs, stallOneReader: false },
            { label: 'stalled', windowMs: options.stalledMs, stallOneReader: true },
          ],
          drainMs: 5000,
          connectConcurrency: 50,
        },
        pins,
      )) as LoadResult;
      const [baseline, stalled] = result.windows as [WindowResult, WindowResult];
      checkWindow(`slow-client baseline on ${server.kind}`, baseline);
      checkWindow(`slow-client stalled on ${server.kind}`, stalled);
      const change = baseline.updateLatency.p99 ? ((stalled.updateLatency.p99 - baseline.updateLatency.p99) / baseline.updateLatency.p99) * 100 : null;
      return new Map<string, Figure>([
        ['update latency p99, baseline', figure(baseline.updateLatency.p99, 'ms', 2)],
        ['update latency p99, one client stalled', figure(stalled.updateLatency.p99, 'ms', 2)],
        ['probe echo p99, baseline', figure(baseline.probeEcho.p99, 'ms', 2)],
        ['probe echo p99, one client stalled', figure(stalled.probeEcho.p99, 'ms', 2)],
        ['change in p99', { ...figure(change, '%', 1), noRatio: true }],
        ['cursor latency p99, baseline', figure(baseline.cursorLatency.p99, 'ms', 2)],
        ['cursor latency p99, one client stalled', figure(stalled.cursorLatency.p99, 'ms', 2)],
        ['updates delivered/expected (both windows)', counts(baseline.updatesDelivered + stalled.updatesDelivered, baseline.updatesExpected + stalled.updatesExpected)],
        ['server CPU per delivered update, stalled', figure(stalled.updatesDelivered ? (stalled.serverCpuMs * 1000) / stalled.updatesDelivered : null, 'µs', 1)],
        ['server RSS peak, baseline', figure(baseline.serverRssMaxMb, 'MB', 0)],
        ['server RSS peak, stalled', figure(stalled.serverRssMaxMb, 'MB', 0)],
        ['stalled client fell behind by (estimate)', figure(stalled.clients ? (stalled.bytesReceivedPerSecond / stalled.clients) * (stalled.wallMs / 1000) / 1024 / 1024 : null, 'MiB', 1)],
        ['server dropped the stalled client after', figure(result.stallerClosedAfterMs !== null ? result.stallerClosedAfterMs / 1000 : null, 's; — = kept it', 1)],
        ['load generator CPU, stalled', figure(stalled.loadgenCpuShare * 100, '% of a core', 0)],
      ]);
    },
  };
}

/** Capacity steps, kept for the report's detail section. */
const capacityDetails: string[] = [];

interface CapacityOptions {
  /** What a step adds: clients to one room, or rooms of `clientsPerRoom` clients. */
  grow: 'clients' | 'rooms';
  clientsPerRoom: number;
  writers: number;
  ops: number;
  cursorHz: number;
  start: number;
  step: number;
  max: number;
  windowMs: number;
  repeats: number;
}

/**
 * A capacity search: the load grows step by step, each step measured, until
 * the update p99 passes 50 ms or an update is lost. `capacity` grows the
 * clients of one room; `room-capacity` adds rooms of a few clients each.
 */
function capacityScenario(options: CapacityOptions): Scenario {
  const p99LimitMs = 50;
  const rooms = options.grow === 'rooms';
  const unit = options.grow;
  const room = `W${options.writers} R${options.ops} A${options.cursorHz}`;
  const id = rooms ? 'room-capacity' : 'capacity';
  return {
    id,
    title: rooms
      ? `Room capacity (rooms of N${options.clientsPerRoom} ${room}, +${formatNumber(options.step, 0)} rooms a step)`
      : `Capacity (one room, ${room}, +${options.step} clients a step)`,
    description: `${
      rooms
        ? `Rooms of ${options.clientsPerRoom} clients, ${options.writers} writer(s) in each at ${options.ops} edits a second and every client's cursor at ${options.cursorHz} Hz; rooms are added ${formatNumber(options.step, 0)} at a time from ${formatNumber(options.start, 0)}`
        : `One room with ${options.writers} writers at ${options.ops} edits a second and every client's cursor at ${options.cursorHz} Hz; clients are added ${options.step} at a time from ${options.start}`
    }, each step measured for ${options.windowMs / 1000} s after 1 s to settle (a step that fails is measured once more and fails only if it fails again), until the update p99 passes ${p99LimitMs} ms, an update is lost, or ${formatNumber(options.max, 0)} ${unit}. Capacity is the last step that passed.`,
    repeats: options.repeats,
    async run(server, pins) {
      // The rooms of the first step (and the probe's); the load generator asks for each further step's
      // as it gets there (ours makes a board in 1.5–3 ms: thousands up front would be wasted on a search that stops early).
      const [probeRoom, ...urls] = await server.createRooms((rooms ? options.start : 1) + 1, id);
      let roomsMade = 0;
      let roomsMs = 0;
      const makeRooms = async (count: number) => {
        const started = performance.now();
        const made = await server.createRooms(count, id);
        roomsMade += count;
        roomsMs += performance.now() - started;
        return made;
      };
      const result = (await runLoadgen(
        {
          kind: 'capacity',
          serverPid: server.pid,
          grow: options.grow,
          rooms: urls,
          clientsPerRoom: options.clientsPerRoom,
          probeRoom: probeRoom!,
          writers: options.writers,
          opsPerSecond: options.ops,
          cursorHz: options.cursorHz,
          start: options.start,
          step: options.step,
          max: options.max,
          settleMs: 1000,
          windowMs: options.windowMs,
          drainMs: 3000,
          p99LimitMs,
        },
        pins,
        makeRooms,
      )) as CapacityResult;
      if (roomsMade) console.log(`    ${formatNumber(roomsMade, 0)} more rooms made between steps, in ${Math.round(roomsMs)} ms`);
      const lastPassed = [...result.steps].reverse().find((step) => step.passed);
      const stopped = result.steps[result.steps.length - 1];
      if (result.harnessBound) warn(`${id} on ${server.kind}: the load generator saturated at ${stopped ? formatNumber(stopped.size, 0) : '?'} ${unit}; the capacity found (${formatNumber(result.capacity, 0)}) is a lower bound.`);
      // A step slowed by other work on the machine (its CPU, or the server's core) says little about the server.
      const otherShare = (window: WindowResult) => Math.max(window.otherCpuMs, window.serverRunQueueWaitMs) / window.wallMs;
      if (stopped && !result.reachedMax && otherShare(stopped.window) > 0.1) {
        warn(`${id} on ${server.kind}: the step that ended the search (${formatNumber(stopped.size, 0)} ${unit}) shared the CPUs with other work (${Math.round((stopped.window.otherCpuMs / stopped.window.wallMs) * 100)}% of a core used by other processes, the server waited ${Math.round(stopped.window.serverRunQueueWaitMs)} ms for its core); the capacity found may be understated.`);
      }
      capacityDetails.push(
        `- ${id} on ${server.kind}: ${result.steps
          .map((step) => `${step.size} ${step.passed ? '✓' : '✗'} (p99 ${formatNumber(step.window.updateLatency.p99, 1)} ms, server ${formatNumber((step.window.serverCpuMs / step.window.wallMs) * 100, 0)}%, harness ${formatNumber(step.window.loadgenCpuShare * 100, 0)}%${otherShare(step.window) > 0.1 ? `, CPUs shared: other work ${formatNumber((step.window.otherCpuMs / step.window.wallMs) * 100, 0)}%` : ''})`)
          .join('; ')}${result.stoppedBy ? ` — stopped at ${result.stoppedBy}` : stopped?.reason ? ` — stopped: ${stopped.reason}` : ''}${result.reachedMax ? ' — reached the step limit' : ''}`,
      );
      const at = lastPassed?.window;
      return new Map<string, Figure>([
        ['capacity', figure(result.capacity, `${unit}${result.harnessBound ? ', harness-bound' : ''}${result.reachedMax ? ', at the step limit' : ''}`, 0)],
        ...(rooms ? ([['clients at capacity', figure(at ? at.clients : null, 'clients', 0)]] as [string, Figure][]) : []),
        ['update latency p99 at capacity', figure(at?.updateLatency.p99 ?? null, 'ms', 2)],
        ['cursor latency p99 at capacity', figure(at?.cursorLatency.p99 ?? null, 'ms', 2)],
        ['probe echo p99 at capacity', figure(at?.probeEcho.p99 ?? null, 'ms', 2)],
        ['server CPU at capacity', figure(at ? (at.serverCpuMs / at.wallMs) * 100 : null, '% of a core', 0)],
        ['server CPU per delivered update at capacity', figure(at && at.updatesDelivered ? (at.serverCpuMs * 1000) / at.updatesDelivered : null, 'µs', 1)],
        ['server RSS peak at capacity', figure(at?.serverRssMaxMb ?? null, 'MB', 0)],
        ['load generator CPU at capacity', figure(at ? at.loadgenCpuShare * 100 : null, '% of a core', 0)],
      ]);
    },
  };
}

function bigBoardScenario(options: { notes: number; clients: number; timedJoins: number; repeats: number }): Scenario {
  return {
    id: 'big-board',
    title: `Big board (${formatNumber(options.notes, 0)} notes, ${options.clients} clients)`,
    description: `One client writes ${formatNumber(options.notes, 0)} notes (100 to an update); our server is then restarted so that the first join loads the board from SQLite (the reference, run without persistence, keeps it in memory and is not restarted). A probe in another room, on a thread of its own in the load generator (so that reading the board for a joiner does not delay it), sends an awareness state every 2 ms to a listener there: its longest echo while a client joins bounds how long the join blocked the server's event loop. ${options.timedJoins} timed joins, then ${options.clients} clients join (20 at a time) and the memory is read 2 s after the last synced.`,
    repeats: options.repeats,
    async run(server, pins) {
      const [room, probeRoom] = await server.createRooms(2, 'big-board');
      const populated = (await runLoadgen({ kind: 'populate', serverPid: server.pid, room: room!, notes: options.notes, notesPerUpdate: 100 }, pins)) as PopulateResult;
      console.log(`    populated in ${Math.round(populated.populateMs)} ms (${Math.round(populated.updateBytes / 1024)} KiB document)`);
      const restarted = server.kind === 'ours';
      if (restarted) await server.restart();
      const joined = (await runLoadgen(
        { kind: 'join', serverPid: server.pid, room: room!, probeRoom: probeRoom!, timedJoins: options.timedJoins, clients: options.clients, connectConcurrency: 20, probeIntervalMs: 2 },
        pins,
      )) as JoinResult;
      if (joined.socketsClosed > 0) warn(`big-board on ${server.kind}: the server closed ${joined.socketsClosed} socket(s).`);
      if (joined.otherCpuMs > joined.wallMs * 0.1) warn(`big-board on ${server.kind}: other processes on the machine used ${Math.round((joined.otherCpuMs / joined.wallMs) * 100)}% of a core while clients joined; the two CPUs were shared.`);
      if (joined.serverRunQueueWaitMs > joined.wallMs * 0.1) warn(`big-board on ${server.kind}: the server's main thread waited ${Math.round(joined.serverRunQueueWaitMs)} ms of ${Math.round(joined.wallMs)} ms for its CPU, taken by other processes or by its own helper threads.`);
      return new Map<string, Figure>([
        ['populate time', figure(populated.populateMs, 'ms', 0)],
        ['document size', figure(populated.updateBytes / 1024, 'KiB', 0)],
        ['first join after a restart (cold load)', figure(restarted ? joined.firstJoinMs : null, 'ms', 1)],
        ['longest probe echo during the cold join', figure(restarted ? joined.probeDuringFirstJoinMaxMs : null, 'ms', 1)],
        ['join time p50 (board loaded)', figure(joined.warmJoinMs.p50, 'ms', 1)],
        ['join time max (board loaded)', figure(joined.warmJoinMs.max, 'ms', 1)],
        ['probe echo p50, idle', figure(joined.probeIdle.p50, 'ms', 2)],
        ['longest probe echo during a join (event-loop block bound)', figure(joined.probeDuringJoinMaxMs, 'ms', 1)],
        ['bytes sent to sync a newcomer', figure(joined.syncBytes / 1024, 'KiB', 0)],
        [`time for ${options.clients} clients to sync`, figure(joined.allClientsSyncedMs, 'ms', 0)],
        [`server CPU for ${options.clients} joins`, figure(joined.serverCpuMsForClients, 'ms', 0)],
        [`server RSS with ${options.clients} clients`, figure(joined.serverRssWithClientsMb, 'MB', 0)],
        ['server RSS peak (whole run)', figure(joined.serverRssPeakMb, 'MB', 0)],
      ]);
    },
  };
}

function scenarios(): Scenario[] {
  const repeats = args.repeats ? Number(args.repeats) : null;
  const load = { windowMs: quick ? 3000 : 10_000, warmupMs: quick ? 1000 : 2000, repeats: repeats ?? (quick ? 1 : 3) };
  const once = repeats ?? 1;
  const mixed: LoadShape = { rooms: 1, clients: 100, writers: 10, ops: 5, cursorHz: 5 };
  /** The many-rooms shape: a small group at a board, one of them writing. */
  const smallRoom: LoadShape = { rooms: 1, clients: 3, writers: 1, ops: 2, cursorHz: 2 };
  return [
    loadScenario('light', 'Light', { rooms: 1, clients: 100, writers: 10, ops: 5, cursorHz: 0 }, load),
    loadScenario('mixed', 'Mixed with cursors', mixed, load),
    loadScenario('big-room', 'Big room', { rooms: 1, clients: 200, writers: 20, ops: 10, cursorHz: 10 }, load),
    capacityScenario({ grow: 'clients', clientsPerRoom: 0, writers: 10, ops: 5, cursorHz: 5, start: 50, step: 50, max: quick ? 300 : 1000, windowMs: quick ? 2000 : 4000, repeats: once }),
    loadScenario('many-rooms-300', 'Many rooms', { ...smallRoom, rooms: quick ? 100 : 300 }, { ...load, repeats: once }),
    loadScenario('many-rooms', 'Many rooms', { ...smallRoom, rooms: quick ? 200 : 1000 }, { ...load, repeats: once }),
    capacityScenario({ grow: 'rooms', clientsPerRoom: smallRoom.clients, writers: smallRoom.writers, ops: smallRoom.ops, cursorHz: smallRoom.cursorHz, start: quick ? 100 : 250, step: quick ? 100 : 250, max: quick ? 400 : 4000, windowMs: quick ? 2000 : 4000, repeats: once }),
    bigBoardScenario({ notes: quick ? 2000 : 10_000, clients: quick ? 50 : 200, timedJoins: quick ? 3 : 10, repeats: once }),
    slowClientScenario(mixed, { windowMs: quick ? 3000 : 10_000, stalledMs: quick ? 5000 : 20_000, warmupMs: load.warmupMs, repeats: once }),
  ];
}

// -- Targets ------------------------------------------------------------------

interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

function checkTargets(rows: Row[]): TargetCheck[] {
  // Rows are found by their scenario's exact title (by id), so that scenarios whose titles share a prefix do not mix.
  const titles = new Map(scenarios().map((scenario) => [scenario.id, scenario.title]));
  const find = (id: string, figure: string) => rows.find((row) => row.scenario === titles.get(id) && row.figure.startsWith(figure));
  const ratioCheck = (target: string, row: Row | undefined, limit: number): TargetCheck => {
    if (!row || row.oursValue === null || row.referenceValue === null || row.referenceValue === 0) return { target, measured: 'not measured', met: null };
    const ratio = row.oursValue / row.referenceValue;
    return { target, measured: `${row.ours} vs ${row.reference} = ${formatNumber(ratio, 2)}×`, met: ratio <= limit };
  };
  const valueCheck = (target: string, row: Row | undefined, test: (value: number) => boolean): TargetCheck => {
    if (!row || row.oursValue === null) return { target, measured: 'not measured', met: null };
    return { target, measured: `${row.ours} ${row.figure.replace(/^.*\(([^)]*)\)$/, '$1')}`, met: test(row.oursValue) };
  };
  const capacityCheck = (target: string, row: Row | undefined, unit: string): TargetCheck =>
    row && row.oursValue !== null && row.referenceValue !== null && row.referenceValue > 0
      ? { target, measured: `${row.ours} vs ${row.reference} ${unit} = ${formatNumber(row.oursValue / row.referenceValue, 2)}×${row.figure.includes('harness') || row.figure.includes('limit') ? ' (a bound, see the capacity steps)' : ''}`, met: row.oursValue >= 2 * row.referenceValue }
      : row && row.oursValue !== null && row.referenceValue === 0
        ? { target, measured: `${row.ours} vs 0 ${unit}: no ratio (the reference failed its first step; see the capacity steps)`, met: null }
        : { target, measured: 'not measured', met: null };
  /** "300 rooms", from a many-rooms title. */
  const roomsIn = (id: string) => titles.get(id)?.replace(/^[^(]*\(([^)×]*?)\s*×.*$/, '$1');
  const noneLost = (target: string, ids: string[]): TargetCheck => {
    // Whichever of the loads ran (--only may leave one out).
    const per = ids
      .map((id) => ({ id, updates: find(id, 'updates delivered/expected'), cursors: find(id, 'cursors delivered/expected') }))
      .filter(({ updates, cursors }) => updates?.oursValue != null && cursors?.oursValue != null);
    if (per.length === 0) return { target, measured: 'not measured', met: null };
    const share = (row: Row | undefined) => row!.ours.replace(/ \(.*\)$/, '');
    return {
      target,
      measured: per.map(({ id, updates, cursors }) => `${roomsIn(id)}: updates ${share(updates)}, cursors ${share(cursors)}`).join('; '),
      met: per.every(({ updates, cursors }) => updates!.oursValue === 1 && cursors!.oursValue === 1),
    };
  };
  // The many-rooms targets name their full room counts; a --quick run's smaller loads are checked too, but say so.
  const quickNote = (id: string, check: TargetCheck): TargetCheck =>
    quick && check.met !== null ? { ...check, measured: `${check.measured} (--quick: ${roomsIn(id)})` } : check;
  // The big-board targets are about 10,000 notes and 200 clients: a --quick run's smaller board does not count.
  const fullBoard = (row: Row) => row.scenario.startsWith('Big board (10,000 notes, 200 clients)');
  const rssRow = rows.find((row) => fullBoard(row) && row.figure.startsWith('server RSS with 200 clients'));
  const joinBlockRow = rows.find((row) => fullBoard(row) && row.figure.startsWith('longest probe echo during a join'));
  return [
    ratioCheck('server CPU per delivered update ≤ 0.6× the reference’s (mixed)', find('mixed', 'server CPU per delivered update'), 0.6),
    ratioCheck('update p99 no worse than the reference’s (light)', find('light', 'update latency p99'), 1),
    ratioCheck('server CPU per delivered update no worse than the reference’s (light)', find('light', 'server CPU per delivered update'), 1),
    ratioCheck('update p99 ≤ 0.5× the reference’s (mixed)', find('mixed', 'update latency p99'), 0.5),
    capacityCheck('single-room capacity ≥ 2× the reference’s', find('capacity', 'capacity'), 'clients'),
    quickNote('many-rooms-300', ratioCheck('update p99 no worse than the reference’s (300 rooms)', find('many-rooms-300', 'update latency p99'), 1)),
    quickNote('many-rooms', ratioCheck('update p99 no worse than the reference’s (1,000 rooms)', find('many-rooms', 'update latency p99'), 1)),
    quickNote('many-rooms-300', ratioCheck('server CPU per delivered update ≤ 0.8× the reference’s (300 rooms)', find('many-rooms-300', 'server CPU per delivered update'), 0.8)),
    quickNote('many-rooms', ratioCheck('server CPU per delivered update ≤ 0.8× the reference’s (1,000 rooms)', find('many-rooms', 'server CPU per delivered update'), 0.8)),
    capacityCheck('rooms held with update p99 < 50 ms ≥ 2× the reference’s', find('room-capacity', 'capacity'), 'rooms'),
    noneLost('nothing lost in the many-rooms loads (300 and 1,000 rooms)', ['many-rooms-300', 'many-rooms']),
    valueCheck('10,000-note board with 200 clients < 150 MB RSS', rssRow, (value) => value < 150),
    valueCheck('a join to a 10,000-note board blocks the event loop < 5 ms', joinBlockRow, (value) => value < 5),
    // A stalled client that seems to make the others faster is noise, not a failure: only a rise counts.
    valueCheck('one stalled client raises the others’ p99 by < 10%', find('slow-client', 'change in p99'), (value) => value < 10),
  ];
}

// -- Main ---------------------------------------------------------------------

/** How many cores' worth of CPU the machine used over `ms` (between runs: everything but the harness). */
async function machineBusyCores(ms: number): Promise<number> {
  const before = machineCpuMs().busyMs;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (machineCpuMs().busyMs - before) / ms;
}

/**
 * Waits, up to `maxWaitIdleS`, until the machine is nearly idle, so that a
 * test suite or a build running alongside does not take the servers' CPU.
 * Runs started on a busy machine are flagged.
 */
async function waitForQuiet(where: string): Promise<void> {
  if (maxWaitIdleS <= 0) return;
  const deadline = Date.now() + maxWaitIdleS * 1000;
  let busy = await machineBusyCores(500);
  if (busy > 0.15) console.log(`    waiting up to ${maxWaitIdleS} s for the machine to quieten (other processes are using ${Math.round(busy * 100)}% of a core)`);
  while (busy > 0.15 && Date.now() < deadline) busy = await machineBusyCores(1000);
  if (busy > 0.15) warn(`${where}: started while other processes were using ${Math.round(busy * 100)}% of a core.`);
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${commit} with uncommitted changes in server/ or shared/` : commit;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const only = args.only ? new Set(args.only.split(',').map((id) => id.trim())) : null;
  const kinds = (args.servers ?? 'ours,reference').split(',').map((kind) => kind.trim()) as ServerKind[];
  if (kinds.length === 0 || kinds.some((kind) => kind !== 'ours' && kind !== 'reference')) throw new Error('--servers takes ours, reference or both (comma-separated)');
  const chosen = scenarios().filter((scenario) => !only || only.has(scenario.id));
  // The client side: the board in headless Chromium (docs/benchmarks.md, "The board in the browser"), after the servers' scenarios.
  const withBrowser = !only || only.has('browser');
  if (chosen.length === 0 && !withBrowser) throw new Error(`no scenario matches --only ${args.only}; the ids are ${[...scenarios().map((s) => s.id), 'browser'].join(', ')}`);
  const cores = os.cpus().length;
  const pinning = cores >= 2 && canPin();
  const pins: Pins = pinning ? { server: 0, loadgen: 1 } : { server: null, loadgen: null };
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const started = new Date();
  console.log(`Retain benchmark: ${command}`);
  console.log(pinning ? 'Server pinned to CPU 0, load generator to CPU 1 (taskset).' : 'Not pinned (taskset unavailable or a single core): server and harness share the CPUs.');
  const diskBefore = await measureCommitLatency();
  console.log(`Durable SQLite commit on the data disk: p50 ${diskBefore.p50Ms.toFixed(2)} ms, p99 ${diskBefore.p99Ms.toFixed(2)} ms, max ${diskBefore.maxMs.toFixed(1)} ms`);

  const rows: Row[] = [];
  const failures: string[] = [];
  const startup: Record<ServerKind, RunFigures[]> = { ours: [], reference: [] };
  for (const scenario of chosen) {
    console.log(`\n${scenario.title}`);
    const runs: Record<ServerKind, RunFigures[]> = { ours: [], reference: [] };
    for (let repeat = 0; repeat < scenario.repeats; repeat++) {
      for (const kind of kinds) {
        console.log(`  run ${repeat + 1}/${scenario.repeats} on ${kind}`);
        let server: ServerUnderTest | null = null;
        try {
          await waitForQuiet(`${scenario.id} on ${kind}, run ${repeat + 1}`);
          const launched = performance.now();
          server = await startServerUnderTest(kind, pins.server);
          const startMs = performance.now() - launched;
          // Let start-up work (module compilation, the first collection) settle before reading the idle memory.
          await new Promise((resolve) => setTimeout(resolve, 500));
          startup[kind].push(new Map([['start-up time', figure(startMs, 'ms', 0)], ['RSS idle after start', figure(processRssMb(server.pid), 'MB', 0)]]));
          runs[kind].push(await scenario.run(server, pins));
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const tail = server ? server.output().trim().split('\n').slice(-10).join('\n') : '';
          failures.push(`${scenario.id} on ${kind}, run ${repeat + 1}: ${message}${tail ? `\n  server output (last lines):\n${tail}` : ''}`);
          console.error(`  FAILED: ${message}`);
        } finally {
          await server?.stop().catch(() => {});
        }
      }
    }
    const scenarioTable = scenarioRows(scenario.title, runs);
    console.log(`\n${textTable(scenarioTable)}`);
    rows.push(...scenarioTable);
  }
  rows.unshift(...scenarioRows('Start-up (every run)', startup));
  let browserRows: string[] = [];
  if (withBrowser) {
    console.log('\nThe board in headless Chromium (npm run bench:browser)');
    await waitForQuiet('the browser benchmark');
    browserRows = browserBenchRows(await runBrowserBench());
    console.log(browserRows.join('\n'));
  }
  const durationS = Math.round((Date.now() - started.getTime()) / 1000);
  const targets = checkTargets(rows);

  console.log('\n== Results (median of repeats; range in brackets) ==\n');
  console.log(textTable(rows));
  console.log('\nTargets:');
  for (const check of targets) console.log(`  ${check.met === null ? '?' : check.met ? 'met    ' : 'not met'}  ${check.target}: ${check.measured}`);
  if (capacityDetails.length) console.log(`\nCapacity steps:\n${capacityDetails.join('\n')}`);
  if (warnings.length) console.log(`\nWarnings:\n${warnings.map((w) => `  - ${w}`).join('\n')}`);
  if (failures.length) console.log(`\nFailed runs:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  console.log(`\nTook ${durationS} s.`);

  const out = args.out ?? (quick ? null : 'docs/benchmarks.md');
  if (!out) {
    console.log('A --quick run writes no file; pass --out FILE to keep it.');
    return;
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const markdown = [
    '# Benchmarks: our sync server against the reference y-websocket server',
    '',
    `Written by \`${command}\` on ${started.toISOString().slice(0, 10)} (${durationS} s). Code: ${gitDescription()}.`,
    '',
    '## Machine',
    '',
    `- CPU: ${cpu}, ${cores} cores; RAM ${formatNumber(os.totalmem() / 1024 ** 3, 1)} GiB; ${os.type()} ${os.release()}`,
    `- Node ${process.version}`,
    `- A durable SQLite commit (WAL, \`synchronous=FULL\`, as our server makes one per event-loop turn with updates) on the disk the servers' data is on: p50 ${diskBefore.p50Ms.toFixed(2)} ms, p99 ${diskBefore.p99Ms.toFixed(2)} ms, max ${diskBefore.maxMs.toFixed(1)} ms (${diskBefore.commits} commits before the runs; \`bench/disk.ts\`). Our server broadcasts an update only after such a commit; the reference stores nothing.`,
    `- ${pinning ? 'Each server under test pinned to CPU 0 and the load generator to CPU 1 (taskset).' : 'No pinning (taskset unavailable or one core): the server and the harness shared the CPUs.'}`,
    '',
    '## Servers',
    '',
    `- **Ours**: \`node ${OUR_NODE_FLAGS.join(' ')} dist/server/index.js\` (as \`npm start\` runs it: the server compiled to JavaScript) with a fresh temporary DATA_DIR (SQLite) and ${Object.entries(OUR_BENCH_ENV)
      .map(([key, value]) => `\`${key}=${value}\``)
      .join(', ')}: the per-connection rate limit is lifted so that it does not shape the load; every other limit is the default.`,
    '- **Reference**: `@y/websocket-server@0.1.1` (yjs 13), its own `src/server.js` (the `y-websocket-server` bin) with `HOST=127.0.0.1` and a free `PORT`, without `YPERSISTENCE`: it keeps documents in memory only and writes nothing to disk.',
    '- Each run starts a fresh server process; the two servers alternate (ours, reference, ours, …) for every repeat.',
    '',
    '## Scenarios',
    '',
    ...chosen.map((scenario) => `- **${scenario.title}** (${scenario.repeats} run${scenario.repeats > 1 ? 's' : ''} each): ${scenario.description}`),
    '',
    '## Results',
    '',
    'Median of the runs, with the range in brackets when the runs differed; deliveries are summed over the runs.',
    '',
    markdownTable(rows),
    '',
    ...(browserRows.length
      ? [
          '## The board in the browser',
          '',
          'A blank board with 1,000 notes open in headless Chromium (Debian’s, driven by playwright-core) while another client adds 10 notes a second for 10 s; frame times are the intervals between `requestAnimationFrame` callbacks (`bench/browser.ts`, also `npm run bench:browser`). Frames come in whole refresh intervals (16.7 ms at 60 Hz, ±0.1 ms of timestamp coarsening), so the p95 is read against one refresh interval, with the share of frames that missed a refresh.',
          '',
          ...browserRows,
          '',
        ]
      : []),
    '## Targets',
    '',
    '| Target | Measured | Met |',
    '|---|---|---|',
    ...targets.map((check) => `| ${check.target} | ${check.measured.replace(/\|/g, '\\|')} | ${check.met === null ? '?' : check.met ? 'yes' : 'no'} |`),
    '',
    ...(capacityDetails.length ? ['## Capacity steps', '', ...capacityDetails, ''] : []),
    ...(warnings.length ? ['## Warnings', '', ...warnings.map((w) => `- ${w}`), ''] : []),
    ...(failures.length ? ['## Failed runs', '', ...failures.map((f) => `- ${f.replace(/\n/g, '\n  ')}`), ''] : []),
    '## How to read this',
    '',
    '- **Latency** is end to end, from the moment a writer’s update leaves its socket to the moment each other client has read it, measured by the harness without help from either server: the receiver decodes the ids of the structs in each update and looks up when the writer sent them. Writers and receivers share one process and one clock. An update is expected at every client of the room except its writer.',
    '- **Delivered/expected** must be 100%: anything less is an update (or cursor) lost, or still not there 5 s after the load stopped (the harness waits that long for stragglers; an overloaded server can be that far behind).',
    '- **Cursor figures** (latency, deliveries) come from the first 50 clients of each room, which follow every cursor state; the others only receive them. Checking every state at every client of a 200-client room would cost the harness more than the server spends sending them.',
    '- **Cursors superseded**: presence is a latest-state value, so a server may send only the newest state of each client per turn. A cursor state that a newer one from the same client overtook is counted as superseded, not lost, and left out of the cursor deliveries’ expected count.',
    '- **Server CPU** is the user+system time of the server process (all its threads) over the measured window, read from /proc; **per delivered update** divides it by the update deliveries (update × receiver), so in the scenarios with cursors it also carries the cursors’ cost. **Per delivered message** divides by updates and cursors together.',
    '- **RSS** is the server process’s resident memory, sampled every 200 ms; the start-up rows show each server idle.',
    '- **Ours/ref** below 1 is better for ours for every figure except capacity, deliveries and messages to clients (higher is better there).',
    '- Our server stores every update in SQLite before broadcasting it; the reference stores nothing. That costs ours CPU and latency the reference does not pay.',
    '- **Load generator CPU** near 100% of its core means the harness, not the server, may be the bottleneck: such windows are listed under Warnings. The harness decodes each distinct broadcast once and shares the result among the receivers, and only writers hold a Y.Doc.',
    '- **Main thread waiting on the disk** is the share of 5 ms samples of /proc in which the server’s main thread was in uninterruptible sleep (state D: an fsync, typically). High latency with low CPU and a high share here means the server waits for its storage, not for the CPU.',
    '- **Probe echo**: a client in a room of its own sends an awareness state every 5 ms (every 2 ms in the big-board scenario), and a second socket in that room times when the server passes it on (our server sends no socket its own presence back, so the sender cannot time its own echo; in the big-board scenario both sockets are on a thread of their own, so that the harness reading a 4 MB board cannot delay them). Under load it shows how long the server takes to get to anyone’s message, apart from the fan-out; while a join is in progress, its longest echo is an upper bound on how long the join blocked the server’s event loop.',
    '- **Warnings** also list windows in which other processes on the machine used the CPUs or the server waited for its core: figures from such windows compare the servers under unequal conditions.',
    '',
  ].join('\n');
  await fs.writeFile(path.resolve(REPO_ROOT, out), markdown);
  console.log(`Wrote ${out}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
