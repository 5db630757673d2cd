import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType } from '../../shared/protocol';

/** The outcome of an upgrade attempt: the socket, or the HTTP status the server refused with. */
export type UpgradeOutcome = { accepted: true; socket: WebSocket } | { accepted: false; status: number; body: string };

/** Tries to open a sync socket and reports whether the upgrade was accepted, without retrying. */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.binaryType = 'arraybuffer';
    socket.once('open', () => resolve({ accepted: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ accepted: false, status: res.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

/**
 * A bare protocol client over a raw socket, for what the stock provider will
 * not do on purpose: send as a viewer, send garbage, watch every frame.
 */
export class RawClient {
  readonly doc = new Y.Doc();
  readonly received: Uint8Array[] = [];
  closeCode: number | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: ArrayBuffer) => {
      const message = new Uint8Array(data);
      this.received.push(message);
      this.handle(message);
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  /** Opens a socket; throws when the upgrade is refused. */
  static async connect(url: string): Promise<RawClient> {
    const outcome = await tryUpgrade(url);
    if (!outcome.accepted) throw new Error(`upgrade refused with ${outcome.status}: ${outcome.body}`);
    return new RawClient(outcome.socket);
  }

  /** Sends sync step 1 so the server answers with everything it has. */
  requestSync(): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoding.toUint8Array(encoder));
  }

  /** Sends a document update as a sync update message. */
  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    this.send(encoding.toUint8Array(encoder));
  }

  send(message: Uint8Array): void {
    this.socket.send(message);
  }

  close(): void {
    this.socket.close();
  }

  /** Resolves with the close code once the server closes the socket. */
  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
  }

  private handle(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MessageType.sync) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MessageType.sync);
    syncProtocol.readSyncMessage(decoder, reply, this.doc, 'server');
    // A reply holds more than its message type when the server asked for our state.
    if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
  }
}
