import * as Y from 'yjs';
import { recordKeysChangedBy } from '../../shared/document/doc';
import { rangesOfDeleteSet, SaveTracker, type ServerSyncMessage } from './saveTracking';
import { type LedgerStorage, loadLedger, saveLedger } from './unsavedLedger';

/**
 * The save tracking of one document on its own socket (the board, or this
 * person's private document of drafts and dots), with its list of
 * unconfirmed changes kept in `ledgerStorage` across reloads
 * (docs/client.md, "The save status"). The connection hands it the
 * document's transactions and the server's sync messages; it listens to
 * nothing itself.
 */
export class DocumentSaveWatch {
  private tracker: SaveTracker;

  /** @param ledgerName names this document's list of unconfirmed changes in `ledgerStorage`. */
  constructor(
    private readonly doc: Y.Doc,
    private readonly ledgerStorage: LedgerStorage | null,
    private readonly ledgerName: string,
  ) {
    this.tracker = new SaveTracker(loadLedger(ledgerStorage, ledgerName));
  }

  /**
   * Takes in a transaction of the document; records it when it was made here
   * (undo and redo included) and added or deleted something. Returns whether
   * it did. `records` saves working out again what the caller already has.
   */
  recordTransaction(transaction: Y.Transaction, records?: string[]): boolean {
    if (!transaction.local) return false;
    const client = transaction.doc.clientID;
    const clock = transaction.afterState.get(client) ?? 0;
    const deletes = rangesOfDeleteSet(transaction.deleteSet);
    if (clock <= (transaction.beforeState.get(client) ?? 0) && deletes.length === 0) return false;
    this.tracker.recordLocalChange({ client, clock, deletes, records: records ?? recordKeysChangedBy(transaction) });
    this.persist();
    return true;
  }

  /** Takes in what a sync message from the server says it holds. */
  receiveFromServer(message: ServerSyncMessage): void {
    if (this.tracker.receiveFromServer(message)) this.persist();
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

  /** Forgets every unconfirmed change, here and in the stored list: the server refused them and never takes them later. */
  discardChanges(): void {
    this.tracker = new SaveTracker();
    this.persist();
  }

  private persist(): void {
    saveLedger(this.ledgerStorage, this.ledgerName, this.tracker.pendingChanges);
  }
}
