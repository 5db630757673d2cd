import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';

/** A board's row: who may enter and how. Tokens are kept only as SHA-256 hashes. */
export interface BoardRecord {
  id: BoardId;
  title: string;
  createdAt: number;
  tokenHashes: Record<Role, Buffer>;
  /**
   * Kept readable, unlike the tokens: the facilitator must be able to show it
   * again on the projector, and it is short by design (people type it).
   */
  joinCode: string;
}

/** A person who entered a board with a display name. */
export interface ParticipantRecord {
  id: ParticipantId;
  boardId: BoardId;
  keyHash: Buffer;
  displayName: string;
  /** Their colour on the board, for presence and cursors. */
  colour: string;
  role: Role;
  createdAt: number;
}

/**
 * Stores each board's Y.Doc as a snapshot plus a log of updates since it.
 * The room logic sees only this interface, so SQLite, Postgres or anything
 * else can sit behind it without the rooms changing.
 */
export interface DocumentStore {
  /** The board's stored state: the snapshot (if any) first, then the log in order. */
  loadDocument(boardId: BoardId): Promise<Uint8Array[]>;
  /**
   * Appends one update to the board's log. The promise resolves only once the
   * update is durable (on disk, fsynced); callers broadcast after that.
   * Resolves to how many updates the log holds since the last snapshot.
   */
  appendUpdate(boardId: BoardId, update: Uint8Array): Promise<number>;
  /**
   * Replaces the snapshot and the log with one state. Callers pass the full
   * state of a document that holds everything they appended so far. A store
   * shared by several server processes must keep (merge into the snapshot)
   * any update another process appended that `state` may not include.
   */
  compactDocument(boardId: BoardId, state: Uint8Array): Promise<void>;
}

/** Boards and the people in them. */
export interface BoardStore {
  /** Creates the board and its first document state in one transaction. */
  createBoard(board: BoardRecord, initialState: Uint8Array): Promise<void>;
  getBoard(boardId: BoardId): Promise<BoardRecord | null>;
  findBoardByJoinCode(joinCode: string): Promise<BoardRecord | null>;
  addParticipant(participant: ParticipantRecord): Promise<void>;
  findParticipantByKeyHash(boardId: BoardId, keyHash: Buffer): Promise<ParticipantRecord | null>;
  /** The colours of everyone registered on the board, one entry a person. */
  listParticipantColours(boardId: BoardId): Promise<string[]>;
}

/** Everything the server keeps, behind one object chosen by configuration. */
export interface Storage extends DocumentStore, BoardStore {
  /** Throws when the store cannot serve (used by GET /healthz). */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}
