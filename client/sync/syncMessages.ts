import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import { decodeMessage, encodeSyncStep2, MessageType } from '../../shared/protocol';
import type { ServerSyncMessage } from './saveTracking';

/** How a connection takes in the server's sync messages. */
export interface SyncMessageOptions {
  /**
   * For a viewer: never send the document, neither as an update nor in
   * answer to the server's sync step 1. That answer, from a document that has
   * synced before (a reconnect, or a reload from a local copy), carries the
   * document's whole delete set even when it brings nothing new, and the
   * server refuses every change from a viewer (docs/client.md, "Viewers").
   */
  listenOnly: boolean;
  /** Called with each sync message once the document has taken it in: what the server holds, for the save tracking. */
  heard(message: ServerSyncMessage): void;
}

/**
 * Takes over the provider's handling of the server's sync messages, so each
 * one is read once, with the protocol's codec, and that one reading goes to
 * the document and to the save tracking (docs/client.md, "The save status,
 * and why it is computed this way"). It does what the provider's own handler
 * does: answers step 1 with what the server lacks (unless `listenOnly`),
 * applies step 2 and updates, and says the provider has synced on the first
 * step 2.
 */
export function takeInSyncMessages(provider: WebsocketProvider, options: SyncMessageOptions): void {
  if (options.listenOnly) provider.doc.off('update', provider._updateHandler);
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, _provider, emitSynced) => {
    // The provider has read only the message's type; the codec reads the whole message.
    const message = decodeMessage(decoder.arr);
    switch (message.type) {
      case 'syncStep1':
        if (!options.listenOnly) encoding.writeUint8Array(encoder, encodeSyncStep2(Y.encodeStateAsUpdate(provider.doc, message.stateVector)));
        break;
      case 'syncStep2':
      case 'syncUpdate': {
        const applied = applyFromServer(provider, message.update);
        if (emitSynced && message.type === 'syncStep2' && !provider.synced) provider.synced = true;
        options.heard(applied ? { ...message, applied } : message);
        return;
      }
      default:
        // Only sync messages come to this handler.
        return;
    }
    options.heard(message);
  };
}

/**
 * Applies the server's update with the provider as its origin, so the
 * provider does not send it back. Returns the document's state vector before
 * and after, from the applying transaction, for the save tracking; null when
 * applying failed.
 */
function applyFromServer(provider: WebsocketProvider, update: Uint8Array): { before: Map<number, number>; after: Map<number, number> } | null {
  let applied: { before: Map<number, number>; after: Map<number, number> } | null = null;
  const seeTransaction = (transaction: Y.Transaction) => {
    if (transaction.origin === provider) applied = { before: transaction.beforeState, after: transaction.afterState };
  };
  provider.doc.on('afterTransaction', seeTransaction);
  try {
    Y.applyUpdate(provider.doc, update, provider);
  } catch (error) {
    // As the provider's own handler does: this also catches what the document's event handlers throw.
    console.error('Caught error while handling a Yjs update', error);
    applied = null;
  } finally {
    provider.doc.off('afterTransaction', seeTransaction);
  }
  return applied;
}
