import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import { readSyncStep2 } from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import type { StoreApi } from 'zustand/vanilla';
import { readBoardMeta } from '../../shared/document/board';
import { isLocked } from '../../shared/document/session';
import { boardMap, DocKey, notesMap, recordKeysChangedBy, topMap } from '../../shared/document/doc';
import { addNote, deleteNote, moveNote, NoteIndex, updateNote } from '../../shared/document/notes';
import {
  CLOSE_CODES_FINAL,
  CloseCode,
  MessageType,
  PRIVATE_DOCUMENT_SUFFIX,
  SYNC_PARAM_PARTICIPANT_KEY,
  SYNC_PARAM_TOKEN,
  StateRefusalReason,
  SYNC_PATH_PREFIX,
  SyncMessageType,
} from '../../shared/protocol';
import { type PlanImportResult, roleCanEdit, type Role } from '../../shared/schema/api';
import { deleteBoard, importPlanFile } from '../api';
import type { NoteId, ParticipantId } from '../../shared/schema/ids';
import { CURSOR_THROTTLE_MS } from '../../shared/schema/presence';
import { createBoardStore } from './boardStore';
import { createExerciseActions, readExerciseState } from './exercise';
import { createDiagramActions, readDiagramState } from './diagrams';
import { createFrameScheduler } from './frameScheduler';
import { clampToBoard, ownPresence, readPresence } from './presence';
import {
  deriveSaveStatus,
  rangesOfDeleteSet,
  readServerSyncMessage,
  SaveTracker,
  type StateVector,
} from './saveTracking';
import { throttle } from './throttle';
import { bindSharedText, type SharedTextField } from './sharedText';
import type { TextFieldAddress } from '../../shared/document/text';
import type {
  BoardActions,
  BoardIdentity,
  BoardPoint,
  BoardSession,
  BoardState,
  DiagramActions,
  ExerciseActions,
  NoteEdit,
  PrivateStatus,
  SaveStatus,
} from './types';
import type { PlanFormat } from '../../shared/export/plan';
import { type LedgerStorage, loadLedger, saveLedger } from './unsavedLedger';
import { claimLegacyCopy, isOnlyPersonHere, localDatabaseName } from './localCopies';
import { DocumentSaveWatch } from './documentSaveWatch';

/**
 * How long after syncing before joins and leaves are announced: on every
 * (re)connection everyone's presence arrives at once, which is not news.
 */
const PRESENCE_SETTLE_MS = 2000;

/** The registered person behind a facilitator or participant connection. */
export interface BoardParticipant {
  participantId: string;
  /** The secret from registration that proves to the server this is the same person. */
  key: string;
  displayName: string;
  /** The colour the server gave this person on this board. */
  colour: string;
}

/** How to open a board. */
export interface BoardConnectionOptions {
  boardId: string;
  token: string;
  role: Role;
  /** Null for a viewer, who needs no name. */
  participant: BoardParticipant | null;
  /** The sync endpoint without the board id; defaults to `/sync` on this page's host. */
  websocketUrl?: string;
  /** A WebSocket implementation for Node and tests. */
  WebSocketPolyfill?: typeof WebSocket;
  /** Keep a copy of the board in IndexedDB so offline changes survive a reload. Default true. */
  indexedDb?: boolean;
  /**
   * Where the list of unconfirmed changes survives a reload. Defaults to
   * localStorage when the board is kept in IndexedDB, since the two belong together.
   */
  ledgerStorage?: LedgerStorage | null;
}

/** How `recordKeysChangedBy` names a note. */
const NOTE_RECORD_PREFIX = `${DocKey.notes}/`;
const DIAGRAM_RECORD_PREFIXES = [`${DocKey.diagrams}/`, `${DocKey.driverNodes}/`];

/** The sync endpoint on the host that served this page. */
function defaultSyncUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SYNC_PATH_PREFIX}`;
}

function stateVectorOf(doc: Y.Doc): StateVector {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/**
 * The bytes of a binary socket message, or null for text. Not `instanceof`:
 * a WebSocket polyfill may hand over an ArrayBuffer from another realm (Node's
 * `ws` under jsdom does), which `instanceof ArrayBuffer` rejects; the provider
 * still syncs from it, and the banner would then wait for ever.
 */
function bytesOfMessage(data: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  return null;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Turns a provider into one that only listens, for a viewer: it never sends
 * the document, neither as an update nor in answer to the server's sync
 * step 1. That answer, from a document that has synced before (a reconnect,
 * or a reload from a local copy), carries the document's whole delete set
 * even when it brings nothing new, and the server refuses every change from
 * a viewer (docs/client.md, "Viewers").
 */
function listenOnly(provider: WebsocketProvider): void {
  provider.doc.off('update', provider._updateHandler);
  provider.messageHandlers[MessageType.sync] = (_encoder, decoder, _provider, emitSynced) => {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SyncMessageType.step1) return;
    if (syncType !== SyncMessageType.step2 && syncType !== SyncMessageType.update) throw new Error(`Unknown sync message type ${syncType}`);
    readSyncStep2(decoder, provider.doc, provider);
    if (emitSynced && syncType === SyncMessageType.step2 && !provider.synced) provider.synced = true;
  };
}

/**
 * An object with every method of what `current()` returns, each calling that
 * method of whatever `current()` returns at the time of the call: components
 * keep the same actions while the document behind them is replaced.
 */
function forwardTo<T extends object>(current: () => T): T {
  const forwarded: Record<string, unknown> = {};
  for (const key of Object.keys(current())) {
    forwarded[key] = (...args: unknown[]) => (current() as Record<string, (...args: unknown[]) => unknown>)[key]!(...args);
  }
  return forwarded as T;
}

/** Typing with pauses shorter than this is one undo step (docs/client.md, "Undo"). */
const TEXT_UNDO_CAPTURE_MS = 500;

/** The board document and everything bound to it; replaced whole when the server refuses a change on the locked board. */
interface BoardReplica {
  doc: Y.Doc;
  /** Re-reads only the notes a transaction changed, so a big board stays cheap to redraw. */
  noteIndex: NoteIndex;
  awareness: Awareness;
  undoManager: Y.UndoManager | null;
  persistence: IndexeddbPersistence | null;
  provider: WebsocketProvider;
  exercise: ExerciseActions;
  diagrams: DiagramActions;
}

/**
 * One open board: the Y.Doc, its IndexedDB copy, the sync socket and
 * awareness, turned into a zustand store that components read, and the
 * actions they call. Every write goes through shared/document with this
 * connection's own origin, which is what undo tracks.
 */
export class BoardConnection implements BoardSession {
  readonly store: StoreApi<BoardState> = createBoardStore();
  readonly identity: BoardIdentity;
  readonly actions: BoardActions;

  private readonly boardId: string;
  private readonly token: string;
  private readonly participant: BoardParticipant | null;
  /** Marks this connection's own transactions, for undo and for the unsaved count. */
  private readonly localOrigin = { boardConnection: true };
  private readonly syncUrl: string;
  private readonly providerOptions: ConstructorParameters<typeof WebsocketProvider>[3];
  /** Whether the board is kept in IndexedDB on this device (never for a viewer). */
  private readonly keepsLocalCopy: boolean;
  private replica: BoardReplica;
  /**
   * Set from a refusal on the locked board until the fresh document has the
   * server's copy: meanwhile nothing is written, and the screen keeps what it
   * showed rather than an empty board.
   */
  private resyncing = false;
  /**
   * This person's private document: drafts before the reveal and dots before
   * voting closes, which only they and the server can read. Synced on its own
   * socket, and kept in IndexedDB too, so drafts survive a reload and going offline.
   */
  private readonly privateDoc: Y.Doc | null;
  private readonly privateProvider: WebsocketProvider | null;
  private readonly privatePersistence: IndexeddbPersistence | null;
  private privateStatus: PrivateStatus = 'none';
  private exerciseDirty = true;
  private diagramsDirty = true;
  private tracker: SaveTracker;
  private readonly ledgerStorage: LedgerStorage | null;
  private readonly ledgerName: string;
  /** The save tracking of the private document, whose drafts count as unsaved changes too. */
  private readonly privateSaveWatch: DocumentSaveWatch | null;
  private readonly flush = createFrameScheduler(() => this.publish());
  private readonly sendCursor = throttle((point: BoardPoint) => {
    this.awareness.setLocalStateField('cursor', point);
  }, CURSOR_THROTTLE_MS);

  private socket: 'connecting' | 'connected' | 'disconnected' = 'connecting';
  private watchedSocket: WebSocket | null = null;
  /** The current connection has delivered the server's state vector. */
  private greeted = false;
  /** The current connection has delivered the server's document. */
  private providerSynced = false;
  private hasLostConnection = false;
  private browserOnline = typeof navigator === 'undefined' ? true : navigator.onLine;
  private boardGone = false;
  private refused = false;
  private full = false;
  private documentDirty = true;
  private presenceDirty = true;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor(options: BoardConnectionOptions) {
    const { boardId, token, role, participant } = options;
    this.boardId = boardId;
    this.token = token;
    this.participant = participant;
    // Facilitators and participants write only once registered: notes carry their name.
    const canEdit = roleCanEdit(role) && participant !== null;
    this.identity = {
      role,
      canEdit,
      participantId: participant?.participantId ?? null,
      displayName: participant?.displayName ?? null,
    };
    // A viewer keeps no copy of the board on this device: it cannot change
    // anything offline, and a copy is only something more to send back to a
    // server that refuses every change from a viewer (docs/client.md, "Viewers").
    const indexedDb = options.indexedDb ?? true;
    this.keepsLocalCopy = indexedDb && canEdit;
    // Only an editor keeps a ledger: a viewer in the same browser must not
    // overwrite the entry of a participant's unsaved changes with its empty one.
    const defaultLedger = indexedDb && typeof localStorage !== 'undefined' ? localStorage : null;
    this.ledgerStorage = canEdit ? (options.ledgerStorage !== undefined ? options.ledgerStorage : defaultLedger) : null;
    // Per person, like the copies on this device: a second person in this browser keeps their own list.
    this.ledgerName = `${boardId}:${participant?.participantId ?? role}`;
    this.tracker = new SaveTracker(loadLedger(this.ledgerStorage, this.ledgerName));

    const params: Record<string, string> = { [SYNC_PARAM_TOKEN]: token };
    if (participant) params[SYNC_PARAM_PARTICIPANT_KEY] = participant.key;
    const syncUrl = options.websocketUrl ?? defaultSyncUrl();
    this.syncUrl = syncUrl;
    const providerOptions = {
      // Connect only once every listener is in place, so no status is missed.
      connect: false,
      params,
      ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
      // Tabs share changes through the server only, so each tab's banner speaks
      // for exactly what went through the server.
      disableBc: true,
      // After a refusal on the locked board the document is replaced before reconnecting (discardRefusedChanges).
      shouldReconnect: (event: CloseEvent) => !CLOSE_CODES_FINAL.includes(event.code) && event.code !== CloseCode.lockedRefused,
    };
    this.providerOptions = providerOptions;

    if (canEdit) {
      this.privateDoc = new Y.Doc();
      this.privateDoc.on('afterTransaction', this.markExerciseDirty);
      this.privatePersistence = indexedDb ? new IndexeddbPersistence(localDatabaseName(boardId, participant.participantId, 'private'), this.privateDoc) : null;
      this.privateProvider = new WebsocketProvider(syncUrl, `${boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, this.privateDoc, providerOptions);
      this.privateSaveWatch = new DocumentSaveWatch(this.privateDoc, this.privateProvider, this.ledgerStorage, `${this.ledgerName}:private`, (local) =>
        local ? this.publish() : this.flush.schedule(),
      );
      void this.privatePersistence?.whenSynced.then(() => {
        if (!this.destroyed) this.privateSaveWatch?.forgetChangesMissingFromLocalCopy();
      });
      this.privateStatus = 'connecting';
      this.privateProvider.on('status', this.handlePrivateStatus);
      this.privateProvider.on('sync', this.handlePrivateStatus);
    } else {
      this.privateDoc = null;
      this.privatePersistence = null;
      this.privateProvider = null;
      this.privateSaveWatch = null;
    }
    // After the private document exists: the exercise's actions write drafts into it.
    this.replica = this.openBoardDocument();
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.handleOnline);
      window.addEventListener('offline', this.handleOffline);
    }

    this.actions = {
      addNote: (position, text) => this.addNote(position, text),
      updateNote: (id, edit) => this.updateNote(id, edit),
      moveNote: (id, position) => this.moveNote(id, position),
      deleteNote: (id) => this.deleteNote(id),
      undo: () => this.undo(),
      redo: () => this.redo(),
      setCursor: (point) => this.setCursor(point),
      exercise: forwardTo(() => this.replica.exercise),
      diagrams: forwardTo(() => this.replica.diagrams),
    };
    if (this.keepsLocalCopy && this.privateDoc && isOnlyPersonHere(boardId)) {
      void claimLegacyCopy(boardId, 'board', this.doc);
      void claimLegacyCopy(boardId, 'private', this.privateDoc);
    }
    this.provider.connect();
    this.privateProvider?.connect();
    this.publish();
  }

  private get doc(): Y.Doc {
    return this.replica.doc;
  }

  private get noteIndex(): NoteIndex {
    return this.replica.noteIndex;
  }

  private get awareness(): Awareness {
    return this.replica.awareness;
  }

  private get provider(): WebsocketProvider {
    return this.replica.provider;
  }

  private get undoManager(): Y.UndoManager | null {
    return this.replica.undoManager;
  }

  /** A fresh board document with its presence, undo, copy on this device and socket (not yet connected). */
  private openBoardDocument(): BoardReplica {
    const { role, canEdit } = this.identity;
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState(ownPresence(this.participant, role, doc.clientID));
    const undoManager = canEdit
      ? new Y.UndoManager(
          [DocKey.notes, DocKey.board, DocKey.themes, DocKey.actions, DocKey.actionSteps, DocKey.diagrams, DocKey.driverNodes].map((name) => topMap(doc, name)),
          {
          trackedOrigins: new Set([this.localOrigin]),
          captureTimeout: TEXT_UNDO_CAPTURE_MS,
        })
      : null;

    notesMap(doc).observeDeep(this.markDocumentDirty);
    boardMap(doc).observe(this.markDocumentDirty);
    doc.on('afterTransaction', this.handleTransaction);
    awareness.on('change', this.handleAwarenessChange);
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) {
      undoManager?.on(event, this.publishHistory);
    }

    const persistence =
      this.keepsLocalCopy && this.participant ? new IndexeddbPersistence(localDatabaseName(this.boardId, this.participant.participantId, 'board'), doc) : null;
    void persistence?.whenSynced.then(() => {
      if (this.destroyed || this.doc !== doc) return;
      this.tracker.forgetChangesMissingFrom(stateVectorOf(doc));
      this.persistLedger();
      this.flush.schedule();
    });

    const provider = new WebsocketProvider(this.syncUrl, this.boardId, doc, { ...this.providerOptions, awareness });
    if (!canEdit) listenOnly(provider);
    provider.on('status', this.handleStatus);
    provider.on('sync', this.handleSync);
    provider.on('connection-close', this.handleConnectionClose);
    provider.on('closed', this.handleClosed);

    const writing = { doc, origin: this.localOrigin, canWrite: () => this.canWrite(), endStep: () => this.endUndoStep() };
    return {
      doc,
      noteIndex: new NoteIndex(doc),
      awareness,
      undoManager,
      persistence,
      provider,
      exercise: createExerciseActions({ ...writing, privateDoc: this.privateDoc, role, participant: this.participant }),
      diagrams: createDiagramActions({ ...writing, role }),
    };
  }

  /** Stops listening to a board document and closes its socket; its copy on this device stays unless `discardLocalCopy`. */
  private async closeBoardDocument(replica: BoardReplica, { discardLocalCopy }: { discardLocalCopy: boolean }): Promise<void> {
    replica.provider.off('status', this.handleStatus);
    replica.provider.off('sync', this.handleSync);
    replica.provider.off('connection-close', this.handleConnectionClose);
    replica.provider.off('closed', this.handleClosed);
    replica.doc.off('afterTransaction', this.handleTransaction);
    replica.awareness.off('change', this.handleAwarenessChange);
    replica.provider.destroy();
    replica.undoManager?.destroy();
    replica.awareness.destroy();
    await (discardLocalCopy ? replica.persistence?.clearData() : replica.persistence?.destroy());
    replica.doc.destroy();
  }

  /**
   * The server refused a change from this device because of the board's
   * state (4423): the facilitator has locked the board, or the change added
   * an action to the agreed plan; it never takes that change later. Yjs
   * cannot take back what is in a document, so the document holding it is
   * dropped, with its copy in IndexedDB and the list of unsaved changes, and
   * the board is loaded afresh from the server. Whatever this device had not
   * yet saved to the board goes too: the server refuses every change from a
   * participant while the board is locked, and any update holding the refused
   * action while the plan is agreed. The private document (drafts, dots) is
   * not the board's, and is kept. See docs/client.md, "The locked board".
   */
  private async discardRefusedChanges(refusal: StateRefusalReason): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    this.tracker = new SaveTracker();
    this.persistLedger();
    await this.closeBoardDocument(this.replica, { discardLocalCopy: true });
    if (this.destroyed) return;
    this.replica = this.openBoardDocument();
    for (const listener of this.documentReplacedListeners) listener();
    this.socket = 'connecting';
    this.hasLostConnection = false;
    this.store.setState({ lockRefusals: this.store.getState().lockRefusals + 1, lastStateRefusal: refusal, canUndo: false, canRedo: false });
    this.provider.connect();
    this.flush.schedule();
  }

  /** The board's action plan as a download (the server checks the token). */
  planLink(format: PlanFormat): string {
    return `/api/boards/${encodeURIComponent(this.boardId)}/plan.${format}?token=${encodeURIComponent(this.token)}`;
  }

  /** Deletes the board for everyone; the server refuses anyone but the facilitator, and closes every socket with 4404. */
  deleteBoard(): Promise<void> {
    return deleteBoard(this.boardId, this.token);
  }

  /** Adds a plan file's actions to this board; the server refuses anyone but the facilitator. */
  importPlan(file: Blob, name: string): Promise<PlanImportResult> {
    return importPlanFile(this.boardId, this.token, file, name);
  }

  /** Closes the socket, tells the others this person left, and frees the document. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.flush.cancel();
    this.sendCursor.cancel();
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.handleOnline);
      window.removeEventListener('offline', this.handleOffline);
    }
    this.watchSocket(null);
    // Sent while the socket is still open, so the others see this person leave at once.
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'left the board');
    void this.closeBoardDocument(this.replica, { discardLocalCopy: false });
    this.privateSaveWatch?.destroy();
    this.privateProvider?.destroy();
    void this.privatePersistence?.destroy();
    this.privateDoc?.destroy();
  }

  private addNote(position: BoardPoint, text = ''): NoteId | null {
    if (!this.canWrite() || !this.participant) return null;
    const id = addNote(
      this.doc,
      {
        x: position.x,
        y: position.y,
        text,
        authorId: this.participant.participantId as ParticipantId,
        authorName: this.participant.displayName,
      },
      this.localOrigin,
    );
    this.endUndoStep();
    return id;
  }

  private updateNote(id: NoteId, edit: NoteEdit): void {
    if (!this.canWrite()) return;
    updateNote(this.doc, id, edit, this.localOrigin);
    this.endUndoStep();
  }

  private moveNote(id: NoteId, position: BoardPoint): void {
    if (!this.canWrite()) return;
    moveNote(this.doc, id, position.x, position.y, this.localOrigin);
    this.endUndoStep();
  }

  private deleteNote(id: NoteId): void {
    if (!this.canWrite()) return;
    deleteNote(this.doc, id, this.localOrigin);
    this.endUndoStep();
  }

  private undo(): void {
    if (this.canWrite()) this.undoManager?.undo();
  }

  private redo(): void {
    if (this.canWrite()) this.undoManager?.redo();
  }

  private setCursor(point: BoardPoint | null): void {
    if (this.destroyed) return;
    if (point) {
      this.sendCursor(clampToBoard(point));
      return;
    }
    this.sendCursor.cancel();
    if (this.awareness.getLocalState()?.cursor !== null) this.awareness.setLocalStateField('cursor', null);
  }

  /**
   * Whether a change may be made now. While the facilitator has the board
   * locked only they may: the server would refuse anyone else's change
   * (4423), so it is never made here in the first place.
   */
  private canWrite(): boolean {
    if (!this.identity.canEdit || this.destroyed || this.resyncing) return false;
    return this.identity.role === 'facilitator' || !isLocked(this.doc);
  }

  /** Each action is its own undo step, however quickly the next one follows. */
  private endUndoStep(): void {
    this.undoManager?.stopCapturing();
  }

  /** The shared-text field last typed into, so typing in another one starts a new undo step. */
  private lastTypedField: string | null = null;

  /** Bound shared-text fields, told when a refused change makes the connection open a fresh document. */
  private readonly documentReplacedListeners = new Set<() => void>();

  /**
   * Binds a shared-text field for typing into it live. A burst of typing in
   * one field is one undo step (`TEXT_UNDO_CAPTURE_MS`), unlike every other
   * change, which is a step of its own.
   */
  textField(address: TextFieldAddress): SharedTextField {
    return bindSharedText(
      {
        doc: () => this.doc,
        origin: this.localOrigin,
        canWrite: () => this.canWrite(),
        beforeEdit: ({ root, record, field }) => {
          const typed = `${root}/${record}/${field}`;
          if (typed !== this.lastTypedField) this.endUndoStep();
          this.lastTypedField = typed;
        },
        onDocumentReplaced: (listener) => {
          this.documentReplacedListeners.add(listener);
          return () => this.documentReplacedListeners.delete(listener);
        },
      },
      address,
    );
  }

  private readonly markDocumentDirty = (): void => {
    this.documentDirty = true;
  };

  private readonly markExerciseDirty = (): void => {
    this.exerciseDirty = true;
    this.flush.schedule();
  };

  private readonly handlePrivateStatus = (): void => {
    const provider = this.privateProvider;
    if (this.destroyed || !provider) return;
    // "Connecting" only until the first connection; after that a missing socket means offline.
    let status: PrivateStatus;
    if (!this.browserOnline) status = 'offline';
    else if (provider.wsconnected) status = provider.synced ? 'live' : 'connecting';
    else status = this.privateStatus === 'connecting' ? 'connecting' : 'offline';
    if (status !== this.privateStatus) {
      this.privateStatus = status;
      this.exerciseDirty = true;
      this.flush.schedule();
    }
  };

  private readonly handleTransaction = (transaction: Y.Transaction): void => {
    if (this.destroyed) return;
    // Worked out once per transaction, for the note index, the stores and the unsaved count.
    const records = recordKeysChangedBy(transaction);
    this.noteIndex.noteChangedRecords(records);
    // Notes have their own index; the diagrams and the exercise are re-read only when theirs changed.
    for (const key of records) {
      if (key.startsWith(NOTE_RECORD_PREFIX)) continue;
      if (DIAGRAM_RECORD_PREFIXES.some((prefix) => key.startsWith(prefix))) this.diagramsDirty = true;
      else this.exerciseDirty = true;
    }
    if (!transaction.local) {
      this.flush.schedule();
      return;
    }
    // Local covers undo and redo too: their origin is the undo manager.
    const client = transaction.doc.clientID;
    const clock = transaction.afterState.get(client) ?? 0;
    const deletes = rangesOfDeleteSet(transaction.deleteSet);
    if (clock > (transaction.beforeState.get(client) ?? 0) || deletes.length > 0) {
      this.tracker.recordLocalChange({ client, clock, deletes, records });
      this.persistLedger();
    }
    // At once, not next frame: the banner must say "Saving…" straight away,
    // and a dropped note must not jump back for a frame.
    this.publish();
  };

  private readonly handleAwarenessChange = (): void => {
    this.presenceDirty = true;
    this.flush.schedule();
  };

  private readonly publishHistory = (): void => {
    if (this.destroyed || !this.undoManager) return;
    const canUndo = this.undoManager.canUndo();
    const canRedo = this.undoManager.canRedo();
    const state = this.store.getState();
    if (state.canUndo !== canUndo || state.canRedo !== canRedo) this.store.setState({ canUndo, canRedo });
  };

  private readonly handleStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
    if (this.destroyed) return;
    this.socket = status;
    this.greeted = false;
    this.providerSynced = false;
    // provider.ws is a new socket on every connection.
    if (status === 'connected') this.watchSocket(this.provider.ws);
    else this.setPresenceSettled(false);
    this.flush.schedule();
  };

  private readonly handleSync = (synced: boolean): void => {
    if (this.destroyed) return;
    this.providerSynced = synced;
    if (synced && this.resyncing) {
      // The fresh document now holds the server's board: show all of it.
      this.resyncing = false;
      this.documentDirty = this.exerciseDirty = this.diagramsDirty = this.presenceDirty = true;
    }
    if (synced && this.settleTimer === null && !this.store.getState().presenceSettled) {
      this.settleTimer = setTimeout(() => {
        this.settleTimer = null;
        this.setPresenceSettled(true);
      }, PRESENCE_SETTLE_MS);
    }
    this.flush.schedule();
  };

  private readonly handleConnectionClose = (): void => {
    if (this.destroyed) return;
    this.hasLostConnection = true;
    this.greeted = false;
    this.providerSynced = false;
    this.watchSocket(null);
    this.setPresenceSettled(false);
    this.flush.schedule();
  };

  private readonly handleClosed = ({ code, reason }: { code: number; reason: string }): void => {
    if (this.destroyed) return;
    if (code === CloseCode.lockedRefused) {
      // Any reason but the agreed plan is read as the lock, which 4423 meant first.
      void this.discardRefusedChanges(reason === StateRefusalReason.actionsAgreed ? StateRefusalReason.actionsAgreed : StateRefusalReason.locked);
      return;
    }
    this.boardGone = code === CloseCode.boardGone;
    this.refused = code === CloseCode.forbidden;
    this.full = code === CloseCode.boardFull;
    this.flush.schedule();
  };

  private readonly handleOnline = (): void => {
    this.browserOnline = true;
    // Reconnect now instead of waiting out the provider's back-off.
    if (!this.boardGone && !this.refused && !this.full && !this.resyncing) {
      for (const provider of [this.provider, this.privateProvider]) {
        if (!provider || provider.wsconnected) continue;
        provider.disconnect();
        provider.connect();
      }
    }
    this.handlePrivateStatus();
    this.flush.schedule();
  };

  private readonly handleOffline = (): void => {
    this.browserOnline = false;
    // A socket that cannot reach anyone may still look open for up to 30 s; drop it
    // so the banner and the provider agree with the browser.
    for (const provider of [this.provider, this.privateProvider]) {
      if (!provider?.wsconnected) continue;
      provider.disconnect();
      provider.connect();
    }
    this.handlePrivateStatus();
    this.flush.schedule();
  };

  private readonly handleSocketMessage = (event: MessageEvent): void => {
    if (this.destroyed) return;
    const bytes = bytesOfMessage((event as { data: unknown }).data);
    if (!bytes) return;
    const message = readServerSyncMessage(bytes);
    if (!message) return;
    if (message.kind === 'state-vector') this.greeted = true;
    if (this.tracker.receiveFromServer(message)) this.persistLedger();
    this.flush.schedule();
  };

  /** Listens to what the server says on the given socket (and stops listening to the previous one). */
  private watchSocket(socket: WebSocket | null): void {
    if (this.watchedSocket === socket) return;
    this.watchedSocket?.removeEventListener('message', this.handleSocketMessage);
    this.watchedSocket = socket;
    socket?.addEventListener('message', this.handleSocketMessage);
  }

  private setPresenceSettled(settled: boolean): void {
    if (!settled && this.settleTimer !== null) {
      clearTimeout(this.settleTimer);
      this.settleTimer = null;
    }
    if (this.store.getState().presenceSettled !== settled) this.store.setState({ presenceSettled: settled });
  }

  private persistLedger(): void {
    saveLedger(this.ledgerStorage, this.ledgerName, this.tracker.pendingChanges);
  }

  private computeSaveStatus(): SaveStatus {
    return deriveSaveStatus({
      socket: this.socket,
      synced: this.greeted && this.providerSynced,
      hasLostConnection: this.hasLostConnection,
      browserOnline: this.browserOnline,
      boardGone: this.boardGone,
      refused: this.refused,
      full: this.full,
      // A viewer cannot save anything, so there is nothing to count.
      unsaved: this.identity.canEdit ? this.tracker.unsavedCount(stateVectorOf(this.doc)) + (this.privateSaveWatch?.unsavedCount() ?? 0) : 0,
    });
  }

  /** Copies what changed into the store, in one update. */
  private publish(): void {
    if (this.destroyed) return;
    this.flush.cancel();
    const state = this.store.getState();
    const patch: Partial<BoardState> = {};
    // Until the fresh document has the server's board, the screen keeps what it showed.
    if (this.documentDirty && !this.resyncing) {
      this.documentDirty = false;
      patch.notes = this.noteIndex.readNotes();
      const title = readBoardMeta(this.doc)?.title ?? null;
      if (title !== state.boardTitle) patch.boardTitle = title;
    }
    if (this.exerciseDirty && !this.resyncing) {
      this.exerciseDirty = false;
      patch.exercise = readExerciseState(this.doc, this.privateDoc, this.privateStatus);
    }
    if (this.diagramsDirty && !this.resyncing) {
      this.diagramsDirty = false;
      patch.diagrams = readDiagramState(this.doc);
    }
    if (this.presenceDirty) {
      this.presenceDirty = false;
      const { people, cursors } = readPresence(this.awareness.getStates(), this.doc.clientID);
      // Cursor moves must not re-render the presence list.
      if (!sameJson(people, state.people)) patch.people = people;
      if (!sameJson(cursors, state.cursors)) patch.cursors = cursors;
    }
    const save = this.computeSaveStatus();
    if (save.kind !== state.save.kind || save.unsaved !== state.save.unsaved) patch.save = save;
    if (Object.keys(patch).length > 0) this.store.setState(patch);
  }
}
