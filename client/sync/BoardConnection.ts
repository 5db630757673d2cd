import * as Y from 'yjs';
import { type Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { StoreApi } from 'zustand/vanilla';
import { readBoardMeta } from '../../shared/document/board';
import { isLocked } from '../../shared/document/session';
import { DocKey, recordKeysChangedBy } from '../../shared/document/doc';
import type { NoteIndex } from '../../shared/document/notes';
import { CloseCode, PRIVATE_DOCUMENT_SUFFIX, readStateRefusalReason, type StateRefusalReason } from '../../shared/protocol';
import type { CheckInResponse, CycleResponse, PlanImportResult } from '../../shared/schema/api';
import { deleteBoard, getCycle, importPlanFile, planDownloadPath, startCheckIn } from '../api';
import { boardLinkPath } from '../state/openedBoards';
import { createBoardStore } from './boardStore';
import { createExerciseActions, ExerciseStateReader } from './exercise';
import { createDiagramActions, readDiagramState } from './diagrams';
import { createNoteActions, type NoteActions } from './notes';
import { createFrameScheduler } from './frameScheduler';
import { createCursorSender, readPresence, settlePresence } from './presence';
import { ConnectionStatus, type SocketState } from './connectionStatus';
import type { ServerSyncMessage } from './saveTracking';
import { bindSharedText, type SharedTextField } from './sharedText';
import type { TextFieldAddress } from '../../shared/document/text';
import type {
  BoardActions,
  BoardIdentity,
  BoardSession,
  BoardState,
  DiagramActions,
  ExerciseActions,
  SaveStatus,
} from './types';
import type { PlanFormat } from '../../shared/export/plan';
import { claimLegacyCopies } from './localCopies';
import { SyncedDocument } from './syncedDocument';
import { BoardDocument } from './boardDocument';
import { type BoardConnectionOptions, type BoardParticipant, type ConnectionSettings, connectionSettings } from './connectionSettings';
import { keepUnchanged } from './keepUnchanged';

export type { BoardConnectionOptions, BoardParticipant } from './connectionSettings';

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

/** The board document and the actions that write to it; replaced whole when the server refuses a change on the locked board. */
interface BoardReplica {
  board: BoardDocument;
  notes: NoteActions;
  exercise: ExerciseActions;
  diagrams: DiagramActions;
}

/**
 * One open board: the board's document (`BoardDocument`) and this person's
 * private document (`SyncedDocument`), wired to the zustand store that
 * components read, the banner's `ConnectionStatus`, and the actions they
 * call. Every write goes through shared/document with this connection's own
 * origin, which is what undo tracks.
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
  /** How each of this person's documents reaches the server, and what is kept of it on this device. */
  private readonly settings: ConnectionSettings;
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
  private readonly privateDocument: SyncedDocument | null;
  private readonly privateDoc: Y.Doc | null;
  private exerciseDirty = true;
  /** Re-reads only the slices of the exercise a transaction changed (docs/client.md, "Reading the exercise"). */
  private readonly exerciseReader = new ExerciseStateReader();
  private diagramsDirty = true;
  private readonly flush = createFrameScheduler(() => this.publish());
  /** This person's pointer, as the others see it. */
  private readonly cursor = createCursorSender({
    get: () => this.awareness.getLocalState()?.cursor,
    set: (point) => this.awareness.setLocalStateField('cursor', point),
  });
  /** Joins and leaves are announced only once everyone's presence has arrived after a (re)connection. */
  private readonly presenceSettling = settlePresence({
    get: () => this.store.getState().presenceSettled,
    set: (presenceSettled) => this.store.setState({ presenceSettled }),
  });

  /** Where the sockets stand with the server, which the banner says. */
  private readonly status: ConnectionStatus;
  /** The notes or the board's title changed since the store last had them. */
  private documentDirty = true;
  private presenceDirty = true;
  private destroyed = false;

  constructor(options: BoardConnectionOptions) {
    const { boardId, token, participant } = options;
    this.boardId = boardId;
    this.token = token;
    this.participant = participant;
    const settings = connectionSettings(options);
    this.settings = settings;
    this.identity = settings.identity;
    this.status = new ConnectionStatus(this.identity.canEdit);

    if (settings.privateDocument) {
      const privateDoc = new Y.Doc();
      privateDoc.on('afterTransaction', this.handlePrivateTransaction);
      this.privateDocument = new SyncedDocument(privateDoc, {
        ...settings.privateDocument,
        socket: settings.socket,
        room: `${boardId}/${PRIVATE_DOCUMENT_SUFFIX}`,
        listenOnly: false,
        heard: this.handlePrivateMessage,
      });
      this.privateDocument.provider.on('status', this.handlePrivateStatus);
      this.privateDocument.provider.on('sync', this.handlePrivateStatus);
    } else {
      this.privateDocument = null;
    }
    this.privateDoc = this.privateDocument?.doc ?? null;
    // After the private document exists: the exercise's actions write drafts into it.
    this.replica = this.openBoardDocument();
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.handleOnline);
      window.addEventListener('offline', this.handleOffline);
    }

    this.actions = {
      ...forwardTo(() => this.replica.notes),
      undo: () => {
        if (this.canWrite()) this.board.history?.undo();
      },
      redo: () => {
        if (this.canWrite()) this.board.history?.redo();
      },
      setCursor: (point) => {
        if (!this.destroyed) this.cursor.move(point);
      },
      exercise: forwardTo(() => this.replica.exercise),
      diagrams: forwardTo(() => this.replica.diagrams),
    };
    if (settings.board.localCopy !== null && this.privateDoc) claimLegacyCopies(boardId, { board: this.doc, private: this.privateDoc });
    this.board.synced.provider.connect();
    this.privateDocument?.provider.connect();
    this.publish();
  }

  private get board(): BoardDocument {
    return this.replica.board;
  }

  private get doc(): Y.Doc {
    return this.board.doc;
  }

  private get noteIndex(): NoteIndex {
    return this.board.noteIndex;
  }

  private get awareness(): Awareness {
    return this.board.awareness;
  }

  /** A fresh board document, its socket not yet connected, and the actions that write to it. */
  private openBoardDocument(): BoardReplica {
    const { role } = this.identity;
    const board = new BoardDocument(
      { boardId: this.boardId, connection: this.settings, participant: this.participant, origin: this.localOrigin },
      {
        transaction: this.handleTransaction,
        presenceChanged: this.handleAwarenessChange,
        historyChanged: this.publishHistory,
        heard: this.handleBoardMessage,
        localCopyLoaded: () => this.flush.schedule(),
        status: this.handleStatus,
        sync: this.handleSync,
        connectionClose: this.handleConnectionClose,
        closed: this.handleClosed,
      },
    );
    // Each action is its own undo step, however quickly the next one follows.
    const writing = { doc: board.doc, origin: this.localOrigin, canWrite: () => this.canWrite(), endStep: () => this.board.history?.endStep() };
    return {
      board,
      notes: createNoteActions({ ...writing, participant: this.participant }),
      exercise: createExerciseActions({ ...writing, privateDoc: this.privateDoc, role, participant: this.participant }),
      diagrams: createDiagramActions({ ...writing, role }),
    };
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
    this.board.synced.saveWatch?.discardChanges();
    await this.board.close({ discardLocalCopy: true });
    if (this.destroyed) return;
    this.replica = this.openBoardDocument();
    for (const listener of this.documentReplacedListeners) listener();
    this.status.startAfresh();
    this.store.setState({ lockRefusals: this.store.getState().lockRefusals + 1, lastStateRefusal: refusal, canUndo: false, canRedo: false });
    this.board.synced.provider.connect();
    this.flush.schedule();
  }

  /** The board's action plan as a download (the server checks the token). */
  planLink(format: PlanFormat): string {
    return planDownloadPath(this.boardId, this.token, format);
  }

  /** Deletes the board for everyone; the server refuses anyone but the facilitator, and closes every socket with 4404. */
  deleteBoard(): Promise<void> {
    return deleteBoard(this.boardId, this.token);
  }

  /** Starts the next check-in of this board's cycle; the server refuses anyone but the facilitator. */
  startCheckIn(): Promise<CheckInResponse> {
    return startCheckIn(this.boardId, this.token);
  }

  /** The boards of this board's cycle, in order; the server refuses anyone but the facilitator. */
  async cycleBoards(): Promise<CycleResponse['boards']> {
    return (await getCycle(this.boardId, this.token)).boards;
  }

  /** Another board's link with this connection's token, the way the server's own links and "Your boards" write it. */
  linkWithOwnToken(boardId: string): string {
    return boardLinkPath(boardId, this.token);
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
    this.cursor.cancel();
    this.presenceSettling.cancel();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.handleOnline);
      window.removeEventListener('offline', this.handleOffline);
    }
    // Sent while the socket is still open, so the others see this person leave at once.
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'left the board');
    void this.board.close({ discardLocalCopy: false });
    void this.privateDocument?.close({ discardLocalCopy: false });
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

  /** Bound shared-text fields, told when a refused change makes the connection open a fresh document. */
  private readonly documentReplacedListeners = new Set<() => void>();

  /**
   * Binds a shared-text field for typing into it live. A burst of typing in
   * one field is one undo step (`UndoHistory.typing`), unlike every other
   * change, which is a step of its own.
   */
  textField(address: TextFieldAddress): SharedTextField {
    return bindSharedText(
      {
        doc: () => this.doc,
        origin: this.localOrigin,
        canWrite: () => this.canWrite(),
        beforeEdit: ({ root, record, field }) => this.board.history?.typing(`${root}/${record}/${field}`),
        onDocumentReplaced: (listener) => {
          this.documentReplacedListeners.add(listener);
          return () => this.documentReplacedListeners.delete(listener);
        },
      },
      address,
    );
  }

  /** A transaction on the private document: everything in it is the exercise's (drafts, dots). */
  private readonly handlePrivateTransaction = (transaction: Y.Transaction): void => {
    // Worked out once per transaction, for the exercise and the unsaved count.
    const records = recordKeysChangedBy(transaction);
    this.exerciseReader.notePrivateChanges(records);
    this.exerciseDirty = true;
    // A change made here is published at once, as on the board (handleTransaction).
    if (this.privateDocument?.saveWatch?.recordTransaction(transaction, records)) this.publish();
    else this.flush.schedule();
  };

  /** What the server said on the private document's socket. */
  private readonly handlePrivateMessage = (message: ServerSyncMessage): void => {
    this.privateDocument?.saveWatch?.receiveFromServer(message);
    this.flush.schedule();
  };

  private readonly handlePrivateStatus = (): void => {
    const provider = this.privateDocument?.provider;
    if (this.destroyed || !provider) return;
    if (this.status.privateSocketChanged({ connected: provider.wsconnected, synced: provider.synced })) {
      this.exerciseDirty = true;
      this.flush.schedule();
    }
  };

  private readonly handleTransaction = (transaction: Y.Transaction): void => {
    if (this.destroyed) return;
    // Worked out once per transaction, for the note index, the stores and the unsaved count.
    const records = recordKeysChangedBy(transaction);
    this.noteIndex.noteChangedRecords(records);
    this.exerciseReader.noteBoardChanges(records);
    // Each part of the store is read again only when its records changed (a record is `<root>/<key>`).
    for (const key of records) {
      switch (key.split('/', 1)[0]) {
        case DocKey.notes:
        case DocKey.board:
          this.documentDirty = true;
          break;
        case DocKey.diagrams:
        case DocKey.driverNodes:
          this.diagramsDirty = true;
          break;
        default:
          this.exerciseDirty = true;
      }
    }
    if (!transaction.local) {
      this.flush.schedule();
      return;
    }
    // Local covers undo and redo too: their origin is the undo manager.
    this.board.synced.saveWatch?.recordTransaction(transaction, records);
    // At once, not next frame: the banner must say "Saving…" straight away,
    // and a dropped note must not jump back for a frame.
    this.publish();
  };

  private readonly handleAwarenessChange = (): void => {
    this.presenceDirty = true;
    this.flush.schedule();
  };

  private readonly publishHistory = (): void => {
    const history = this.board.history;
    if (this.destroyed || !history) return;
    const canUndo = history.canUndo();
    const canRedo = history.canRedo();
    const state = this.store.getState();
    if (state.canUndo !== canUndo || state.canRedo !== canRedo) this.store.setState({ canUndo, canRedo });
  };

  private readonly handleStatus = ({ status }: { status: SocketState }): void => {
    if (this.destroyed) return;
    this.status.socketChanged(status);
    if (status !== 'connected') this.presenceSettling.unsettle();
    this.flush.schedule();
  };

  private readonly handleSync = (synced: boolean): void => {
    if (this.destroyed) return;
    this.status.syncChanged(synced);
    if (synced && this.resyncing) {
      // The fresh document now holds the server's board: show all of it.
      this.resyncing = false;
      this.documentDirty = this.exerciseDirty = this.diagramsDirty = this.presenceDirty = true;
    }
    if (synced) this.presenceSettling.synced();
    this.flush.schedule();
  };

  private readonly handleConnectionClose = (): void => {
    if (this.destroyed) return;
    this.status.connectionLost();
    this.presenceSettling.unsettle();
    this.flush.schedule();
  };

  private readonly handleClosed = ({ code, reason }: { code: number; reason: string }): void => {
    if (this.destroyed) return;
    if (code === CloseCode.lockedRefused) {
      void this.discardRefusedChanges(readStateRefusalReason(reason));
      return;
    }
    this.status.closedByServer(code);
    this.flush.schedule();
  };

  private readonly handleOnline = (): void => {
    this.status.setBrowserOnline(true);
    if (!this.status.closedForGood && !this.resyncing) {
      this.board.synced.reconnectNow();
      this.privateDocument?.reconnectNow();
    }
    this.handlePrivateStatus();
    this.flush.schedule();
  };

  private readonly handleOffline = (): void => {
    this.status.setBrowserOnline(false);
    // So the banner and the provider agree with the browser.
    this.board.synced.dropSocket();
    this.privateDocument?.dropSocket();
    this.handlePrivateStatus();
    this.flush.schedule();
  };

  /** What the server said on the board's socket, read once (`takeInSyncMessages`). */
  private readonly handleBoardMessage = (message: ServerSyncMessage): void => {
    if (this.destroyed) return;
    if (message.type === 'syncStep1') this.status.serverGreeted();
    this.board.synced.saveWatch?.receiveFromServer(message);
    this.flush.schedule();
  };

  private computeSaveStatus(): SaveStatus {
    // A viewer cannot save anything, so there is nothing to count.
    const unsaved = this.identity.canEdit ? (this.board.synced.saveWatch?.unsavedCount() ?? 0) + (this.privateDocument?.saveWatch?.unsavedCount() ?? 0) : 0;
    return this.status.saveStatus(unsaved);
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
      const exercise = this.exerciseReader.read(this.doc, this.privateDoc, this.status.privateStatus, state.exercise);
      if (exercise !== state.exercise) patch.exercise = exercise;
    }
    if (this.diagramsDirty && !this.resyncing) {
      this.diagramsDirty = false;
      const diagrams = keepUnchanged(state.diagrams, readDiagramState(this.doc));
      if (diagrams !== state.diagrams) patch.diagrams = diagrams;
    }
    if (this.presenceDirty) {
      this.presenceDirty = false;
      const { people, cursors } = readPresence(this.awareness.getStates(), this.doc.clientID);
      // Kept as the same objects when unchanged, as the exercise is: cursor moves must not re-render the presence list.
      const keptPeople = keepUnchanged(state.people, people);
      const keptCursors = keepUnchanged(state.cursors, cursors);
      if (keptPeople !== state.people) patch.people = keptPeople;
      if (keptCursors !== state.cursors) patch.cursors = keptCursors;
    }
    const save = this.computeSaveStatus();
    if (save.kind !== state.save.kind || save.unsaved !== state.save.unsaved) patch.save = save;
    if (Object.keys(patch).length > 0) this.store.setState(patch);
  }
}
