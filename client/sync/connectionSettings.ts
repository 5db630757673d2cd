import { roleCanEdit, type Role } from '../../shared/schema/api';
import { localDatabaseName, type LocalCopyKind } from './localCopies';
import { defaultSyncUrl, type DocumentKeeping, type SyncSocket } from './syncedDocument';
import type { BoardIdentity } from './types';
import type { LedgerStorage } from './unsavedLedger';

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

/** What a connection's options come to. */
export interface ConnectionSettings {
  identity: BoardIdentity;
  /** How each of this person's documents reaches the server. */
  socket: SyncSocket;
  board: DocumentKeeping;
  /** Drafts and dots; null for a viewer, who has no private document. */
  privateDocument: DocumentKeeping | null;
}

/** Works out who is connecting, and what is kept of each of their documents on this device. */
export function connectionSettings(options: BoardConnectionOptions): ConnectionSettings {
  const { boardId, token, role, participant } = options;
  // Facilitators and participants write only once registered: notes carry their name.
  const canEdit = roleCanEdit(role) && participant !== null;
  const identity = {
    role,
    canEdit,
    participantId: participant?.participantId ?? null,
    displayName: participant?.displayName ?? null,
  };
  const socket = {
    url: options.websocketUrl ?? defaultSyncUrl(),
    token,
    participantKey: participant?.key ?? null,
    WebSocketPolyfill: options.WebSocketPolyfill,
  };
  if (!canEdit) {
    // A viewer keeps no copy of the board on this device: it cannot change
    // anything offline, and a copy is only something more to send back to a
    // server that refuses every change from a viewer (docs/client.md, "Viewers").
    // Nor a list of unsaved changes: a viewer in the same browser must not
    // overwrite the list of a participant's unsaved changes with its empty one.
    return { identity, socket, board: { localCopy: null, ledger: null }, privateDocument: null };
  }
  const indexedDb = options.indexedDb ?? true;
  const defaultLedger = indexedDb && typeof localStorage !== 'undefined' ? localStorage : null;
  const storage = options.ledgerStorage !== undefined ? options.ledgerStorage : defaultLedger;
  // Per person, like the copies on this device: a second person in this browser keeps their own list.
  const ledgerName = `${boardId}:${participant.participantId}`;
  const localCopy = (kind: LocalCopyKind) => (indexedDb ? localDatabaseName(boardId, participant.participantId, kind) : null);
  return {
    identity,
    socket,
    board: { localCopy: localCopy('board'), ledger: { storage, name: ledgerName } },
    privateDocument: { localCopy: localCopy('private'), ledger: { storage, name: `${ledgerName}:private` } },
  };
}
