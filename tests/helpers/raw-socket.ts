import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { decodeMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, type WireMessage } from '../../shared/protocol';

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
    this.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  /** Sends a document update as a sync update message. */
  sendUpdate(update: Uint8Array): void {
    this.send(encodeSyncUpdate(update));
  }

  /** The messages received so far (from the `since`th on), read through the codec. */
  receivedMessages(since = 0): WireMessage[] {
    return this.received.slice(since).map(decodeMessage);
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

  /** What a y-websocket client does with a sync message: apply what it carries, and answer the server's step 1. */
  private handle(message: Uint8Array): void {
    const decoded = decodeMessage(message);
    if (decoded.type === 'syncStep1') this.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, decoded.stateVector)));
    else if (decoded.type === 'syncStep2' || decoded.type === 'syncUpdate') Y.applyUpdate(this.doc, decoded.update, 'server');
  }
}
