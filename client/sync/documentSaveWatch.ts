import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { recordKeysChangedBy } from '../../shared/document/doc';
import { rangesOfDeleteSet, readServerSyncMessage, SaveTracker } from './saveTracking';
import { type LedgerStorage, loadLedger, saveLedger } from './unsavedLedger';

/**
 * The save tracking of one more document on its own socket: this person's
 * private document (drafts, dots). A draft written offline is an unsaved
 * change like any other, so the banner counts it (docs/client.md, "The save
 * status"); the board's own tracking stays in BoardConnection.
 */
export class DocumentSaveWatch {
  private readonly tracker: SaveTracker;
  private watchedSocket: WebSocket | null = null;

  /**
   * @param ledgerName names this document's list of unconfirmed changes in `ledgerStorage`.
   * @param onChange called after a local change (`local` true: publish at once) or a server confirmation.
   */
  constructor(
    private readonly doc: Y.Doc,
    private readonly provider: WebsocketProvider,
    private readonly ledgerStorage: LedgerStorage | null,
    private readonly ledgerName: string,
    private readonly onChange: (local: boolean) => void,
  ) {
    this.tracker = new SaveTracker(loadLedger(ledgerStorage, ledgerName));
    doc.on('afterTransaction', this.handleTransaction);
    provider.on('status', this.handleStatus);
    provider.on('connection-close', this.handleConnectionClose);
  }

  /** How many changes to this document the server has not confirmed. */
  unsavedCount(): number {
    return this.tracker.unsavedCount(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
  }

  /** Drops remembered changes the local copy no longer holds: call once IndexedDB has loaded. */
  forgetChangesMissingFromLocalCopy(): void {
    this.tracker.forgetChangesMissingFrom(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
    this.persist();
  }

  destroy(): void {
    this.watch(null);
    this.doc.off('afterTransaction', this.handleTransaction);
    this.provider.off('status', this.handleStatus);
    this.provider.off('connection-close', this.handleConnectionClose);
  }

  private readonly handleTransaction = (transaction: Y.Transaction): void => {
    if (!transaction.local) return;
    const client = transaction.doc.clientID;
    const clock = transaction.afterState.get(client) ?? 0;
    const deletes = rangesOfDeleteSet(transaction.deleteSet);
    if (clock <= (transaction.beforeState.get(client) ?? 0) && deletes.length === 0) return;
    this.tracker.recordLocalChange({ client, clock, deletes, records: recordKeysChangedBy(transaction) });
    this.persist();
    this.onChange(true);
  };

  private readonly handleStatus = ({ status }: { status: string }): void => {
    // provider.ws is a new socket on every connection.
    this.watch(status === 'connected' ? this.provider.ws : null);
  };

  private readonly handleConnectionClose = (): void => {
    this.watch(null);
  };

  private readonly handleMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    // Not `instanceof ArrayBuffer`: a polyfill may hand over one from another realm.
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : Object.prototype.toString.call(data) === '[object ArrayBuffer]'
        ? new Uint8Array(data as ArrayBuffer)
        : null;
    const message = bytes && readServerSyncMessage(bytes);
    if (!message) return;
    if (this.tracker.receiveFromServer(message)) this.persist();
    this.onChange(false);
  };

  private watch(socket: WebSocket | null): void {
    if (this.watchedSocket === socket) return;
    this.watchedSocket?.removeEventListener('message', this.handleMessage);
    this.watchedSocket = socket;
    socket?.addEventListener('message', this.handleMessage);
  }

  private persist(): void {
    saveLedger(this.ledgerStorage, this.ledgerName, this.tracker.pendingChanges);
  }
}
