import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { NoteIndex } from '../../shared/document/notes';
import type { ConnectionSettings } from './connectionSettings';
import type { SocketState } from './connectionStatus';
import { ownPresence } from './presence';
import type { ServerSyncMessage } from './saveTracking';
import { SyncedDocument } from './syncedDocument';
import { UndoHistory } from './undoHistory';

/** How the board document is opened. */
export interface BoardDocumentSettings {
  boardId: string;
  /** Who is connecting (a viewer has no undo, and only listens), how to reach the server, and what is kept on this device. */
  connection: Pick<ConnectionSettings, 'identity' | 'socket' | 'board'>;
  /** Null for a viewer. */
  participant: { participantId: string; displayName: string; colour: string } | null;
  /** Marks the connection's own transactions, which undo takes back. */
  origin: object;
}

/** What the board document tells its connection. */
export interface BoardDocumentListeners {
  transaction(transaction: Y.Transaction): void;
  /** Someone's presence (awareness) changed. */
  presenceChanged(): void;
  /** What can be undone or redone may have changed. */
  historyChanged(): void;
  /** Each sync message from the server, once the document has taken it in. */
  heard(message: ServerSyncMessage): void;
  /** The copy on this device has loaded into the document. */
  localCopyLoaded(): void;
  /** The provider's events. */
  status(event: { status: SocketState }): void;
  sync(synced: boolean): void;
  connectionClose(): void;
  closed(event: { code: number; reason: string }): void;
}

/**
 * The board's Y.Doc with everything bound to it: presence, this person's undo
 * history, the note index, the socket and the copy on this device. The
 * connection replaces it whole when the server refuses a change on the locked
 * board (docs/client.md, "The locked board"). Opened with its socket not yet
 * connected.
 */
export class BoardDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  /** Re-reads only the notes a transaction changed, so a big board stays cheap to redraw. */
  readonly noteIndex: NoteIndex;
  /** This person's undo and redo; null for a viewer, who changes nothing. */
  readonly history: UndoHistory | null;
  /** The socket, the copy on this device, and what the server has not confirmed (nothing is tracked for a viewer). */
  readonly synced: SyncedDocument;

  constructor(
    settings: BoardDocumentSettings,
    private readonly listeners: BoardDocumentListeners,
  ) {
    const { doc } = this;
    const { identity, socket, board } = settings.connection;
    this.awareness = new Awareness(doc);
    this.awareness.setLocalState(ownPresence(settings.participant, identity.role, doc.clientID));
    this.history = identity.canEdit ? new UndoHistory(doc, settings.origin, listeners.historyChanged) : null;
    doc.on('afterTransaction', listeners.transaction);
    this.awareness.on('change', listeners.presenceChanged);

    this.synced = new SyncedDocument(doc, {
      ...board,
      socket,
      room: settings.boardId,
      awareness: this.awareness,
      // A viewer's provider only listens (docs/client.md, "Viewers").
      listenOnly: !identity.canEdit,
      heard: listeners.heard,
      localCopyLoaded: listeners.localCopyLoaded,
    });
    const { provider } = this.synced;
    provider.on('status', listeners.status);
    provider.on('sync', listeners.sync);
    provider.on('connection-close', listeners.connectionClose);
    provider.on('closed', listeners.closed);
    this.noteIndex = new NoteIndex(doc);
  }

  /** Stops telling the connection anything, then closes the socket; the copy on this device stays unless `discardLocalCopy`. */
  async close({ discardLocalCopy }: { discardLocalCopy: boolean }): Promise<void> {
    const { provider } = this.synced;
    const { listeners } = this;
    provider.off('status', listeners.status);
    provider.off('sync', listeners.sync);
    provider.off('connection-close', listeners.connectionClose);
    provider.off('closed', listeners.closed);
    this.doc.off('afterTransaction', listeners.transaction);
    this.awareness.off('change', listeners.presenceChanged);
    this.history?.destroy();
    await this.synced.close({ discardLocalCopy });
  }
}
