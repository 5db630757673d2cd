import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { decodeMessage, encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../shared/protocol';

/**
 * A y-websocket client whose network the test drives by hand. It speaks the
 * same sync and awareness messages as the stock WebsocketProvider, but every
 * message it writes, and every message the server sends it, waits in a queue
 * until the test delivers it: in order or not, once or twice, or never when
 * the connection drops. The document itself behaves as a real client's does:
 * it keeps every change across disconnections and resyncs on reconnect.
 */

/** The transaction origin of what came from the server, so it is not sent back. */
const FROM_SERVER = Symbol('from server');

/** How a client goes offline. */
export type DisconnectMode =
  /** A clean close: what the client had written goes out first, then the close frame. */
  | 'graceful'
  /** The connection drops: whatever was still in flight, either way, is lost. */
  | 'abrupt'
  /** The connection drops, but the client kept what it had not sent and sends it once back online. */
  | 'abruptKeep';

/** One socket to the server and the messages in flight on it. */
class Link {
  /** Written by the client, not yet delivered to the server; oldest first. */
  readonly outgoing: Uint8Array[] = [];
  /** Sent by the server, not yet delivered to the client's document; oldest first. */
  readonly incoming: Uint8Array[] = [];
  open = true;
  /** True once the client itself asked to close, so the close is not the server's doing. */
  closing = false;
  readonly closed: Promise<number>;
  private readonly pongWaiters: Array<() => void> = [];

  constructor(
    readonly socket: WebSocket,
    onArrival: (message: Uint8Array) => void,
    onServerClose: (code: number) => void,
  ) {
    socket.binaryType = 'arraybuffer';
    socket.on('message', (data: ArrayBuffer) => {
      const message = new Uint8Array(data);
      this.incoming.push(message);
      onArrival(message);
    });
    socket.on('pong', () => this.pongWaiters.shift()?.());
    // ws reports a failed connection as an error followed by a close; the close is what counts.
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', (code: number) => {
        this.open = false;
        if (!this.closing) onServerClose(code);
        for (const waiter of this.pongWaiters.splice(0)) waiter();
        resolve(code);
      }),
    );
  }

  /**
   * Resolves once the server has answered a ping. WebSocket frames keep their
   * order on a socket, so by then the server has read every message sent
   * before the ping, and everything it sent before its pong has arrived here.
   */
  roundTrip(): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      this.pongWaiters.push(resolve);
      this.socket.ping();
    });
  }
}

export class ControlledClient {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  /** Close codes of connections the server ended; the test decides which it expected. */
  readonly serverCloses: number[] = [];
  /** Messages that have arrived from the server, over every connection: the test waits for this to stop moving. */
  arrivals = 0;
  /**
   * Every document update the server sent this client, applied or not (the
   * network may yet lose it). The server stores before it sends, so all of
   * it must outlive the server and this client alike.
   */
  private readonly fromServer: Uint8Array[] = [];
  private link: Link | null = null;
  /** Messages kept from a dropped connection, to send on the next one. */
  private kept: Uint8Array[] = [];

  constructor(
    readonly name: string,
    clientId: number,
    /** The sync URL to connect to; a function, because the server may have restarted on a new port. */
    private readonly url: () => string,
  ) {
    // A fixed id makes a failing run easier to read; ids only need to differ between writers.
    this.doc.clientID = clientId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState({ user: { name } });
    this.doc.on('update', this.handleDocUpdate);
    this.awareness.on('update', this.handleAwarenessUpdate);
  }

  get connected(): boolean {
    return this.link?.open === true;
  }

  get queuedOutgoing(): number {
    return this.connected ? this.link!.outgoing.length : 0;
  }

  get queuedIncoming(): number {
    return this.connected ? this.link!.incoming.length : 0;
  }

  /** Opens a socket and queues what y-websocket sends on open: sync step 1, then its presence. */
  async connect(): Promise<void> {
    if (this.connected) return;
    const socket = new WebSocket(this.url());
    const link = new Link(
      socket,
      (message) => this.arrived(message),
      (code) => this.serverCloses.push(code),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`${this.name}: upgrade refused with ${res.statusCode}`)));
      socket.once('error', reject);
    });
    this.link = link;
    link.outgoing.push(...this.kept.splice(0));
    link.outgoing.push(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    if (this.awareness.getLocalState() !== null) link.outgoing.push(this.encodeAwareness([this.doc.clientID]));
  }

  /** Goes offline; the document keeps every change, as a browser's does. */
  async disconnect(mode: DisconnectMode): Promise<void> {
    const link = this.link;
    this.link = null;
    if (!link?.open) return;
    link.closing = true;
    if (mode === 'graceful') {
      for (const message of link.outgoing) link.socket.send(message);
      link.socket.close(1000);
    } else {
      if (mode === 'abruptKeep') this.kept.push(...link.outgoing);
      link.socket.terminate();
    }
    await link.closed;
    // As y-websocket does: the others' presence is forgotten until the server tells again.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, FROM_SERVER);
  }

  /** Resolves once the current socket, if any, has closed: the server closes it on a restart. */
  async whenClosed(): Promise<void> {
    await this.link?.closed;
  }

  /** Delivers one queued message to the server: the one at `pick` (so out of order), and keeps a copy to send again when `duplicate`. */
  sendQueued(pick: number, duplicate: boolean): void {
    const link = this.link;
    if (!link?.open || link.outgoing.length === 0) return;
    const index = pick % link.outgoing.length;
    const message = duplicate ? link.outgoing[index]! : link.outgoing.splice(index, 1)[0]!;
    link.socket.send(message);
  }

  /** Delivers one message from the server to the document, likewise out of order or twice. */
  receiveQueued(pick: number, duplicate: boolean): void {
    const link = this.link;
    if (!link?.open || link.incoming.length === 0) return;
    const index = pick % link.incoming.length;
    const message = duplicate ? link.incoming[index]! : link.incoming.splice(index, 1)[0]!;
    this.handle(message);
  }

  /** Delivers everything queued for the server: in order, or newest first. */
  flushOutgoing(reversed = false): void {
    const link = this.link;
    if (!link?.open) return;
    const messages = link.outgoing.splice(0);
    if (reversed) messages.reverse();
    for (const message of messages) link.socket.send(message);
  }

  /** Delivers everything the server has sent: in order, or newest first. */
  flushIncoming(reversed = false): void {
    const link = this.link;
    if (!link?.open) return;
    const messages = link.incoming.splice(0);
    if (reversed) messages.reverse();
    for (const message of messages) this.handle(message);
  }

  roundTrip(): Promise<void> {
    return this.link?.roundTrip() ?? Promise.resolve();
  }

  /**
   * What the server has acknowledged to this client: everything it sent,
   * whether or not the network delivered it, as far as it can be applied.
   * Structs that cannot be applied (the server passes on ones it holds back
   * itself, waiting for an earlier update from their author) were never
   * shown to anyone, so they are left out.
   */
  acknowledged(): Uint8Array {
    const doc = new Y.Doc();
    for (const update of this.fromServer) Y.applyUpdate(doc, update);
    const state = integratedState(doc);
    doc.destroy();
    return state;
  }

  destroy(): void {
    this.link?.socket.terminate();
    this.link = null;
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** What a y-websocket client does with a message: apply it, and answer sync step 1 with step 2. */
  private handle(message: Uint8Array): void {
    const decoded = decodeMessage(message);
    if (decoded.type === 'syncStep1') this.queue(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, decoded.stateVector)));
    else if (decoded.type === 'syncStep2' || decoded.type === 'syncUpdate') Y.applyUpdate(this.doc, decoded.update, FROM_SERVER);
    else if (decoded.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, decoded.update, FROM_SERVER);
  }

  private arrived(message: Uint8Array): void {
    this.arrivals++;
    const decoded = decodeMessage(message);
    // Step 1 is the server asking; step 2 and updates carry its document.
    if (decoded.type === 'syncStep2' || decoded.type === 'syncUpdate') this.fromServer.push(decoded.update);
  }

  /** A real client writes while it is online and relies on the resync for the rest. */
  private queue(message: Uint8Array): void {
    if (this.connected) this.link!.outgoing.push(message);
  }

  private encodeAwareness(clientIds: number[]): Uint8Array {
    return encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds));
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_SERVER) return;
    this.queue(encodeSyncUpdate(update));
  };

  private readonly handleAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin !== 'local') return;
    this.queue(this.encodeAwareness([...added, ...updated, ...removed]));
  };
}

/** A document's state without what it holds pending (structs and deletions waiting for what they build on). */
export function integratedState(doc: Y.Doc): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  copy.store.pendingStructs = null;
  copy.store.pendingDs = null;
  const state = Y.encodeStateAsUpdate(copy);
  copy.destroy();
  return state;
}
