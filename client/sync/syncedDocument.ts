import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Awareness } from 'y-protocols/awareness';
import { CLOSE_CODES_FINAL, CloseCode, SYNC_PARAM_PARTICIPANT_KEY, SYNC_PARAM_TOKEN, SYNC_PATH_PREFIX } from '../../shared/protocol';
import { DocumentSaveWatch } from './documentSaveWatch';
import type { ServerSyncMessage } from './saveTracking';
import { takeInSyncMessages } from './syncMessages';
import type { LedgerStorage } from './unsavedLedger';

/** How this device reaches the sync endpoint: the same for each of a person's documents. */
export interface SyncSocket {
  /** The sync endpoint without the board id. */
  url: string;
  token: string;
  /** The secret from registration; null for a viewer. */
  participantKey: string | null;
  /** A WebSocket implementation for Node and tests. */
  WebSocketPolyfill?: typeof WebSocket;
}

/** The sync endpoint on the host that served this page. */
export function defaultSyncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SYNC_PATH_PREFIX}`;
}

/** What is kept of one document besides the server's copy. */
export interface DocumentKeeping {
  /** The IndexedDB database that keeps the document on this device (`localDatabaseName`), or null to keep none. */
  localCopy: string | null;
  /** Where the list of unconfirmed changes survives a reload; null to keep no list (a viewer, who changes nothing). */
  ledger: { storage: LedgerStorage | null; name: string } | null;
}

/** How one document of the board is opened. */
export interface SyncedDocumentOptions extends DocumentKeeping {
  socket: SyncSocket;
  /** The board's id, or the private document's `<boardId>/private`. */
  room: string;
  /** The board's presence; without it the provider makes an awareness of its own. */
  awareness?: Awareness;
  /** Never send the document: a viewer's (docs/client.md, "Viewers"). */
  listenOnly: boolean;
  /** Each sync message from the server, once the document has taken it in. */
  heard(message: ServerSyncMessage): void;
  /** The copy on this device has loaded into the document. */
  localCopyLoaded?(): void;
}

/**
 * One document kept in step with the server on its own socket and kept on
 * this device in IndexedDB: the board, or this person's private document.
 * It opens and closes the provider, the copy and the save tracking
 * (`saveWatch`); the connection listens to the provider and hands the save
 * watch the document's transactions and the server's messages.
 */
export class SyncedDocument {
  readonly provider: WebsocketProvider;
  /** What the server has not confirmed of the document; null without a ledger. */
  readonly saveWatch: DocumentSaveWatch | null;
  private readonly localCopy: IndexeddbPersistence | null;
  private readonly awareness: Awareness | null;
  private closed = false;

  constructor(
    readonly doc: Y.Doc,
    options: SyncedDocumentOptions,
  ) {
    // Starts from the unconfirmed changes a previous visit left.
    this.saveWatch = options.ledger ? new DocumentSaveWatch(doc, options.ledger.storage, options.ledger.name) : null;
    this.localCopy = options.localCopy !== null ? new IndexeddbPersistence(options.localCopy, doc) : null;
    this.awareness = options.awareness ?? null;
    this.provider = new WebsocketProvider(options.socket.url, options.room, doc, providerOptions(options.socket, options.awareness));
    takeInSyncMessages(this.provider, { listenOnly: options.listenOnly, heard: options.heard });
    void this.localCopy?.whenSynced.then(() => {
      if (this.closed) return;
      this.saveWatch?.forgetChangesMissingFromLocalCopy();
      options.localCopyLoaded?.();
    });
  }

  /** Reconnects at once if the socket is down, instead of waiting out the provider's back-off. */
  reconnectNow(): void {
    if (this.provider.wsconnected) return;
    this.provider.disconnect();
    this.provider.connect();
  }

  /**
   * Drops the socket if it is open and connects afresh: one that cannot reach
   * anyone may still look open for up to 30 s.
   */
  dropSocket(): void {
    if (!this.provider.wsconnected) return;
    this.provider.disconnect();
    this.provider.connect();
  }

  /**
   * Closes the socket and the presence, then the copy on this device (deleted
   * with `discardLocalCopy`), then frees the document. Resolves once the copy
   * is closed, so a fresh document may open the same database.
   */
  async close({ discardLocalCopy }: { discardLocalCopy: boolean }): Promise<void> {
    this.closed = true;
    this.provider.destroy();
    this.awareness?.destroy();
    await (discardLocalCopy ? this.localCopy?.clearData() : this.localCopy?.destroy());
    this.doc.destroy();
  }
}

/** The provider's settings, the same for the board and the private document. */
function providerOptions(socket: SyncSocket, awareness: Awareness | undefined): ConstructorParameters<typeof WebsocketProvider>[3] {
  const params: Record<string, string> = { [SYNC_PARAM_TOKEN]: socket.token };
  if (socket.participantKey !== null) params[SYNC_PARAM_PARTICIPANT_KEY] = socket.participantKey;
  return {
    // Connect only once every listener is in place, so no status is missed.
    connect: false,
    params,
    ...(socket.WebSocketPolyfill ? { WebSocketPolyfill: socket.WebSocketPolyfill } : {}),
    ...(awareness ? { awareness } : {}),
    // Tabs share changes through the server only, so each tab's banner speaks
    // for exactly what went through the server.
    disableBc: true,
    // After a refusal on the locked board the connection replaces the document
    // before it reconnects (docs/client.md, "The locked board").
    shouldReconnect: (event: CloseEvent) => !CLOSE_CODES_FINAL.includes(event.code) && event.code !== CloseCode.lockedRefused,
  };
}
