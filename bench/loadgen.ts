import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { createHistogram, monitorEventLoopDelay, performance, type IntervalHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { addNote, updateNote } from '../shared/document/notes';
import type { NoteId } from '../shared/schema/ids';
import { decodeMessage, encodeAwarenessMessage, encodeAwarenessUpdate, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../shared/protocol';
import { machineCpuMs, processCpuMs, processPeakRssMb, processRssMb, processRunQueueWaitMs, processState } from './procfs';
import { epochNow, startProbeThread } from './probeThread';
import { awarenessEntries, type AwarenessStamp, cacheStats, updateRanges } from './wire';
import type {
  CapacityJob,
  CapacityResult,
  CapacityStep,
  Job,
  JobResult,
  JoinJob,
  JoinResult,
  LatencySummary,
  LoadJob,
  LoadResult,
  LoadgenMessage,
  OrchestratorMessage,
  PopulateJob,
  PopulateResult,
  WindowResult,
} from './jobs';

/**
 * The load generator: a process of its own (pinned to another core than the
 * server's where possible) that opens raw sockets speaking y-websocket's
 * sync and awareness messages. Only writers hold a Y.Doc; every other client
 * is a socket and a few counters, so that hundreds of clients cost little
 * more than the bytes they receive.
 *
 * Latency is measured end to end and without help from the server: a writer
 * notes when it sent each transaction, by the clock range of its structs,
 * and a receiver maps the struct ids in what it receives back to those send
 * times. Both ends live in this process, so they share one clock.
 */

function send(message: LoadgenMessage): void {
  // Sockets closing after the result went out must not write to a channel that is gone.
  if (process.connected) process.send?.(message);
}

function log(text: string): void {
  send({ type: 'log', text });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Histograms count integers: latencies are recorded in microseconds. */
function record(histogram: RecordableHistogram, ms: number): void {
  histogram.record(Math.max(1, Math.round(ms * 1000)));
}

function summarise(histogram: RecordableHistogram): LatencySummary {
  if (histogram.count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  return {
    count: histogram.count,
    p50: histogram.percentile(50) / 1000,
    p99: histogram.percentile(99) / 1000,
    max: histogram.max / 1000,
  };
}

async function until(check: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A repeating timer started at a random phase, so that a room's clients do not all fire together. */
class Ticker {
  private timeout: NodeJS.Timeout | null = null;
  private interval: NodeJS.Timeout | null = null;

  constructor(periodMs: number, tick: () => void) {
    this.timeout = setTimeout(() => {
      this.timeout = null;
      tick();
      this.interval = setInterval(tick, periodMs);
    }, Math.random() * periodMs);
  }

  stop(): void {
    if (this.timeout) clearTimeout(this.timeout);
    if (this.interval) clearInterval(this.interval);
  }
}

/** One measured window: what was sent in it, what arrived of that, and what the server spent meanwhile. */
class Measurement {
  updatesSent = 0;
  updatesExpected = 0;
  updatesDelivered = 0;
  readonly updateHistogram = createHistogram();
  cursorsSent = 0;
  cursorsExpected = 0;
  cursorsDelivered = 0;
  cursorsSuperseded = 0;
  readonly cursorHistogram = createHistogram();
  readonly probeHistogram = createHistogram();
  private startedAt = 0;
  private runQueueStart = 0;
  private runQueueWaitMs = 0;
  private machineStart = { busyMs: 0, stealMs: 0 };
  private otherCpuMs = 0;
  private stealMs = 0;
  private wallMs = 0;
  private serverCpuStart = 0;
  private serverCpuMs = 0;
  private loadgenCpuStart: NodeJS.CpuUsage = process.cpuUsage();
  private loadgenCpuShare = 0;
  private messagesStart = 0;
  private messages = 0;
  private bytesStart = 0;
  private bytes = 0;
  private rssMax = 0;
  private rssEnd = 0;
  private rssTimer: NodeJS.Timeout | null = null;
  private stateTimer: NodeJS.Timeout | null = null;
  private readonly states = { samples: 0, running: 0, diskWait: 0 };
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  private clients = 0;

  constructor(
    readonly index: number,
    readonly label: string,
    private readonly swarm: Swarm,
  ) {}

  begin(): void {
    const pid = this.swarm.serverPid;
    this.clients = this.swarm.countedClients();
    this.serverCpuStart = processCpuMs(pid);
    this.runQueueStart = processRunQueueWaitMs(pid);
    this.machineStart = machineCpuMs();
    this.loadgenCpuStart = process.cpuUsage();
    this.messagesStart = this.swarm.messagesReceived;
    this.bytesStart = this.swarm.bytesReceived;
    this.rssMax = processRssMb(pid);
    this.rssTimer = setInterval(() => {
      this.rssMax = Math.max(this.rssMax, processRssMb(pid));
    }, 200);
    this.stateTimer = setInterval(() => {
      const state = processState(pid);
      this.states.samples++;
      if (state === 'R') this.states.running++;
      else if (state === 'D') this.states.diskWait++;
    }, 5);
    this.loopDelay.enable();
    this.startedAt = performance.now();
  }

  end(): void {
    const pid = this.swarm.serverPid;
    this.wallMs = performance.now() - this.startedAt;
    this.serverCpuMs = processCpuMs(pid) - this.serverCpuStart;
    this.runQueueWaitMs = processRunQueueWaitMs(pid) - this.runQueueStart;
    const cpu = process.cpuUsage(this.loadgenCpuStart);
    this.loadgenCpuShare = (cpu.user + cpu.system) / 1000 / this.wallMs;
    const machine = machineCpuMs();
    this.otherCpuMs = Math.max(0, machine.busyMs - this.machineStart.busyMs - this.serverCpuMs - (cpu.user + cpu.system) / 1000);
    this.stealMs = machine.stealMs - this.machineStart.stealMs;
    this.messages = this.swarm.messagesReceived - this.messagesStart;
    this.bytes = this.swarm.bytesReceived - this.bytesStart;
    this.loopDelay.disable();
    if (this.rssTimer) clearInterval(this.rssTimer);
    if (this.stateTimer) clearInterval(this.stateTimer);
    this.rssEnd = processRssMb(pid);
    this.rssMax = Math.max(this.rssMax, this.rssEnd);
  }

  delivered(): boolean {
    return this.updatesDelivered >= this.updatesExpected && this.cursorsDelivered + this.cursorsSuperseded >= this.cursorsExpected;
  }

  result(): WindowResult {
    return {
      label: this.label,
      clients: this.clients,
      wallMs: this.wallMs,
      updatesSent: this.updatesSent,
      updatesExpected: this.updatesExpected,
      updatesDelivered: this.updatesDelivered,
      updateLatency: summarise(this.updateHistogram),
      cursorsSent: this.cursorsSent,
      cursorsExpected: this.cursorsExpected,
      cursorsDelivered: this.cursorsDelivered,
      cursorLatency: summarise(this.cursorHistogram),
      serverCpuMs: this.serverCpuMs,
      serverRssMaxMb: this.rssMax,
      serverRssEndMb: this.rssEnd,
      messagesReceivedPerSecond: (this.messages * 1000) / this.wallMs,
      bytesReceivedPerSecond: (this.bytes * 1000) / this.wallMs,
      loadgenCpuShare: this.loadgenCpuShare,
      loadgenLoopDelayP99Ms: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e6 : 0,
      socketsClosed: this.swarm.socketsClosed,
      probeEcho: summarise(this.probeHistogram),
      serverRunQueueWaitMs: this.runQueueWaitMs,
      serverMainThreadRunning: this.states.samples ? this.states.running / this.states.samples : 0,
      serverMainThreadDiskWait: this.states.samples ? this.states.diskWait / this.states.samples : 0,
      otherCpuMs: this.otherCpuMs,
      stealMs: this.stealMs,
      cursorsSuperseded: this.cursorsSuperseded,
    };
  }
}

/**
 * What a client is for. A writer edits notes; a reader only receives; the
 * staller is an extra reader that stops reading when told to, left out of
 * every expected count (so that what it misses is not counted as lost).
 */
type Role = 'writer' | 'reader' | 'staller' | 'uncounted';

interface Room {
  url: string;
  nextIndex: number;
  /** Clients that count as receivers and have synced: everyone an update or cursor should reach. */
  countedActive: number;
  /** Of those, the ones that follow cursors (see CURSOR_TRACKED_PER_ROOM). */
  cursorTrackedActive: number;
  clients: Client[];
}

/** A writer's transactions, by the clock range of its structs, with when each was sent and in which window. */
class Writer {
  readonly doc = new Y.Doc();
  readonly notes: NoteId[] = [];
  ops = 0;
  readonly txStart: number[] = [];
  readonly txEnd: number[] = [];
  readonly txSentAt: number[] = [];
  readonly txWindow: (Measurement | null)[] = [];
  /** The highest clock of its own the server has echoed back. */
  echoedTo = 0;

  constructor(readonly name: string) {}

  get clientId(): number {
    return this.doc.clientID;
  }

  /** The first transaction sent at or after `time` (send times only grow). */
  firstSentAtOrAfter(time: number): number {
    let low = 0;
    let high = this.txSentAt.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.txSentAt[mid]! < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** One note edit, as a person makes them: mostly moves, some text, now and then a new note. */
  edit(): void {
    this.ops++;
    if (this.notes.length === 0 || this.ops % 20 === 0) {
      this.notes.push(addNote(this.doc, { x: Math.random() * 2000, y: Math.random() * 1200, text: `${this.name} note ${this.notes.length + 1}`, authorId: null, authorName: this.name }));
      return;
    }
    const id = this.notes[Math.floor(Math.random() * this.notes.length)]!;
    if (this.ops % 4 === 0) updateNote(this.doc, id, { text: `${this.name} edit ${this.ops}` });
    else updateNote(this.doc, id, { x: Math.random() * 2000, y: Math.random() * 1200 });
  }
}

class Client {
  readonly awarenessId = Math.floor(Math.random() * 0xffffffff);
  awarenessClock = 0;
  /** When each of its awareness states (clock 1, 2, …) was sent, and in which window (-1: none). */
  readonly cursorSentAt: number[] = [];
  readonly cursorWindow: number[] = [];
  /** Per sender (by its index in the room): the newest awareness clock of theirs this client has seen. */
  readonly cursorClocks: number[] = [];
  /** Its place in its room, for the arrays other clients keep per sender. */
  readonly roomIndex: number;
  /** When it finished its first sync; only what was sent after that is expected to reach it. */
  activeSince = Infinity;
  syncBytes = 0;
  /** Per writer client id: the index of the first of that writer's transactions not yet seen. */
  readonly pointers = new Map<number, number>();
  ticker: Ticker | null = null;
  closedByUs = false;
  /** The probe whose awareness states this client times (the probe's listener), and what it does with each. */
  watches: Client | null = null;
  onProbeState: ((sentAt: number, window: number) => void) | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly room: Room,
    readonly role: Role,
    readonly writer: Writer | null,
  ) {
    this.roomIndex = room.nextIndex++;
  }

  get counted(): boolean {
    return this.role === 'writer' || this.role === 'reader';
  }

  get active(): boolean {
    return this.activeSince !== Infinity;
  }

  /**
   * Whether this client follows every cursor state it receives. Only the
   * first few of a room do: each of them checks every state of everyone,
   * which in a big room costs the harness more than the server spends
   * sending them; the cursor figures are that sample's.
   */
  get tracksCursors(): boolean {
    return this.counted && this.roomIndex < CURSOR_TRACKED_PER_ROOM;
  }

  /** How many receivers an update this client sends now should reach. */
  receiversOfOwnMessage(): number {
    return this.room.countedActive - (this.counted && this.active ? 1 : 0);
  }

  /** How many of the clients that follow cursors a cursor state this client sends now should reach. */
  cursorReceiversOfOwnMessage(): number {
    return this.room.cursorTrackedActive - (this.tracksCursors && this.active ? 1 : 0);
  }

  close(): void {
    this.closedByUs = true;
    this.ticker?.stop();
    this.socket.terminate();
  }
}

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());
/** The state vector of an empty document: a sync step 1 with it asks for everything. */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());
/** How often the responsiveness probe sends: often enough to catch short stalls, too seldom to load the server. */
const PROBE_INTERVAL_MS = 5;
/** How many clients of each room follow every cursor state (see Client.tracksCursors). */
const CURSOR_TRACKED_PER_ROOM = 50;
/** How long a capacity step waits for its newcomers to sync before calling the server overwhelmed. */
const CAPACITY_JOIN_TIMEOUT_MS = 20_000;

/** The job's swarm, so that a failing job can still close its sockets. */
let activeSwarm: Swarm | null = null;

/** Every client of a job, the writers by client id, and the windows measured so far. */
class Swarm {
  readonly writersById = new Map<number, Writer>();
  readonly clientsByAwarenessId = new Map<number, Client>();
  private readonly sendersOf = new WeakMap<AwarenessStamp[], (Client | undefined)[]>();
  readonly windows: Measurement[] = [];
  current: Measurement | null = null;
  messagesReceived = 0;
  bytesReceived = 0;
  socketsClosed = 0;
  closing = false;
  private traffic = false;
  private readonly rooms: Room[] = [];
  private readonly clients: Client[] = [];
  private writerCount = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  /** When the staller stopped reading, and how long the server took to let it go. */
  stalledAt: number | null = null;
  stallerClosedAfterMs: number | null = null;

  constructor(
    readonly serverPid: number,
    private readonly opsPerSecond: number,
    private readonly cursorHz: number,
  ) {}

  room(url: string): Room {
    const room: Room = { url, nextIndex: 0, countedActive: 0, cursorTrackedActive: 0, clients: [] };
    this.rooms.push(room);
    return room;
  }

  countedClients(): number {
    return this.rooms.reduce((sum, room) => sum + room.countedActive, 0);
  }

  /** Opens a socket, syncs, and resolves once the server's sync step 2 arrived. */
  connect(room: Room, role: Role, timeoutMs = 60_000): Promise<Client> {
    const writer = role === 'writer' ? new Writer(`Writer ${++this.writerCount}`) : null;
    const socket = new WebSocket(room.url, {
      perMessageDeflate: false,
      // A client must mask what it sends, but the key need not be random here:
      // ws skips the XOR for an all-zero key, and the random bytes were a
      // visible share of the harness's CPU. The server unmasks either way.
      generateMask: () => {},
    });
    const client = new Client(socket, room, role, writer);
    this.clientsByAwarenessId.set(client.awarenessId, client);
    if (writer) {
      this.writersById.set(writer.clientId, writer);
      writer.doc.on('update', (update: Uint8Array) => this.sendTransaction(client, writer, update));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(new Error(`no sync from ${room.url} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      let synced = false;
      let bytesBeforeStep2 = 0;
      socket.on('open', () => socket.send(encodeSyncStep1(EMPTY_STATE_VECTOR)));
      socket.on('message', (data: Buffer) => {
        this.messagesReceived++;
        this.bytesReceived += data.byteLength;
        const message = decodeMessage(data);
        if (message.type === 'syncUpdate') {
          // Before its step 2 a client is still joining: a server may send the board as updates
          // followed by an empty step 2 (ours does), and nothing is expected of it yet.
          if (synced) this.receiveUpdate(client, data);
          else bytesBeforeStep2 += data.byteLength;
        } else if (message.type === 'syncStep2') {
          if (synced) return;
          synced = true;
          clearTimeout(timer);
          client.syncBytes = bytesBeforeStep2 + data.byteLength;
          client.activeSince = performance.now();
          if (client.counted) room.countedActive++;
          if (client.tracksCursors) room.cursorTrackedActive++;
          room.clients.push(client);
          this.clients.push(client);
          if (this.traffic) this.startClientTraffic(client);
          resolve(client);
        } else if (message.type === 'syncStep1') {
          const answer = writer ? Y.encodeStateAsUpdate(writer.doc, message.stateVector) : EMPTY_UPDATE;
          socket.send(encodeSyncStep2(answer));
        } else if (message.type === 'awareness') {
          this.receiveAwareness(client, data);
        }
      });
      socket.on('error', (error) => {
        if (!synced) {
          clearTimeout(timer);
          reject(error);
        }
      });
      socket.on('close', (code, reason) => {
        client.ticker?.stop();
        if (!synced) {
          clearTimeout(timer);
          reject(new Error(`socket closed before sync: ${code} ${reason.toString()}`));
          return;
        }
        if (client.counted) room.countedActive--;
        if (client.tracksCursors) room.cursorTrackedActive--;
        if (this.closing || client.closedByUs) return;
        if (client.role === 'staller') {
          if (this.stalledAt !== null) this.stallerClosedAfterMs = performance.now() - this.stalledAt;
          log(`the server closed the stalled client's socket (${code} ${reason.toString()})${this.stallerClosedAfterMs !== null ? ` ${Math.round(this.stallerClosedAfterMs)} ms after it stopped reading` : ''}`);
          return;
        }
        this.socketsClosed++;
        if (this.socketsClosed <= 5) log(`the server closed a client's socket: ${code} ${reason.toString()}`);
      });
    });
  }

  private sendTransaction(client: Client, writer: Writer, update: Uint8Array): void {
    const { from, to } = Y.parseUpdateMeta(update);
    const end = to.get(writer.clientId);
    if (end === undefined) return;
    const window = this.current;
    writer.txStart.push(from.get(writer.clientId) ?? 0);
    writer.txEnd.push(end);
    writer.txWindow.push(window);
    if (window) {
      window.updatesSent++;
      window.updatesExpected += client.receiversOfOwnMessage();
    }
    // Timestamped last, just before the bytes go out: encoding is the writer's cost, not the server's.
    const message = encodeSyncUpdate(update);
    writer.txSentAt.push(performance.now());
    client.socket.send(message);
  }

  private receiveUpdate(client: Client, data: Buffer): void {
    const now = performance.now();
    for (const range of updateRanges(data)) {
      const writer = this.writersById.get(range.clientId);
      if (!writer) continue;
      if (writer === client.writer) {
        writer.echoedTo = Math.max(writer.echoedTo, range.to);
        continue;
      }
      if (!client.counted || !client.active) continue;
      let next = client.pointers.get(range.clientId) ?? writer.firstSentAtOrAfter(client.activeSince);
      while (next < writer.txEnd.length && writer.txEnd[next]! <= range.to) {
        // A transaction that starts before this update's range was skipped: it never arrived.
        if (writer.txStart[next]! >= range.from) {
          const window = writer.txWindow[next];
          if (window) {
            window.updatesDelivered++;
            record(window.updateHistogram, now - writer.txSentAt[next]!);
          }
        }
        next++;
      }
      client.pointers.set(range.clientId, next);
    }
  }

  private receiveAwareness(client: Client, data: Buffer): void {
    if (!client.tracksCursors && !client.watches) return;
    const now = performance.now();
    const entries = awarenessEntries(data);
    // Who sent each entry is looked up once per distinct message, like the decoding.
    let senders = this.sendersOf.get(entries);
    if (!senders) {
      senders = entries.map((entry) => this.clientsByAwarenessId.get(entry.clientId));
      this.sendersOf.set(entries, senders);
    }
    const clocks = client.cursorClocks;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const sender = senders[i];
      if (!sender) continue;
      // When the sender sent this clock, and in which window (a removal's clock was never sent by us: none).
      const sentAt = sender.cursorSentAt[entry.clock - 1] ?? null;
      const sentInWindow = sender.cursorWindow[entry.clock - 1] ?? -1;
      if (sender === client) continue;
      if (sender === client.watches) {
        if (client.onProbeState && sentAt !== null) client.onProbeState(sentAt, sentInWindow);
        continue;
      }
      // Presence is a latest-state value: a state older than one already seen is stale, the same one twice a repeat.
      const previous = clocks[sender.roomIndex];
      if (previous !== undefined && entry.clock <= previous) continue;
      clocks[sender.roomIndex] = entry.clock;
      if (!client.tracksCursors) continue;
      if (previous !== undefined && entry.clock > previous + 1) this.countSuperseded(client, sender, previous + 1, entry.clock);
      if (sentAt === null || sentInWindow < 0 || sentAt < client.activeSince) continue;
      const window = this.windows[sentInWindow];
      if (!window) continue;
      window.cursorsDelivered++;
      record(window.cursorHistogram, now - sentAt);
    }
  }

  /** States [from, to) of a sender that a newer one overtook on their way to `client`. */
  private countSuperseded(client: Client, sender: Client, from: number, to: number): void {
    for (let clock = from; clock < to; clock++) {
      const window = this.windows[sender.cursorWindow[clock - 1] ?? -1];
      const sentAt = sender.cursorSentAt[clock - 1];
      if (window && sentAt !== undefined && sentAt >= client.activeSince) window.cursorsSuperseded++;
    }
  }

  sendCursor(client: Client): void {
    if (client.socket.readyState !== WebSocket.OPEN) return;
    const window = this.current;
    const now = performance.now();
    const state = { cursor: { x: Math.round(Math.random() * 2000), y: Math.round(Math.random() * 1200) } };
    // The probe's echoes are timed on their own, not counted as cursors.
    if (window && client.role !== 'uncounted') {
      window.cursorsSent++;
      window.cursorsExpected += client.cursorReceiversOfOwnMessage();
    }
    client.cursorSentAt.push(now);
    client.cursorWindow.push(window ? window.index : -1);
    client.socket.send(encodeAwarenessMessage(encodeAwarenessUpdate([{ clientId: client.awarenessId, clock: ++client.awarenessClock, state }])));
  }

  private startClientTraffic(client: Client): void {
    if (client.ticker || client.socket.readyState !== WebSocket.OPEN) return;
    const writer = client.writer;
    const cursorHz = this.cursorHz;
    const opsPerSecond = this.opsPerSecond;
    if (writer && opsPerSecond > 0 && cursorHz > 0) {
      // One ticker per client keeps timers few; a writer's edits and cursor run at their own rates within it.
      const period = 1000 / Math.max(opsPerSecond, cursorHz);
      let editDebt = 0;
      let cursorDebt = 0;
      client.ticker = new Ticker(period, () => {
        editDebt += opsPerSecond / Math.max(opsPerSecond, cursorHz);
        cursorDebt += cursorHz / Math.max(opsPerSecond, cursorHz);
        if (editDebt >= 1 - 1e-9) {
          editDebt -= 1;
          writer.edit();
        }
        if (cursorDebt >= 1 - 1e-9) {
          cursorDebt -= 1;
          this.sendCursor(client);
        }
      });
    } else if (writer && opsPerSecond > 0) {
      client.ticker = new Ticker(1000 / opsPerSecond, () => writer.edit());
    } else if (cursorHz > 0) {
      client.ticker = new Ticker(1000 / cursorHz, () => this.sendCursor(client));
    }
  }

  startTraffic(): void {
    this.traffic = true;
    for (const client of this.clients) this.startClientTraffic(client);
  }

  stopTraffic(): void {
    this.traffic = false;
    for (const client of this.clients) {
      client.ticker?.stop();
      client.ticker = null;
    }
  }

  async measure(label: string, ms: number, before?: () => void): Promise<Measurement> {
    const window = new Measurement(this.windows.length, label, this);
    this.windows.push(window);
    before?.();
    window.begin();
    this.current = window;
    await sleep(ms);
    this.current = null;
    window.end();
    return window;
  }

  /** Waits until everything sent in the given windows has arrived, or the time runs out. */
  drain(windows: Measurement[], timeoutMs: number): Promise<boolean> {
    return until(() => windows.every((window) => window.delivered()), timeoutMs);
  }

  /**
   * Starts the responsiveness probe: a client in a room of its own sending
   * its awareness state every `intervalMs`, and a listener in that room that
   * the server passes each state on to at once, so the time from sending to
   * the listener receiving is how long the server takes to get to a message
   * under the load the other rooms make. (A listener, not the probe's own
   * echo: our server does not send a socket its own presence back.)
   */
  async startProbe(url: string, intervalMs: number): Promise<void> {
    const room = this.room(url);
    const probe = await this.connect(room, 'uncounted');
    const listener = await this.connect(room, 'uncounted');
    listener.watches = probe;
    listener.onProbeState = (sentAt, window) => {
      const measurement = this.windows[window];
      if (measurement) record(measurement.probeHistogram, performance.now() - sentAt);
    };
    this.probeTimer = setInterval(() => this.sendCursor(probe), intervalMs);
  }

  closeAll(): void {
    this.closing = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.stopTraffic();
    for (const client of this.clients) client.close();
  }

  logCache(): void {
    const { updates, awareness } = cacheStats();
    log(`shared decoding: updates ${updates.misses} decoded for ${updates.hits + updates.misses} received; cursors ${awareness.misses} for ${awareness.hits + awareness.misses}`);
  }
}

function newSwarm(serverPid: number, opsPerSecond: number, cursorHz: number): Swarm {
  activeSwarm = new Swarm(serverPid, opsPerSecond, cursorHz);
  return activeSwarm;
}

/** Connects a room's clients: writers first, then readers, at most `concurrency` handshakes at a time. */
async function connectRoom(swarm: Swarm, room: Room, roles: Role[], concurrency: number, timeoutMs?: number): Promise<Client[]> {
  const clients: Client[] = [];
  await mapLimit(roles, concurrency, async (role) => {
    clients.push(await swarm.connect(room, role, timeoutMs));
  });
  return clients;
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const swarm = newSwarm(job.serverPid, job.opsPerSecond, job.cursorHz);
  const needsStaller = job.phases.some((phase) => phase.stallOneReader);
  const plan: { room: Room; role: Role }[] = [];
  job.rooms.forEach((url, index) => {
    const room = swarm.room(url);
    for (let i = 0; i < job.clientsPerRoom; i++) plan.push({ room, role: i < job.writersPerRoom ? 'writer' : 'reader' });
    if (needsStaller && index === 0) plan.push({ room, role: 'staller' });
  });
  const connectStarted = performance.now();
  const stallers: Client[] = [];
  await mapLimit(plan, job.connectConcurrency, async ({ room, role }) => {
    const client = await swarm.connect(room, role);
    if (role === 'staller') stallers.push(client);
  });
  log(`${plan.length} clients in ${job.rooms.length} room(s) synced in ${Math.round(performance.now() - connectStarted)} ms`);
  await swarm.startProbe(job.probeRoom, PROBE_INTERVAL_MS);
  swarm.startTraffic();
  await sleep(job.warmupMs);
  const windows: Measurement[] = [];
  for (const phase of job.phases) {
    windows.push(
      await swarm.measure(phase.label, phase.windowMs, () => {
        // ws's pause() stops reading from the socket: the kernel's buffers fill, then the server's queue for it grows.
        if (!phase.stallOneReader || swarm.stalledAt !== null) return;
        swarm.stalledAt = performance.now();
        for (const staller of stallers) staller.socket.pause();
      }),
    );
  }
  swarm.stopTraffic();
  const complete = await swarm.drain(windows, job.drainMs);
  if (!complete) log('some messages had not arrived when the drain time ran out');
  swarm.logCache();
  const result: LoadResult = { kind: 'load', windows: windows.map((window) => window.result()), stallerClosedAfterMs: swarm.stallerClosedAfterMs };
  swarm.closeAll();
  return result;
}

/** The pending `roomsWanted` request's callbacks: the orchestrator makes rooms (over HTTP, for ours) and answers. */
let roomsAnswer: ((message: OrchestratorMessage) => void) | null = null;

function requestRooms(count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    roomsAnswer = (message) => {
      roomsAnswer = null;
      if (message.type === 'rooms') resolve(message.urls);
      else reject(new Error(`the rooms could not be made: ${message.message}`));
    };
    send({ type: 'roomsWanted', count });
  });
}

/**
 * Connects what a capacity step adds to reach `size`: clients in the one
 * room (writers first), or whole rooms of `clientsPerRoom` clients.
 */
async function growCapacityLoad(swarm: Swarm, job: CapacityJob, rooms: Room[], size: number, timeoutMs?: number): Promise<void> {
  const plan: { room: Room; role: Role }[] = [];
  const roles = (room: Room, from: number, to: number) => {
    for (let i = from; i < to; i++) plan.push({ room, role: i < job.writers ? 'writer' : 'reader' });
  };
  if (job.grow === 'clients') {
    const room = rooms[0] ?? swarm.room(job.rooms[0]!);
    if (rooms.length === 0) rooms.push(room);
    roles(room, room.clients.filter((client) => client.counted).length, size);
  } else {
    if (size > job.rooms.length) job.rooms.push(...(await requestRooms(size - job.rooms.length)));
    while (rooms.length < size) {
      const room = swarm.room(job.rooms[rooms.length]!);
      rooms.push(room);
      roles(room, 0, job.clientsPerRoom);
    }
  }
  await mapLimit(plan, 50, async ({ room, role }) => {
    await swarm.connect(room, role, timeoutMs);
  });
}

async function runCapacity(job: CapacityJob): Promise<CapacityResult> {
  const swarm = newSwarm(job.serverPid, job.opsPerSecond, job.cursorHz);
  const unit = job.grow;
  const rooms: Room[] = [];
  const connectStarted = performance.now();
  await growCapacityLoad(swarm, job, rooms, job.start);
  log(`${swarm.countedClients()} clients in ${rooms.length} room(s) synced in ${Math.round(performance.now() - connectStarted)} ms`);
  await swarm.startProbe(job.probeRoom, PROBE_INTERVAL_MS);
  swarm.startTraffic();
  const steps: CapacityStep[] = [];
  let harnessBound = false;
  let reachedMax = false;
  let stoppedBy: string | null = null;
  for (let size = job.start; ; size += job.step) {
    try {
      // A server past its capacity may not get round to syncing newcomers at all.
      await growCapacityLoad(swarm, job, rooms, size, CAPACITY_JOIN_TIMEOUT_MS);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      stoppedBy = `${size} ${unit}: ${message.startsWith('the rooms could not be made') ? message : `newcomers could not sync (${message})`}`;
      log(`capacity step ${stoppedBy}`);
      break;
    }
    await sleep(job.settleMs);
    const judge = async (label: string) => {
      const window = await swarm.measure(label, job.windowMs);
      await swarm.drain([window], job.drainMs);
      const result = window.result();
      const lost = result.updatesExpected - result.updatesDelivered;
      let reason: string | null = null;
      if (result.socketsClosed > 0) reason = `${result.socketsClosed} socket(s) closed by the server`;
      else if (lost > 0) reason = `${lost} of ${result.updatesExpected} update deliveries missing after ${job.drainMs} ms`;
      else if (result.updateLatency.p99 > job.p99LimitMs) reason = `p99 ${result.updateLatency.p99.toFixed(1)} ms > ${job.p99LimitMs} ms`;
      return { result, reason };
    };
    let { result, reason } = await judge(`${size} ${unit}`);
    // One noisy window (a collection, a neighbour's burst) must not end the search: a step fails only if it fails twice.
    if (reason !== null && !reason.includes('closed') && result.socketsClosed === 0) {
      log(`capacity step ${size} ${unit} failed once (${reason}); measuring it again`);
      ({ result, reason } = await judge(`${size} ${unit}, again`));
    }
    const passed = reason === null;
    // The harness limited the search only if it ran out of CPU before the server did.
    if (result.loadgenCpuShare > 0.9 && result.serverCpuMs / result.wallMs < 0.9) {
      harnessBound = true;
      reason = `${reason ? `${reason}; ` : ''}load generator at ${Math.round(result.loadgenCpuShare * 100)}% of its core`;
    }
    steps.push({ size, window: result, passed, reason });
    log(`capacity step ${size} ${unit}: ${passed ? 'passed' : 'failed'} (p99 ${result.updateLatency.p99.toFixed(1)} ms, server CPU ${Math.round((result.serverCpuMs / result.wallMs) * 100)}%, load generator ${Math.round(result.loadgenCpuShare * 100)}%)${reason ? `: ${reason}` : ''}`);
    if (!passed || harnessBound) break;
    if (size + job.step > job.max) {
      reachedMax = true;
      break;
    }
  }
  swarm.logCache();
  swarm.closeAll();
  const passedSteps = steps.filter((step) => step.passed);
  return { kind: 'capacity', steps, capacity: passedSteps.length ? passedSteps[passedSteps.length - 1]!.size : 0, harnessBound, reachedMax, stoppedBy };
}

async function runPopulate(job: PopulateJob): Promise<PopulateResult> {
  const swarm = newSwarm(job.serverPid, 0, 0);
  const room = swarm.room(job.room);
  const client = await swarm.connect(room, 'writer');
  const writer = client.writer!;
  const started = performance.now();
  for (let written = 0; written < job.notes; ) {
    const batch = Math.min(job.notesPerUpdate, job.notes - written);
    writer.doc.transact(() => {
      for (let i = 0; i < batch; i++) {
        const n = written + i + 1;
        writer.notes.push(
          addNote(writer.doc, {
            x: (n * 37) % 2000,
            y: (n * 53) % 1200,
            text: `Note ${n}: staff would stay if rotas were agreed earlier and handovers had protected time.`,
            authorId: null,
            authorName: `Participant ${(n % 40) + 1}`,
          }),
        );
      }
    });
    written += batch;
    // Let the socket flush now and then instead of queueing the whole board at once.
    if (client.socket.bufferedAmount > 4 * 1024 * 1024) await until(() => client.socket.bufferedAmount < 1024 * 1024, 60_000, 5);
  }
  const last = writer.txEnd[writer.txEnd.length - 1] ?? 0;
  const echoed = await until(() => writer.echoedTo >= last, 120_000);
  if (!echoed) throw new Error(`the server echoed only up to clock ${writer.echoedTo} of ${last} while populating`);
  const result: PopulateResult = {
    kind: 'populate',
    populateMs: performance.now() - started,
    updateBytes: Y.encodeStateAsUpdate(writer.doc).byteLength,
    serverRssMb: processRssMb(job.serverPid),
  };
  swarm.closeAll();
  return result;
}

async function runJoin(job: JoinJob): Promise<JoinResult> {
  const swarm = newSwarm(job.serverPid, 0, 0);
  const room = swarm.room(job.room);
  const probeRoom = swarm.room(job.probeRoom);
  // The probe: an awareness state every few milliseconds in a room of its own; the
  // server echoes it straight back, so a long echo means the server's event loop was busy.
  const jobStarted = performance.now();
  const machineStart = machineCpuMs().busyMs;
  const serverCpuStart = processCpuMs(job.serverPid);
  const loadgenCpuStart = process.cpuUsage();
  const runQueueStart = processRunQueueWaitMs(job.serverPid);
  // On a thread of its own, so that reading a big board for a joiner here does not delay the echoes it times.
  const probe = await startProbeThread(probeRoom.url, job.probeIntervalMs);
  await sleep(1000);
  const idleUntil = epochNow();

  const firstStarted = epochNow();
  const first = await swarm.connect(room, 'uncounted');
  const firstJoinMs = epochNow() - firstStarted;
  log(`first join: ${firstJoinMs.toFixed(1)} ms for a ${Math.round(first.syncBytes / 1024)} KiB sync`);

  const joinTimes = createHistogram();
  let probeDuringJoinMaxMs = 0;
  const joins: { started: number; ended: number }[] = [];
  for (let i = 0; i < job.timedJoins; i++) {
    await sleep(150);
    const started = epochNow();
    const joiner = await swarm.connect(room, 'uncounted');
    const ended = epochNow();
    record(joinTimes, ended - started);
    joins.push({ started, ended });
    joiner.close();
  }
  // Echoes of probes sent during the last join may come back just after it.
  await sleep(job.probeIntervalMs * 3);
  const probes = await probe.stop();
  const idle = createHistogram();
  for (const p of probes) if (p.sentAt < idleUntil) record(idle, p.echoMs);
  const probeMaxBetween = (from: number, to: number) =>
    probes.filter((p) => p.sentAt >= from - job.probeIntervalMs && p.sentAt <= to).reduce((max, p) => Math.max(max, p.echoMs), 0);
  const probeDuringFirstJoinMaxMs = probeMaxBetween(firstStarted, firstStarted + firstJoinMs);
  for (const { started, ended } of joins) probeDuringJoinMaxMs = Math.max(probeDuringJoinMaxMs, probeMaxBetween(started, ended));
  log(`probe echo: idle p50 ${(idle.percentile(50) / 1000).toFixed(2)} ms; longest during a join ${probeDuringJoinMaxMs.toFixed(1)} ms (first join ${probeDuringFirstJoinMaxMs.toFixed(1)} ms)`);

  const cpuStart = processCpuMs(job.serverPid);
  const started = performance.now();
  await connectRoom(swarm, room, Array.from({ length: job.clients }, () => 'reader' as const), job.connectConcurrency);
  const allClientsSyncedMs = performance.now() - started;
  // Let the sockets' send buffers empty and the collector run before reading the memory.
  await sleep(2000);
  const result: JoinResult = {
    kind: 'join',
    firstJoinMs,
    syncBytes: first.syncBytes,
    warmJoinMs: summarise(joinTimes),
    probeIdle: summarise(idle),
    probeDuringJoinMaxMs,
    probeDuringFirstJoinMaxMs,
    allClientsSyncedMs,
    serverRssWithClientsMb: processRssMb(job.serverPid),
    serverRssPeakMb: processPeakRssMb(job.serverPid),
    serverCpuMsForClients: processCpuMs(job.serverPid) - cpuStart,
    socketsClosed: swarm.socketsClosed,
    wallMs: performance.now() - jobStarted,
    otherCpuMs: 0,
    serverRunQueueWaitMs: processRunQueueWaitMs(job.serverPid) - runQueueStart,
  };
  const loadgenCpu = process.cpuUsage(loadgenCpuStart);
  result.otherCpuMs = Math.max(0, machineCpuMs().busyMs - machineStart - (processCpuMs(job.serverPid) - serverCpuStart) - (loadgenCpu.user + loadgenCpu.system) / 1000);
  swarm.closeAll();
  return result;
}

function runJob(job: Job): Promise<JobResult> {
  switch (job.kind) {
    case 'load':
      return runLoad(job);
    case 'capacity':
      return runCapacity(job);
    case 'populate':
      return runPopulate(job);
    case 'join':
      return runJoin(job);
  }
}

let started = false;
process.on('message', (message: Job | OrchestratorMessage) => {
  if ('type' in message) {
    roomsAnswer?.(message);
    return;
  }
  if (started) return;
  started = true;
  runJob(message).then(
    (result) => {
      send({ type: 'result', result });
      // Sockets may take a moment to go: leave once the result is on its way.
      process.disconnect?.();
      setTimeout(() => process.exit(0), 200).unref();
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      activeSwarm?.closeAll();
      process.disconnect?.();
      setTimeout(() => process.exit(1), 200).unref();
    },
  );
});
