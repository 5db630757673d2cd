import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { renameBoard } from '../../shared/document/board';
import { addNote, deleteNote, readNotes, updateNote } from '../../shared/document/notes';
import {
  CloseCode,
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  PRIVATE_DOCUMENT_SUFFIX,
  SyncMessageType,
  type WireMessage,
} from '../../shared/protocol';
import type { CreateBoardResponse, RegisterParticipantResponse } from '../../shared/schema/api';
import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import { privateDocumentName, type DocumentName } from '../../server/persistence/types';
import type { Room } from '../../server/rooms/room';
import {
  connectStockClient,
  createBoard,
  eventually,
  registerParticipant,
  startTestServer,
  whenSynced,
  type StockClient,
  type TestServer,
} from './server';

/**
 * The harness of tests/server/malformed.test.ts, which sends the server
 * frames it cannot read (docs/server-promises.md, "Malformed input"): the
 * hostile bytes the cases are built from; an account, worked out here, of
 * what a correct server makes of any frame; sockets that send a frame and
 * watch what becomes of their connection; a server with two boards and
 * bystanders on them to check that nobody else notices; and the seeded fuzz.
 */

/** How long a frame may go without the connection being closed or the follow-up request answered. */
const ANSWER_TIMEOUT_MS = 3_000;
/** How often the fuzz stops to check that the server and the other board are still well. */
const CHECK_EVERY = 1_000;
/**
 * A fuzz socket is replaced after this many messages, well inside the
 * server's per-connection rate limit, so that a connection closed for
 * sending too fast is never mistaken for one closed over a bad frame.
 */
const MESSAGES_PER_SOCKET = 100;

// ---------------------------------------------------------------------------
// Hostile bytes
//
// Well-formed messages are written with the codec (shared/protocol.ts). What
// no codec writes (a cut-off varint, an unknown message type, a Yjs struct no
// client would make, state text that is not JSON) is written here by hand,
// byte by byte, on purpose.

/** Hostile bytes, written by hand with lib0's encoder: for what the codec would never write. */
export function hostileBytes(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A varint on its own, to splice into hostile bytes (a length, a type no client sends). */
export const varUint = (value: number): Uint8Array => hostileBytes((e) => encoding.writeVarUint(e, value));

/** An awareness update whose states are raw text, JSON or not: the codec writes only real JSON. */
export function hostileAwarenessUpdate(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  return hostileBytes((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, json } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
    }
  });
}

/** The low five bits of a Yjs item's info byte name its content; bit 6 says a map key follows the parent. */
export const Content = { deleted: 1, string: 4, embed: 5, type: 7, any: 8 } as const;
export const HAS_PARENT_SUB = 0b0010_0000;
/** Bit 8 of the info byte: the item names its left neighbour (its origin), and so no parent. */
export const HAS_ORIGIN = 0b1000_0000;
/** lib0's `writeAny` tag for an array. */
export const ANY_ARRAY_TAG = 117;

/**
 * A hand-written Yjs (v1) update holding one item with no neighbours, placed
 * under a key of the top-level map `notes` (a board's notes, a participant's
 * drafts), so the write guard lets it through as far as Yjs. The content is
 * written raw.
 */
export function hostileItemUpdate(item: { client: number; clock: number; content: number; writeContent: (e: encoding.Encoder) => void }): Uint8Array {
  return hostileBytes((e) => {
    encoding.writeVarUint(e, 1); // clients
    encoding.writeVarUint(e, 1); // structs of that client
    encoding.writeVarUint(e, item.client);
    encoding.writeVarUint(e, item.clock);
    encoding.writeUint8(e, item.content | HAS_PARENT_SUB);
    encoding.writeVarUint(e, 1); // the parent is a top-level type, named
    encoding.writeVarString(e, 'notes');
    encoding.writeVarString(e, 'malformed');
    item.writeContent(e);
    encoding.writeVarUint(e, 0); // an empty delete set
  });
}

/** A real update the documents do not have yet: a note written by a client that never connected. */
export function unseenUpdate(): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = 0x5eed;
  addNote(doc, { text: 'written somewhere else', x: 10, y: 10, authorId: null, authorName: 'Nobody' });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** Random bytes that are the same on every run: fast-check with a fixed seed. */
export function fixedRandomBytes(length: number, seed: number): Uint8Array {
  return fc.sample(fc.uint8Array({ minLength: length, maxLength: length }), { seed, numRuns: 1 })[0]!;
}

/** A text (not binary) WebSocket frame, with its bytes sent as they are. */
export class TextFrame {
  constructor(readonly data: Buffer) {}
}
export type Frame = Uint8Array | TextFrame;

const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

// ---------------------------------------------------------------------------
// What a correct server must make of a frame, worked out here on its own

/**
 * How a frame reads. `unreadable` frames must close the connection with
 * 1007. Readable ones may leave it open; for an update, `effect` says what it
 * would do to a copy of the document: nothing, leave Yjs holding parts it
 * cannot place yet (`pending`), or change it.
 */
type Reading =
  | { readable: false; why: string; decodes: boolean }
  | { readable: true; answers: number; effect: 'none' | 'pending' | 'changes' };

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** lib0 reads awareness state text strictly, as this does: bytes that are not UTF-8 are no state. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a frame the way the server's own reading order goes: the envelope
 * through the codec, then the payload with Yjs, and awareness states as
 * JSON. What the server then does with it is not consulted.
 */
function readFrame(frame: Uint8Array, documentState: Uint8Array): Reading {
  let message: WireMessage;
  try {
    message = decodeMessage(frame);
  } catch (error) {
    return { readable: false, why: errorText(error), decodes: false };
  }
  try {
    switch (message.type) {
      case 'queryAwareness':
        return { readable: true, answers: 0, effect: 'none' };
      case 'awareness':
        for (const entry of decodeAwarenessUpdate(message.update)) JSON.parse(strictUtf8.decode(entry.stateJson));
        return { readable: true, answers: 0, effect: 'none' };
      case 'auth':
        return { readable: false, why: 'message type 2 (auth), which only a server sends', decodes: false };
      case 'syncStep1':
        Y.decodeStateVector(message.stateVector);
        return { readable: true, answers: 1, effect: 'none' };
      case 'syncStep2':
      case 'syncUpdate':
        return readUpdate(message.update, documentState);
    }
  } catch (error) {
    return { readable: false, why: errorText(error), decodes: false };
  }
}

/** What Yjs holds back in a document until the parts it depends on arrive: identities, to tell whether that changed. */
function pendingOf(doc: Y.Doc): [unknown, unknown] {
  const { pendingStructs, pendingDs } = doc.store;
  return [pendingStructs?.update ?? null, pendingDs];
}

function readUpdate(update: Uint8Array, documentState: Uint8Array): Reading {
  Y.decodeUpdate(update);
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, documentState);
    // A snapshot is what the document holds (its state vector and deletions), without what Yjs holds back.
    const held = Y.snapshot(copy);
    const state = Y.encodeStateAsUpdate(copy);
    const pending = pendingOf(copy);
    try {
      Y.applyUpdate(copy, update);
    } catch (error) {
      return { readable: false, why: `Yjs decodes it but cannot apply it: ${errorText(error)}`, decodes: true };
    }
    if (!Y.equalSnapshots(held, Y.snapshot(copy))) return { readable: true, answers: 0, effect: 'changes' };
    const [structs, deletes] = pendingOf(copy);
    if (structs !== pending[0] || deletes !== pending[1]) return { readable: true, answers: 0, effect: 'pending' };
    return { readable: true, answers: 0, effect: sameBytes(state, Y.encodeStateAsUpdate(copy)) ? 'none' : 'changes' };
  } finally {
    copy.destroy();
  }
}

// ---------------------------------------------------------------------------
// Sockets, errors and waiting

/** Wakes whoever waits for something to happen: a socket event or an error nothing caught. */
class Wake {
  private waiters: (() => void)[] = [];
  notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
      waiters.push(done);
    });
  }
}
const wake = new Wake();

/**
 * Errors that reach the process with nothing to catch them. In the real
 * server process (Node 20, no handler) an unhandled rejection or an uncaught
 * exception stops the server for every board, so each one counts as the
 * server going down. Listening here also keeps Vitest from reporting them
 * separately: the test reports them against the frame that caused them.
 */
class ProcessErrors {
  readonly seen: string[] = [];
  private readonly record = (error: unknown): void => {
    this.seen.push(errorText(error));
    wake.notify();
  };
  get count(): number {
    return this.seen.length;
  }
  since(count: number): string[] {
    return this.seen.slice(count);
  }
  install(): void {
    process.on('unhandledRejection', this.record);
    process.on('uncaughtException', this.record);
  }
  uninstall(): void {
    process.off('unhandledRejection', this.record);
    process.off('uncaughtException', this.record);
  }
}

/** What became of a connection after a frame and the sync request sent behind it. */
export type Outcome =
  | { kind: 'closed'; code: number }
  | { kind: 'open' }
  | { kind: 'server error'; errors: string[] }
  | { kind: 'no answer' };

/** Sync step 1 with a state vector: the request sent behind every frame. */
const syncRequest = (stateVector: Uint8Array): Uint8Array => encodeSyncStep1(stateVector);

/** True for the server's answer to a sync request (a sync step 2). */
function isSyncAnswer(data: Uint8Array): boolean {
  try {
    return decodeMessage(data).type === 'syncStep2';
  } catch {
    return false;
  }
}

/**
 * A bare socket that sends what it is given and watches for two things: the
 * close, and the server's answers to sync step 1 (sync step 2 messages).
 * Behind each frame goes a sync step 1 request. The server reads messages in
 * order and answers a request only once the messages before it are handled,
 * so an answer means the frame was handled and the connection survived it;
 * a frame that closes the connection stops the answer from being sent.
 */
class FrameSocket {
  closeCode: number | null = null;
  sent = 0;
  private answers = 0;
  private readonly ready: Promise<void>;

  private constructor(private readonly ws: WebSocket) {
    this.ready = new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        // The server greets a socket once it has joined the room: from then on it reads our frames.
        resolve();
        if (isSyncAnswer(data)) this.answers++;
        wake.notify();
      });
      ws.on('close', (code: number) => {
        this.closeCode = code;
        reject(new Error(`closed with ${code} before the server greeted it`));
        wake.notify();
      });
    });
    // An error is always followed by a close, which is what we watch.
    ws.on('error', () => {});
  }

  /** Opens a socket and waits for the server's greeting; a socket never greeted is a problem of its own. */
  static async open(url: string): Promise<FrameSocket> {
    const socket = new FrameSocket(new WebSocket(url, { perMessageDeflate: false }));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not greet a new connection within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
    });
    try {
      await Promise.race([socket.ready, late]);
    } catch (error) {
      socket.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return socket;
  }

  /** Sends sync step 1 alone, as a newcomer does, and says whether the server answered it. */
  async request(stateVector: Uint8Array): Promise<'answered' | 'closed' | 'no answer'> {
    const answersWanted = this.answers + 1;
    this.ws.send(syncRequest(stateVector), { binary: true });
    this.sent++;
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      if (this.answers >= answersWanted) return 'answered';
      if (this.closeCode !== null) return 'closed';
      const left = deadline - Date.now();
      if (left <= 0) return 'no answer';
      await wake.wait(left);
    }
  }

  /** Sends a frame, then a sync step 1 request, and waits to see which comes first: the close or the answers. */
  async exchange(frame: Frame, answersToFrame: number, request: Uint8Array, errors: ProcessErrors): Promise<Outcome> {
    const answersWanted = this.answers + answersToFrame + 1;
    const errorsBefore = errors.count;
    if (frame instanceof TextFrame) this.ws.send(frame.data, { binary: false });
    else this.ws.send(frame, { binary: true });
    this.ws.send(request, { binary: true });
    this.sent += 2;
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      if (this.closeCode !== null) return { kind: 'closed', code: this.closeCode };
      if (errors.count > errorsBefore) return { kind: 'server error', errors: errors.since(errorsBefore) };
      if (this.answers >= answersWanted) return { kind: 'open' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'no answer' };
      await wake.wait(left);
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  close(): void {
    if (this.closeCode === null) this.ws.close();
  }
}

// ---------------------------------------------------------------------------
// The server, its boards and the bystanders

/** Where a frame is sent: a board on its facilitator or participant link, or a participant's private document. */
export type Link = 'facilitator' | 'participant' | 'private';
type DocumentKey = 'board' | 'private';
const DOCUMENT_OF: Record<Link, DocumentKey> = { facilitator: 'board', participant: 'board', private: 'private' };
const DOCUMENTS: DocumentKey[] = ['board', 'private'];

/** A document's state, as compared before and after: raw bytes for the comparison, a summary for the report. */
interface DocumentState {
  stateVector: Uint8Array;
  state: Uint8Array;
  /** What Yjs holds back until what it depends on arrives: items, and deletions. */
  pendingStructs: Uint8Array | null;
  pendingDeletes: Uint8Array | null;
}

function summarise(state: DocumentState) {
  return {
    stateVector: Object.fromEntries(Y.decodeStateVector(state.stateVector)),
    stateBytes: state.state.length,
    stateDigest: createHash('sha256').update(state.state).digest('hex').slice(0, 16),
    pendingStructs: state.pendingStructs !== null,
    pendingDeletes: state.pendingDeletes !== null,
  };
}

/** What differs between two states of a document, in words. */
function differenceOf(before: DocumentState, after: DocumentState): string {
  const samePending = (a: Uint8Array | null, b: Uint8Array | null) => (a && b ? sameBytes(a, b) : a === b);
  if (!sameBytes(before.stateVector, after.stateVector)) return 'its state vector moved';
  // Held-back parts are part of the encoded state: the server sends them to every newcomer.
  if (!samePending(before.pendingStructs, after.pendingStructs)) return 'Yjs holds back items it cannot place yet, which newcomers are sent';
  if (!samePending(before.pendingDeletes, after.pendingDeletes)) return 'Yjs holds back deletions it cannot place yet, which newcomers are sent';
  return 'its encoded state changed (a deletion), its state vector did not';
}

function sameDocumentState(a: DocumentState, b: DocumentState): boolean {
  return sameBytes(a.stateVector, b.stateVector) && sameBytes(a.state, b.state);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stock y-websocket client whose socket keeps a copy of every frame it
 * sends and receives: real, valid messages for the fuzz to mutate.
 */
function recordingClient(server: TestServer, room: string, params: Record<string, string>, sink: Uint8Array[]): StockClient {
  class RecordingSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      const send = this.send.bind(this) as (data: Uint8Array) => void;
      Object.assign(this, {
        send(data: Uint8Array) {
          sink.push(Uint8Array.from(data));
          send(data);
        },
      });
      this.on('message', (data: WebSocket.RawData) => {
        const message = data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : Uint8Array.from(Array.isArray(data) ? Buffer.concat(data) : data);
        // Presence the server relays is other people's (the bystanders'): replayed by the
        // participant's own fuzz socket, it would move their presence over to that socket,
        // which the server lets the same person do, and which is no bad frame.
        if (decodeMessage(message).type !== 'awareness') sink.push(message);
      });
    }
  }
  return connectStockClient(server, room, params, new Y.Doc(), RecordingSocket);
}

/**
 * A data directory in memory where the machine has one (/dev/shm). The fuzz
 * opens thousands of connections, and the server records each in SQLite
 * with a synchronous write; on a real disk those fsyncs would take most of
 * the run, and storage is not what the malformed test tests. The test
 * server's stop() removes the directory either way.
 */
async function memoryBackedDataDir(): Promise<string | undefined> {
  try {
    return await fs.mkdtemp(path.join('/dev/shm', 'retain-malformed-'));
  } catch {
    return undefined;
  }
}

/**
 * Notices, cheaply enough to ask after every frame, whether anything
 * happened to a room's document: an update Yjs applied, or parts it is
 * holding on to until what they depend on arrives (which no update event
 * announces). The full byte-for-byte comparison is made when this says so,
 * and at every checkpoint regardless.
 */
class DocumentWatch {
  private updated = false;
  private pending: [unknown, unknown];

  constructor(readonly room: Room) {
    room.doc.on('update', this.onUpdate);
    this.pending = this.pendingNow();
  }

  get dirty(): boolean {
    const [structs, deletes] = this.pendingNow();
    return this.updated || structs !== this.pending[0] || deletes !== this.pending[1];
  }

  reset(): void {
    this.updated = false;
    this.pending = this.pendingNow();
  }

  stop(): void {
    this.room.doc.off('update', this.onUpdate);
  }

  private readonly onUpdate = (): void => {
    this.updated = true;
  };

  private pendingNow(): [unknown, unknown] {
    return pendingOf(this.room.doc);
  }
}

/** What became of one bad frame sent to a document, and of everything around it. */
export interface BadFrameResult {
  /** What became of the connection that sent it. */
  outcome: Outcome;
  /** Whether a newcomer on the same document, asking for it at the same moment, was answered. */
  newcomer: 'answered' | 'closed' | 'no answer';
  /** Both documents, summarised, before the frame and once the server settled after it. */
  documentsBefore: Record<string, ReturnType<typeof summarise>>;
  documentsAfter: Record<string, ReturnType<typeof summarise>>;
  /** Errors nothing caught while it was handled: each would stop the real server process. */
  uncaughtErrors: string[];
  /** The client ids present on that document before, and once the closed connection's presence had time to go. */
  presenceBefore: number[];
  presenceAfter: number[];
}

/**
 * A test server with a board, a participant's private document on it, and
 * a second board, with stock clients (bystanders) connected to all three;
 * and real messages, recorded from stock clients editing both documents, for
 * the fuzz to mutate.
 */
export class Harness {
  readonly errors = new ProcessErrors();
  /** Real messages a stock client sent and received, and whole-document messages. */
  readonly captured: Uint8Array[] = [];
  private readonly bystanders = new Map<string, { client: StockClient; closes: number }>();
  private liveNotes = 0;

  private constructor(
    readonly server: TestServer,
    readonly board: CreateBoardResponse,
    readonly other: CreateBoardResponse,
    readonly person: RegisterParticipantResponse,
  ) {}

  static async start(): Promise<Harness> {
    const server = await startTestServer({ dataDir: await memoryBackedDataDir() });
    const board = await createBoard(server, 'Retention workshop under attack');
    const other = await createBoard(server, 'A board next door');
    const person = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const h = new Harness(server, board, other, person);
    h.errors.install();
    await h.connectBystanders();
    await h.recordRealMessages();
    await h.settle();
    return h;
  }

  async stop(): Promise<void> {
    for (const { client } of this.bystanders.values()) client.destroy();
    await this.server.stop();
    this.errors.uninstall();
  }

  url(link: Link): string {
    const base = `${this.server.wsUrl}/${this.board.boardId}`;
    if (link === 'facilitator') return `${base}?token=${this.board.tokens.facilitator}`;
    if (link === 'participant') return `${base}?token=${this.board.tokens.participant}`;
    return `${base}/${PRIVATE_DOCUMENT_SUFFIX}?token=${this.board.tokens.participant}&participant=${this.person.participantKey}`;
  }

  documentName(key: DocumentKey): DocumentName {
    const boardId = this.board.boardId as BoardId;
    return key === 'board' ? boardId : privateDocumentName(boardId, this.person.participantId as ParticipantId);
  }

  async room(key: DocumentKey): Promise<Room> {
    const room = await this.server.rooms.get(this.documentName(key));
    if (!room) throw new Error(`the ${key} document is not loaded, though bystanders are connected to it`);
    return room;
  }

  async state(key: DocumentKey): Promise<DocumentState> {
    const { doc } = await this.room(key);
    return {
      stateVector: Y.encodeStateVector(doc),
      state: Y.encodeStateAsUpdate(doc),
      pendingStructs: doc.store.pendingStructs?.update ?? null,
      pendingDeletes: doc.store.pendingDs,
    };
  }

  async states(): Promise<Record<DocumentKey, DocumentState>> {
    return { board: await this.state('board'), private: await this.state('private') };
  }

  /** Both documents, summarised for a readable comparison. */
  async summaries() {
    const out: Record<string, ReturnType<typeof summarise>> = {};
    for (const key of DOCUMENTS) out[key] = summarise(await this.state(key));
    return out;
  }

  async presence(key: DocumentKey): Promise<number[]> {
    return [...(await this.room(key)).presenceStates().keys()].sort((a, b) => a - b);
  }

  /**
   * Sends one bad frame on a fresh socket on `link`, built from the encoded
   * state of the document there, while a second fresh socket on the same
   * link asks for the document in the same turn (so the server most likely
   * handles the two in one batch), and reports what became of everything.
   */
  async sendBadFrame(link: Link, build: (documentState: Uint8Array) => Frame): Promise<BadFrameResult> {
    const key = DOCUMENT_OF[link];
    await this.settle();
    const documentsBefore = await this.summaries();
    const presenceBefore = await this.presence(key);
    const errorsBefore = this.errors.count;

    const frame = build((await this.state(key)).state);
    const neighbour = await FrameSocket.open(this.url(link));
    const socket = await FrameSocket.open(this.url(link));
    let outcome: Outcome;
    let newcomer: BadFrameResult['newcomer'];
    try {
      [outcome, newcomer] = await Promise.all([socket.exchange(frame, 0, syncRequest(new Uint8Array([0])), this.errors), neighbour.request(new Uint8Array([0]))]);
    } finally {
      socket.terminate();
      neighbour.close();
    }
    await this.settle();
    const documentsAfter = await this.summaries();
    const uncaughtErrors = this.errors.since(errorsBefore);
    try {
      await eventually(async () => expect(await this.presence(key)).toEqual(presenceBefore), 2000);
    } catch {
      // Reported by the caller, which compares presenceAfter with presenceBefore.
    }
    return { outcome, newcomer, documentsBefore, documentsAfter, uncaughtErrors, presenceBefore, presenceAfter: await this.presence(key) };
  }

  /**
   * Waits until both documents stop changing. A change to a private
   * document makes the server update the board (the person's progress) a
   * moment later, so a check taken too early could blame the next frame.
   */
  async settle(): Promise<void> {
    let last = await this.states();
    for (let round = 0; round < 40; round++) {
      for (const key of DOCUMENTS) await (await this.room(key)).settle();
      await delay(25);
      const now = await this.states();
      if (DOCUMENTS.every((key) => sameDocumentState(now[key], last[key]))) return;
      last = now;
    }
    throw new Error('the documents kept changing although nobody was editing them');
  }

  /**
   * What is wrong with the server as bystanders see it: /healthz, a note
   * written on another board reaching a second client there, and every
   * bystander still connected. Empty when all is well.
   */
  async problems(): Promise<string[]> {
    const problems: string[] = [];
    try {
      const res = await fetch(`${this.server.url}/healthz`);
      if (res.status !== 200) problems.push(`GET /healthz answered ${res.status}`);
    } catch (error) {
      problems.push(`GET /healthz failed: ${errorText(error)}`);
    }
    const writer = this.bystander('other board, writing').client;
    const reader = this.bystander('other board, reading').client;
    const text = `still live ${++this.liveNotes}`;
    addNote(writer.doc, { text, x: 0, y: 0, authorId: null, authorName: 'Bystander' });
    try {
      await eventually(() => expect(readNotes(reader.doc).some((note) => note.text === text)).toBe(true), 3000);
    } catch {
      problems.push('a note written on the other board did not reach the second client there');
    }
    for (const [name, { client, closes }] of this.bystanders) {
      if (closes > 0 || !client.provider.wsconnected) problems.push(`the bystander on the ${name} was disconnected`);
    }
    return problems;
  }

  private bystander(name: string) {
    const found = this.bystanders.get(name);
    if (!found) throw new Error(`no bystander ${name}`);
    return found;
  }

  private async connectBystanders(): Promise<void> {
    const { board, other, person } = this;
    const clients: [string, StockClient][] = [
      ['same board', connectStockClient(this.server, board.boardId, { token: board.tokens.participant })],
      [
        'same private document',
        connectStockClient(this.server, `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, {
          token: board.tokens.participant,
          participant: person.participantKey,
        }),
      ],
      ['other board, writing', connectStockClient(this.server, other.boardId, { token: other.tokens.facilitator })],
      ['other board, reading', connectStockClient(this.server, other.boardId, { token: other.tokens.viewer })],
    ];
    for (const [name, client] of clients) {
      const entry = { client, closes: 0 };
      client.provider.on('connection-close', () => entry.closes++);
      this.bystanders.set(name, entry);
    }
    await Promise.all(clients.map(([, client]) => whenSynced(client.provider)));
    // Present from the start, so that presence a bad connection leaves behind, or takes away, shows.
    for (const [name, client] of clients) client.provider.awareness.setLocalStateField('user', { name: `Bystander on the ${name}` });
    await eventually(async () => {
      expect(await this.presence('board')).toContain(this.bystander('same board').client.doc.clientID);
      expect(await this.presence('private')).toContain(this.bystander('same private document').client.doc.clientID);
    });
  }

  /** Edits both documents through recording stock clients, then keeps what they sent and received. */
  private async recordRealMessages(): Promise<void> {
    const { board, person } = this;
    const sink: Uint8Array[] = [];
    const facilitator = recordingClient(this.server, board.boardId, { token: board.tokens.facilitator }, sink);
    const drafts = recordingClient(
      this.server,
      `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`,
      { token: board.tokens.participant, participant: person.participantKey },
      sink,
    );
    try {
      await Promise.all([whenSynced(facilitator.provider), whenSynced(drafts.provider)]);
      for (const [client, name] of [
        [facilitator, 'Fay'],
        [drafts, 'Pat'],
      ] as const) {
        client.provider.awareness.setLocalStateField('user', { name });
        client.provider.awareness.setLocalStateField('cursor', { x: 12, y: 34 });
        const kept = addNote(client.doc, { text: `${name}: flexible rotas`, x: 10, y: 20, authorId: null, authorName: name });
        const gone = addNote(client.doc, { text: `${name}: exit interviews`, x: 30, y: 40, authorId: null, authorName: name });
        updateNote(client.doc, kept, { text: `${name}: flexible rotas for night staff`, x: 50 });
        deleteNote(client.doc, gone);
      }
      renameBoard(facilitator.doc, 'Retention workshop, renamed');
      await eventually(async () => {
        expect(readNotes((await this.room('board')).doc).map((note) => note.text)).toContain('Fay: flexible rotas for night staff');
        expect(readNotes((await this.room('private')).doc).map((note) => note.text)).toContain('Pat: flexible rotas for night staff');
      });
    } finally {
      facilitator.destroy();
      drafts.destroy();
    }
    const unique = new Map<string, Uint8Array>();
    for (const message of sink) unique.set(hex(message), message);
    for (const key of DOCUMENTS) {
      const { state, stateVector } = await this.state(key);
      for (const message of [encodeSyncStep2(state), encodeSyncUpdate(state), syncRequest(stateVector)]) {
        unique.set(hex(message), message);
      }
    }
    this.captured.push(...unique.values());
  }
}

// ---------------------------------------------------------------------------
// The fuzz

interface FuzzFrame {
  link: Link;
  /** How the frame was made, for the report. */
  how: string;
  bytes: Uint8Array;
}

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; keep: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'remove'; at: number; count: number };

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out: Uint8Array = Uint8Array.from(input);
  for (const m of mutations) {
    const length = out.length;
    if (m.op === 'flip' && length > 0) out[m.at % length]! ^= 1 << m.bit;
    else if (m.op === 'set' && length > 0) out[m.at % length] = m.value;
    else if (m.op === 'truncate') out = out.slice(0, Math.floor(length * m.keep));
    else if (m.op === 'insert') out = concat(out.subarray(0, m.at % (length + 1)), m.bytes, out.subarray(m.at % (length + 1)));
    else if (m.op === 'remove' && length > 0) out = concat(out.subarray(0, m.at % length), out.subarray((m.at % length) + m.count));
  }
  return out;
}

/**
 * A real message with its payload mutated and written back with the codec,
 * so the mutation reaches the payload's reader behind a right length. Null
 * for a message with no payload to mutate.
 */
function withMutatedPayload(message: Uint8Array, mutations: Mutation[]): Uint8Array | null {
  let decoded: WireMessage;
  try {
    decoded = decodeMessage(message);
  } catch {
    return null;
  }
  switch (decoded.type) {
    case 'syncStep1':
      return encodeSyncStep1(mutate(decoded.stateVector, mutations));
    case 'syncStep2':
      return encodeSyncStep2(mutate(decoded.update, mutations));
    case 'syncUpdate':
      return encodeSyncUpdate(mutate(decoded.update, mutations));
    case 'awareness':
      return encodeAwarenessMessage(mutate(decoded.update, mutations));
    default:
      return null;
  }
}

/** A sync step 2 or update carrying `payload`, whatever bytes it holds. */
function syncMessageOf(syncType: number, payload: Uint8Array): Uint8Array {
  return syncType === SyncMessageType.step2 ? encodeSyncStep2(payload) : encodeSyncUpdate(payload);
}

/**
 * A fuzz frame and the link it goes to. The mix: random bytes; a y-websocket
 * header, then random bytes; a random payload behind a right (or nearly
 * right) length, which reaches the state vector, update and awareness
 * readers; a believable Yjs update header (known and absurd client ids and
 * clocks), then random bytes, which reaches the struct reader; and, most
 * often, real messages from a stock client, mutated as a whole or inside
 * their length prefix (bits flipped, bytes set, inserted or removed, cut short).
 */
function fuzzFrameArbitrary(captured: Uint8Array[], knownClients: number[]): fc.Arbitrary<FuzzFrame> {
  const tail = fc.uint8Array({ maxLength: 96 });
  // Hostile headers: message and sync types, known and unknown, and varints cut short.
  const headers = [[], [0], [0, 0], [0, 1], [0, 2], [0, 3], [0, 7], [1], [2], [3], [4], [0x80], [0xff, 0xff]].map((h) => Uint8Array.from(h));
  const envelopes = [[0, 0], [0, 1], [0, 2], [1]].map((h) => Uint8Array.from(h));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
    fc.record({ op: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('remove' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  );
  const client = fc.oneof(fc.constantFrom(...knownClients), fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
  const clock = fc.oneof(fc.nat({ max: 40 }), fc.nat(), fc.constant(2 ** 50));

  const frame = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 160 }).map((b) => ({ how: 'random bytes', bytes: b })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...headers), tail).map(([header, rest]) => ({ how: 'a header, then random bytes', bytes: concat(header, rest) })),
    },
    {
      // A well-framed payload of random bytes reaches the state vector, update and awareness
      // readers; a length a few bytes off is written by hand, as no codec would.
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...envelopes), tail, fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }))
        .map(([header, payload, skew]) => ({
          how: skew === 0 ? 'a random payload, framed' : `a random payload, framed ${skew} bytes off`,
          bytes: concat(header, varUint(Math.max(0, payload.length + skew)), payload),
        })),
    },
    {
      // A believable Yjs update header (clients, structs, client id, clock) reaches the struct reader.
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(SyncMessageType.step2, SyncMessageType.update), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }), client, clock, tail)
        .map(([syncType, clients, structs, id, at, rest]) => ({
          how: 'a Yjs update header, then random bytes',
          bytes: syncMessageOf(syncType, concat(varUint(clients), varUint(structs), varUint(id), varUint(at), rest)),
        })),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...captured), fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([message, inside, mutations]) => {
        const reframed = inside ? withMutatedPayload(message, mutations) : null;
        if (!reframed) return { how: 'a real message, mutated', bytes: mutate(message, mutations) };
        return { how: 'a real message, its payload mutated', bytes: reframed };
      }),
    },
  );
  const link = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Link>('facilitator') },
    { weight: 1, arbitrary: fc.constant<Link>('participant') },
    { weight: 2, arbitrary: fc.constant<Link>('private') },
  );
  return fc.record({ link, frame }).map(({ link: to, frame: made }) => ({ link: to, how: made.how, bytes: made.bytes }));
}

/** Why an outcome is wrong for a frame that reads this way, or null when it is acceptable. */
function judge(reading: Reading, outcome: Outcome): string | null {
  if (outcome.kind === 'server error') return `an error escaped the server (the real process would stop): ${outcome.errors.join('; ')}`;
  if (outcome.kind === 'no answer') return `the server neither answered nor closed the connection within ${ANSWER_TIMEOUT_MS} ms`;
  // A change refused for its sender's role (44xx) is closed before Yjs ever reads the parts that would fail.
  const refusal = outcome.kind === 'closed' && outcome.code >= 4000;
  if (!reading.readable) {
    // An update Yjs decodes but cannot apply because it builds on changes the
    // document does not have is dropped unread by the write guard, as the
    // same update from a real client whose earlier one was lost must be (that
    // client resends both when it reconnects): it may leave the connection
    // open. The document staying unchanged is checked for every frame.
    if (outcome.kind === 'open' && reading.decodes) return null;
    if (outcome.kind === 'open') return `an unreadable frame (${reading.why}) left the connection open`;
    if (outcome.code === CloseCode.malformedMessage || (refusal && reading.decodes)) return null;
    return `an unreadable frame (${reading.why}) closed the connection with ${outcome.code}, not ${CloseCode.malformedMessage}`;
  }
  if (outcome.kind === 'open' || outcome.code === CloseCode.malformedMessage || refusal) return null;
  return `a readable frame closed the connection with ${outcome.code}`;
}

interface Violation {
  problem: string;
  example: string;
}

/**
 * The fuzz sockets: one in use per link, and spares already open and
 * greeted, so that replacing a socket the server closed costs no wait for a
 * handshake. Frames still go one at a time, so every outcome, error and
 * change is pinned on the frame that caused it.
 */
class SocketPool {
  private static readonly SPARES = 3;
  private readonly current = new Map<Link, FrameSocket>();
  private readonly spares = new Map<Link, Promise<FrameSocket>[]>();

  /** `onFailedOpen` hears of each spare the server never greeted: a newcomer harmed by some earlier frame. */
  constructor(
    private readonly h: Harness,
    private readonly onFailedOpen: (error: unknown) => void,
  ) {}

  async take(link: Link): Promise<FrameSocket> {
    const socket = this.current.get(link);
    if (socket && socket.closeCode === null && socket.sent < MESSAGES_PER_SOCKET) return socket;
    socket?.close();
    this.current.delete(link);
    for (let failures = 0; ; ) {
      this.topUp(link);
      // Whichever spare is ready first: one the server never greets must not hold up the rest.
      const spares = this.sparesOf(link);
      const { opening } = await Promise.race(spares.map((each) => each.then(() => ({ opening: each }), () => ({ opening: each }))));
      spares.splice(spares.indexOf(opening), 1);
      try {
        const next = await opening;
        if (next.closeCode !== null) continue;
        this.current.set(link, next);
        this.topUp(link);
        return next;
      } catch (error) {
        this.onFailedOpen(error);
        if (++failures >= 5) throw new Error(`could not open a socket on the ${link} link five times running`, { cause: error });
      }
    }
  }

  /** Drops the socket in use, terminating it if the server left it open. */
  discard(link: Link): void {
    this.current.get(link)?.terminate();
    this.current.delete(link);
  }

  async closeAll(): Promise<void> {
    const opening = await Promise.allSettled([...this.spares.values()].flat());
    const sockets = [...this.current.values(), ...opening.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))];
    for (const result of opening) if (result.status === 'rejected') this.onFailedOpen(result.reason);
    this.current.clear();
    this.spares.clear();
    for (const socket of sockets) socket.close();
  }

  private sparesOf(link: Link): Promise<FrameSocket>[] {
    let spares = this.spares.get(link);
    if (!spares) this.spares.set(link, (spares = []));
    return spares;
  }

  private topUp(link: Link): void {
    const spares = this.sparesOf(link);
    while (spares.length < SocketPool.SPARES) {
      const opening = FrameSocket.open(this.h.url(link));
      // A socket that fails to open is reported where it is taken, not as an unhandled rejection here.
      opening.catch(() => {});
      spares.push(opening);
    }
  }
}

/**
 * Sends `frames` fuzz frames made from `seed`, one at a time, each judged
 * against how it reads; checks after every frame that announced a change,
 * and every CHECK_EVERY frames regardless, that the documents are as they
 * were and the bystanders well; and at the end that presence is as it was.
 */
export async function runFuzz(h: Harness, { seed, frames: wanted }: { seed: number; frames: number }): Promise<{ sent: number; skipped: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  const baselines = await h.states();
  const before = { ...baselines };
  const presenceBefore = { board: await h.presence('board'), private: await h.presence('private') };
  const knownClients = [...new Set(DOCUMENTS.flatMap((key) => [...Y.decodeStateVector(baselines[key].stateVector).keys()]))];
  // Half as many again as are sent: frames that are simply valid edits are left out (see below).
  const frames = fc.sample(fuzzFrameArbitrary(h.captured, knownClients), { seed, numRuns: Math.ceil(wanted * 1.5) });
  let lastIndex = 0;
  const pool = new SocketPool(h, (error) =>
    record(`a connection opened alongside the fuzz was harmed (around frame #${lastIndex}): ${errorText(error)}`, lastIndex, false),
  );
  const watches = { board: new DocumentWatch(await h.room('board')), private: new DocumentWatch(await h.room('private')) };
  let sent = 0;
  let skipped = 0;
  let silences = 0;
  const errorsAtStart = h.errors.count;
  let errorsPinned = 0;
  let current: { frame: FuzzFrame; reading: Reading; outcome: Outcome | null } | null = null;
  /** Records a problem, pinned on the frame just sent unless `pinned` is false. */
  const record = (problem: string, index: number, pinned = true) => {
    let example = `after frame #${index}`;
    if (pinned && current) {
      const { frame, reading, outcome } = current;
      const read = reading.readable ? `readable, ${reading.effect === 'none' ? 'harmless' : reading.effect}` : `unreadable: ${reading.why}`;
      const became = !outcome ? '' : outcome.kind === 'closed' ? `, closed with ${outcome.code}` : `, ${outcome.kind}`;
      const shown = `${hex(frame.bytes.subarray(0, 96))}${frame.bytes.length > 96 ? `… (${frame.bytes.length} bytes)` : ''}`;
      example = `frame #${index} (${frame.how}) to ${frame.link} [${read}${became}]: ${shown}`;
    }
    violations.push({ problem, example });
  };

  for (const [index, frame] of frames.entries()) {
    if (sent >= wanted) break;
    lastIndex = index;
    const key = DOCUMENT_OF[frame.link];
    const reading = readFrame(frame.bytes, baselines[key].state);
    // A random frame can happen to be a valid edit (a mutated note, say). That is an
    // edit, not a bad frame: the server would rightly apply it, so it is not sent.
    if (reading.readable && reading.effect === 'changes') {
      skipped++;
      continue;
    }
    current = { frame, reading, outcome: null };
    const socket = await pool.take(frame.link);
    const outcome = await socket.exchange(frame.bytes, reading.readable ? reading.answers : 0, syncRequest(baselines[key].stateVector), h.errors);
    sent++;
    current.outcome = outcome;
    if (outcome.kind !== 'open') pool.discard(frame.link);
    if (outcome.kind === 'server error') errorsPinned += outcome.errors.length;
    const wrong = judge(reading, outcome);
    if (wrong) record(wrong, index);
    if (outcome.kind === 'no answer' && ++silences >= 5) {
      record('the server stopped answering: fuzzing abandoned', index, false);
      break;
    }

    const checkpoint = sent % CHECK_EVERY === 0;
    if (checkpoint || DOCUMENTS.some((doc) => watches[doc].dirty)) {
      let changed = false;
      for (const doc of DOCUMENTS) {
        if ((await h.room(doc)) !== watches[doc].room) {
          record(`the ${doc} document's room was dropped and loaded again (a room does that only when storage fails)`, index);
          watches[doc].stop();
          watches[doc] = new DocumentWatch(await h.room(doc));
        }
        const now = await h.state(doc);
        if (sameDocumentState(now, baselines[doc])) continue;
        changed = true;
        // Unannounced by the watch, a change found at a checkpoint cannot be pinned on one frame.
        record(`a frame changed the ${doc} document: ${differenceOf(baselines[doc], now)}`, index, watches[doc].dirty);
      }
      if (changed) {
        // Carry on from the changed state, so that one change is reported once.
        await h.settle();
        Object.assign(baselines, await h.states());
      }
      for (const doc of DOCUMENTS) watches[doc].reset();
    }
    if (checkpoint) for (const problem of await h.problems()) record(problem, index, false);
  }
  for (const doc of DOCUMENTS) watches[doc].stop();

  await pool.closeAll();
  await h.settle();
  for (const problem of await h.problems()) record(`at the end: ${problem}`, frames.length, false);
  // Errors that surfaced between frames, where no exchange was waiting to pin them on one.
  const unpinned = h.errors.since(errorsAtStart).slice(errorsPinned);
  if (unpinned.length > 0) record(`at the end: errors escaped the server between frames: ${unpinned.join('; ')}`, frames.length, false);
  const after = await h.states();
  for (const doc of DOCUMENTS) {
    if (!sameDocumentState(after[doc], before[doc])) {
      record(`at the end: the ${doc} document is not what it was before the fuzz: ${differenceOf(before[doc], after[doc])}`, frames.length, false);
    }
    try {
      await eventually(async () => expect(await h.presence(doc)).toEqual(presenceBefore[doc]), 3000);
    } catch {
      const now = await h.presence(doc);
      record(
        `at the end: presence in the ${doc} document is not what it was once the fuzz sockets closed (client ids ${presenceBefore[doc].join(', ')} before, ${now.join(', ')} after)`,
        frames.length,
        false,
      );
    }
  }
  return { sent, skipped, violations };
}

/** The report of a failed fuzz: each kind of problem once, with how often and a few frames that caused it. */
export function reportOf(violations: Violation[]): string[] {
  const byProblem = new Map<string, string[]>();
  for (const { problem, example } of violations) {
    // Numbers and quoted details vary from frame to frame; the kind of problem does not.
    const kind = problem.replace(/\(.*\)|\d+/g, '…');
    byProblem.set(kind, [...(byProblem.get(kind) ?? []), `${problem}\n      ${example}`]);
  }
  return [...byProblem.entries()].map(([kind, examples]) => `${examples.length} × ${kind}\n    e.g. ${examples.slice(0, 3).join('\n    e.g. ')}`);
}
