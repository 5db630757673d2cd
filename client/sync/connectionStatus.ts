import { CloseCode } from '../../shared/protocol';
import type { PrivateStatus, SaveStatus } from './types';

/**
 * Where a board connection stands with the server, as the banner says it
 * (docs/client.md, "The save status, and why it is computed this way"): the
 * board socket's state, whether it has synced, whether a connection was ever
 * lost, whether the browser is online, and how the server closed the board
 * if it did; and where the private document's socket stands. No sockets and
 * no timers here: the connection tells it what happened.
 */

/** The board socket, as the provider reports it. */
export type SocketState = 'connecting' | 'connected' | 'disconnected';

/** The facts the banner's state is derived from. */
export interface ConnectionFacts {
  socket: SocketState;
  /** The current connection has delivered the server's state vector and document. */
  synced: boolean;
  /** A connection attempt has failed or an open connection dropped since the board opened. */
  hasLostConnection: boolean;
  browserOnline: boolean;
  /** The server closed the board for good. */
  boardGone: boolean;
  /** The server refused a change from this device as not allowed, and closed the connection. */
  refused?: boolean;
  /** The board reached the largest size the server allows; the change was not applied. */
  full?: boolean;
  unsaved: number;
}

/** The banner's state: only "live" when connected, synced and nothing is waiting. */
export function deriveSaveStatus(facts: ConnectionFacts): SaveStatus {
  const { unsaved } = facts;
  if (facts.boardGone) return { kind: 'closed', unsaved };
  if (facts.refused) return { kind: 'refused', unsaved };
  if (facts.full) return { kind: 'full', unsaved };
  if (facts.browserOnline && facts.socket === 'connected' && facts.synced) {
    return { kind: unsaved > 0 ? 'saving' : 'live', unsaved };
  }
  if (!facts.browserOnline || facts.hasLostConnection) return { kind: 'offline', unsaved };
  return { kind: 'connecting', unsaved };
}

/** The connection's state, kept up to date from the provider's events and the browser's. */
export class ConnectionStatus {
  private socket: SocketState = 'connecting';
  /** The current connection has delivered the server's state vector (sync step 1). */
  private greeted = false;
  /** The current connection has delivered the server's document (sync step 2). */
  private providerSynced = false;
  private hasLostConnection = false;
  private boardGone = false;
  private refused = false;
  private full = false;
  private online = typeof navigator === 'undefined' ? true : navigator.onLine;
  private privateState: PrivateStatus;

  /** @param hasPrivateDocument whether this person has a private document (a viewer has none). */
  constructor(hasPrivateDocument: boolean) {
    this.privateState = hasPrivateDocument ? 'connecting' : 'none';
  }

  get browserOnline(): boolean {
    return this.online;
  }

  /** Where the private document (drafts and dots) stands with the server. */
  get privateStatus(): PrivateStatus {
    return this.privateState;
  }

  /** The server closed the board for good, or refused this device: reconnecting cannot help. */
  get closedForGood(): boolean {
    return this.boardGone || this.refused || this.full;
  }

  /** The board socket is connecting, connected or disconnected: a new socket has heard nothing yet. */
  socketChanged(status: SocketState): void {
    this.socket = status;
    this.greeted = false;
    this.providerSynced = false;
  }

  /** The server's sync step 1 arrived: its state vector. */
  serverGreeted(): void {
    this.greeted = true;
  }

  /** The provider says whether it has the server's document. */
  syncChanged(synced: boolean): void {
    this.providerSynced = synced;
  }

  /** A connection attempt failed or an open connection dropped. */
  connectionLost(): void {
    this.hasLostConnection = true;
    this.greeted = false;
    this.providerSynced = false;
  }

  /** The server closed the socket with a code after which the provider does not reconnect. */
  closedByServer(code: number): void {
    this.boardGone = code === CloseCode.boardGone;
    this.refused = code === CloseCode.forbidden;
    this.full = code === CloseCode.boardFull;
  }

  /** A fresh document is about to connect, after the server refused a change: as on opening the board. */
  startAfresh(): void {
    this.socket = 'connecting';
    this.hasLostConnection = false;
  }

  setBrowserOnline(online: boolean): void {
    this.online = online;
  }

  /**
   * Takes in the private document's socket; true when its status changed.
   * "Connecting" only until the first connection; after that a missing socket means offline.
   */
  privateSocketChanged(socket: { connected: boolean; synced: boolean }): boolean {
    let status: PrivateStatus;
    if (!this.online) status = 'offline';
    else if (socket.connected) status = socket.synced ? 'live' : 'connecting';
    else status = this.privateState === 'connecting' ? 'connecting' : 'offline';
    if (status === this.privateState) return false;
    this.privateState = status;
    return true;
  }

  /** What the banner says, given how many changes the server has not confirmed. */
  saveStatus(unsaved: number): SaveStatus {
    return deriveSaveStatus({
      socket: this.socket,
      synced: this.greeted && this.providerSynced,
      hasLostConnection: this.hasLostConnection,
      browserOnline: this.online,
      boardGone: this.boardGone,
      refused: this.refused,
      full: this.full,
      unsaved,
    });
  }
}
