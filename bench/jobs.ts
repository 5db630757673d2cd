/**
 * What the orchestrator (run.ts) asks the load generator (loadgen.ts) to do,
 * and what the load generator answers. Both sides import these types; the
 * messages travel over the child process's IPC channel as plain JSON.
 */

/** Latency percentiles in milliseconds, from a histogram recorded in microseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * One measured window of a load run. Counts cover what was sent inside the
 * window; deliveries of those messages are still counted if they arrive
 * after the window closed (during the next window or the drain).
 */
export interface WindowResult {
  label: string;
  /** Clients connected (and synced) while the window ran. */
  clients: number;
  wallMs: number;
  updatesSent: number;
  updatesExpected: number;
  updatesDelivered: number;
  updateLatency: LatencySummary;
  cursorsSent: number;
  cursorsExpected: number;
  cursorsDelivered: number;
  cursorLatency: LatencySummary;
  /** utime + stime of the server process over the window, from /proc. */
  serverCpuMs: number;
  serverRssMaxMb: number;
  serverRssEndMb: number;
  /** Binary messages the clients received per second (updates, cursors, anything). */
  messagesReceivedPerSecond: number;
  /** Bytes of messages the clients received per second, all clients together. */
  bytesReceivedPerSecond: number;
  /** The load generator's own CPU over the window, as a share of one core (1 = saturated). */
  loadgenCpuShare: number;
  /** The 99th percentile of the load generator's event-loop delay: high means the harness lagged. */
  loadgenLoopDelayP99Ms: number;
  /** Sockets the server closed (or that failed) during the run; any is a loss. */
  socketsClosed: number;
  /**
   * Echo times of a probe client alone in a room of its own: how quickly the
   * server answers anyone while under this load (its event loop's backlog),
   * apart from the fan-out and the harness's own lag.
   */
  probeEcho: LatencySummary;
  /** Time the server's main thread waited, runnable, for its CPU during the window. */
  serverRunQueueWaitMs: number;
  /**
   * Shares of samples (every 5 ms) in which the server's main thread was
   * running or runnable, and waiting on the disk (an fsync): a server with
   * high latency and low CPU is usually waiting on the one or the other.
   */
  serverMainThreadRunning: number;
  serverMainThreadDiskWait: number;
  /** CPU time the rest of the machine (not the server, not the load generator) used during the window. */
  otherCpuMs: number;
  /** CPU time the hypervisor took from this machine during the window. */
  stealMs: number;
  /**
   * Cursor states a receiver never got because a newer state of the same
   * client reached it first: a server that sends only the latest presence
   * per turn skips these on purpose. Not a loss; counted apart.
   */
  cursorsSuperseded: number;
}

/** A steady load: rooms of clients, some writing notes, all (optionally) moving cursors. */
export interface LoadJob {
  kind: 'load';
  serverPid: number;
  /** One sync URL per room (token included where the server needs one). */
  rooms: string[];
  clientsPerRoom: number;
  writersPerRoom: number;
  /** Note edits per second, per writer. */
  opsPerSecond: number;
  /** Cursor awareness updates per second, per client; 0 sends none. */
  cursorHz: number;
  warmupMs: number;
  /** One window per phase; a phase may stall one reader in room 0 first. */
  phases: { label: string; windowMs: number; stallOneReader: boolean }[];
  drainMs: number;
  /** How many sockets to open at once while connecting. */
  connectConcurrency: number;
  /** A room of its own for the responsiveness probe. */
  probeRoom: string;
}

/**
 * Grows a load step by step until latency or delivery fails: either clients
 * added to one room (`grow: 'clients'`), or rooms of a fixed size added
 * (`grow: 'rooms'`). `start`, `step` and `max` count what grows.
 */
export interface CapacityJob {
  kind: 'capacity';
  serverPid: number;
  grow: 'clients' | 'rooms';
  /**
   * One sync URL per room, used in order: the one room when clients grow; when
   * rooms do, those made so far (the load generator asks for more as it
   * needs them, so that a search that stops early does not wait for
   * thousands of rooms to be made).
   */
  rooms: string[];
  /** The clients of each room when rooms grow (ignored when clients do). */
  clientsPerRoom: number;
  /** Writers per room: the first clients to join it. */
  writers: number;
  opsPerSecond: number;
  cursorHz: number;
  start: number;
  step: number;
  max: number;
  settleMs: number;
  windowMs: number;
  drainMs: number;
  /** A step passes while the update p99 stays at or under this. */
  p99LimitMs: number;
  /** A room of its own for the responsiveness probe. */
  probeRoom: string;
}

/** Writes a large board through one client, waiting until the server has echoed all of it. */
export interface PopulateJob {
  kind: 'populate';
  serverPid: number;
  room: string;
  notes: number;
  notesPerUpdate: number;
}

/** Joins a (populated) board: cold first join, timed warm joins with a stall probe, then many clients. */
export interface JoinJob {
  kind: 'join';
  serverPid: number;
  room: string;
  /** A second, empty room: the probe's echoes there reveal the server's event-loop stalls. */
  probeRoom: string;
  timedJoins: number;
  clients: number;
  connectConcurrency: number;
  probeIntervalMs: number;
}

export type Job = LoadJob | CapacityJob | PopulateJob | JoinJob;

export interface LoadResult {
  kind: 'load';
  windows: WindowResult[];
  /** How long after it stopped reading the server closed the stalled client's socket; null if it never did. */
  stallerClosedAfterMs: number | null;
}

export interface CapacityStep {
  /** What grows, at this step: the clients of the room, or the rooms. */
  size: number;
  window: WindowResult;
  passed: boolean;
  /** Why the step failed, or why the search stopped. */
  reason: string | null;
}

export interface CapacityResult {
  kind: 'capacity';
  steps: CapacityStep[];
  /** The largest size (clients, or rooms) at which a step passed (0 if none did). */
  capacity: number;
  /** True when the search stopped because the load generator, not the server, ran out of CPU. */
  harnessBound: boolean;
  /** True when the search stopped at `max` with every step passing. */
  reachedMax: boolean;
  /** Set when the search stopped because new clients could not even sync. */
  stoppedBy: string | null;
}

export interface PopulateResult {
  kind: 'populate';
  populateMs: number;
  updateBytes: number;
  serverRssMb: number;
}

export interface JoinResult {
  kind: 'join';
  /** The first join after the server started: for a persisting server, a cold load from storage. */
  firstJoinMs: number;
  /** The size of the sync step 2 message that first join received. */
  syncBytes: number;
  warmJoinMs: LatencySummary;
  /** The probe's echo time while nobody joins. */
  probeIdle: LatencySummary;
  /** The longest probe echo while a timed join was in progress: an upper bound on the server's event-loop stall. */
  probeDuringJoinMaxMs: number;
  /** The same for the first join (for a persisting server, while it loads the board from storage). */
  probeDuringFirstJoinMaxMs: number;
  /** Time from the first of `clients` sockets opening to the last one synced. */
  allClientsSyncedMs: number;
  serverRssWithClientsMb: number;
  serverRssPeakMb: number;
  serverCpuMsForClients: number;
  socketsClosed: number;
  /** How long the job ran, what the rest of the machine used meanwhile, and how long the server waited for its core. */
  wallMs: number;
  otherCpuMs: number;
  serverRunQueueWaitMs: number;
}

export type JobResult = LoadResult | CapacityResult | PopulateResult | JoinResult;

/** Messages from the load generator to the orchestrator; `roomsWanted` asks it to make more rooms (a room-capacity search). */
export type LoadgenMessage = { type: 'log'; text: string } | { type: 'result'; result: JobResult } | { type: 'error'; message: string } | { type: 'roomsWanted'; count: number };

/** The orchestrator's answer to `roomsWanted`: the new rooms' sync URLs, or why they could not be made. */
export type OrchestratorMessage = { type: 'rooms'; urls: string[] } | { type: 'roomsFailed'; message: string };
