import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType, SyncMessageType } from '../../shared/protocol';

/**
 * An in-memory stand-in for the sync server, for client tests that must not
 * touch the network. It follows the server's contract: greet with sync
 * step 1, apply an editor's update and only then send it to every socket
 * (the sender too), drop a viewer's updates. Sockets are FakeWebSockets that
 * the stock y-websocket provider drives as if they were real.
 */
export class FakeSyncServer {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** The WebSocket class to hand to the client as its polyfill. */
  readonly WebSocket: typeof WebSocket;
  /** Tokens that open a read-only connection. */
  readonly viewerTokens = new Set<string>(['viewer-token']);
  private readonly sockets = new Map<FakeWebSocket, { canEdit: boolean; awarenessIds: Set<number> }>();
  private reachable = true;
  private holding = false;
  private held: Array<{ socket: FakeWebSocket; message: Uint8Array }> = [];

  constructor() {
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      syncProtocol.writeUpdate(encoder, update);
      this.broadcast(encoding.toUint8Array(encoder));
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
      const entry = origin instanceof FakeWebSocket ? this.sockets.get(origin) : undefined;
      for (const id of [...added, ...updated]) entry?.awarenessIds.add(id);
      this.broadcast(this.encodeAwareness([...added, ...updated, ...removed]));
    });
    this.WebSocket = socketClassFor(this);
  }

  /** How many sockets are open now. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Drops every socket and refuses new ones, like a network that went away. */
  goUnreachable(): void {
    this.reachable = false;
    for (const socket of [...this.sockets.keys()]) socket.serverClose(1006, 'network lost');
  }

  /** Closes every socket with the given code, as the server does when a board is deleted. */
  closeAll(code: number, reason: string): void {
    for (const socket of [...this.sockets.keys()]) socket.serverClose(code, reason);
  }

  /** Accepts sockets again. */
  goReachable(): void {
    this.reachable = true;
  }

  /** Holds incoming document messages unapplied, like slow storage, until released. */
  hold(): void {
    this.holding = true;
  }

  /** Applies everything held, then answers as usual again. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const { socket, message } of held) this.receive(socket, message);
  }

  /** Frees the server's document and awareness. */
  destroy(): void {
    for (const socket of [...this.sockets.keys()]) socket.serverClose(1001, 'server stopped');
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** False while the server pretends the network is gone. */
  get isReachable(): boolean {
    return this.reachable;
  }

  /** @internal Called by a FakeWebSocket once it has opened. */
  accept(socket: FakeWebSocket): void {
    const token = new URL(socket.url).searchParams.get('token') ?? '';
    this.sockets.set(socket, { canEdit: !this.viewerTokens.has(token), awarenessIds: new Set() });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    socket.deliver(encoding.toUint8Array(encoder));
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length > 0) socket.deliver(this.encodeAwareness(ids));
  }

  /** @internal Called when a socket closes. */
  forget(socket: FakeWebSocket): void {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    this.sockets.delete(socket);
    awarenessProtocol.removeAwarenessStates(this.awareness, [...entry.awarenessIds], socket);
  }

  /** @internal Called with every message a socket sends. */
  receive(socket: FakeWebSocket, message: Uint8Array): void {
    const entry = this.sockets.get(socket);
    if (!entry) return;
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), socket);
      return;
    }
    if (type !== MessageType.sync) return;
    if (this.holding) {
      this.held.push({ socket, message });
      return;
    }
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SyncMessageType.step1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
      socket.deliver(encoding.toUint8Array(encoder));
    } else if (entry.canEdit) {
      Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), socket);
    }
  }

  private encodeAwareness(ids: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    return encoding.toUint8Array(encoder);
  }

  private broadcast(message: Uint8Array): void {
    for (const socket of this.sockets.keys()) socket.deliver(message);
  }
}

/** A WebSocket class whose sockets all connect to the given server, as the provider's polyfill. */
function socketClassFor(server: FakeSyncServer): typeof WebSocket {
  return class extends FakeWebSocket {
    constructor(url: string | URL) {
      super(url, server);
    }
  } as unknown as typeof WebSocket;
}

/** Just enough of the browser's WebSocket for y-websocket, connected to a FakeSyncServer. */
export class FakeWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readonly url: string;
  readyState = 0;
  binaryType = 'arraybuffer';
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    url: string | URL,
    private readonly server: FakeSyncServer,
  ) {
    super();
    this.url = String(url);
    // Like a real socket, it opens (or fails) after the constructor returns.
    setTimeout(() => {
      if (this.readyState !== this.CONNECTING) return;
      if (!server.isReachable) {
        this.emit('error', new Event('error'));
        this.serverClose(1006, 'unreachable');
        return;
      }
      this.readyState = this.OPEN;
      this.emit('open', new Event('open'));
      server.accept(this);
    }, 0);
  }

  send(data: ArrayBufferLike | Uint8Array): void {
    if (this.readyState !== this.OPEN) return;
    const copy = new Uint8Array(data instanceof Uint8Array ? data : new Uint8Array(data)).slice();
    setTimeout(() => this.server.receive(this, copy), 0);
  }

  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }

  /** @internal A message from the server, delivered asynchronously like the network would. */
  deliver(message: Uint8Array): void {
    const copy = message.slice();
    setTimeout(() => {
      if (this.readyState !== this.OPEN) return;
      this.emit('message', new MessageEvent('message', { data: copy.buffer }));
    }, 0);
  }

  /** @internal Closes the socket from the server's side. */
  serverClose(code: number, reason: string): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.server.forget(this);
    setTimeout(() => this.emit('close', Object.assign(new Event('close'), { code, reason, wasClean: false })), 0);
  }

  private emit(type: 'open' | 'message' | 'close' | 'error', event: Event): void {
    const handler = this[`on${type}`] as ((event: Event) => void) | null;
    handler?.call(this, event);
    this.dispatchEvent(event);
  }
}
