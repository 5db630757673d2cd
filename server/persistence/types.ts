import type { Brand, BoardId, ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';
import type { CycleStage } from '../../shared/schema/cycle';

/** A participant's private document: their drafts and dots, readable by them and the server only. */
export type PrivateDocumentName = Brand<string, 'PrivateDocumentName'>;

/**
 * Names a stored Y.Doc. A board's own document is named by the board id; a
 * participant's private document by `<boardId>/private/<participantId>`.
 * Board ids and participant ids have no slashes, so the name can be split.
 */
export type DocumentName = BoardId | PrivateDocumentName;

const PRIVATE_INFIX = '/private/';

/** The name of a participant's private document on a board. */
export function privateDocumentName(boardId: BoardId, participantId: ParticipantId): PrivateDocumentName {
  return `${boardId}${PRIVATE_INFIX}${participantId}` as PrivateDocumentName;
}

/** The board a document belongs to, and whose private document it is (null for the board's own). */
export function parseDocumentName(name: DocumentName): { boardId: BoardId; participantId: ParticipantId | null } {
  const at = name.indexOf(PRIVATE_INFIX);
  if (at < 0) return { boardId: name as BoardId, participantId: null };
  return { boardId: name.slice(0, at) as BoardId, participantId: name.slice(at + PRIVATE_INFIX.length) as ParticipantId };
}

/**
 * What is kept of a board's join code: never the code itself
 * (server/auth/joinCodes.ts, docs/server-promises.md "Roles").
 */
export interface StoredJoinCode {
  /** SHA-256 of the canonical code, to find the board by. */
  hash: Buffer;
  /** The code encrypted with a key derived from the facilitator's token; null for a code stored before codes were sealed. */
  sealed: Buffer | null;
  /**
   * The board's participant token encrypted with a key derived from this
   * code, handed to whoever types the code while it is live; null once the
   * code is stopped, and for a code of a board whose participant token the
   * server cannot recover (the code itself is then the credential).
   */
  participantTokenSealed: Buffer | null;
  /**
   * The code encrypted with a key derived from the viewer's token, so that
   * the presenter view (the viewer link on a projector) can show it; null once
   * the code is stopped, and for a code of a board whose viewer token the
   * server cannot recover (created before it kept it sealed). A store may
   * leave it out then.
   */
  viewerSealed?: Buffer | null;
  issuedAt: number;
  /** When the facilitator stopped it; null while it runs. */
  stoppedAt: number | null;
}

/** A board's row: who may enter and how. Tokens are kept only as SHA-256 hashes. */
export interface BoardRecord {
  id: BoardId;
  title: string;
  createdAt: number;
  tokenHashes: Record<Role, Buffer>;
  /**
   * The participant token encrypted with a key derived from the facilitator's
   * token, so that each new join code can carry it; null for a board created
   * before the server kept it (server/auth/joinCodes.ts); a store may leave it out then.
   */
  participantTokenSealed?: Buffer | null;
  /**
   * The viewer token encrypted with a key derived from the facilitator's
   * token, so that the facilitator can be given the viewer link (the
   * presenter view) and each new join code can be sealed for the viewer;
   * null for a board created before the server kept it; a store may leave it out then.
   */
  viewerTokenSealed?: Buffer | null;
  /** The board's current join code; a stopped or expired one is kept so that people typing it are told why it fails. */
  joinCode: StoredJoinCode | null;
  /**
   * The retention cycle the board belongs to (docs/api.md, "Check-ins"): the
   * id of the cycle's workshop board, shared by each of its check-ins. A
   * board with none (every board but a check-in, and every board from
   * before cycles) is a cycle of its own: `cycleOf` reads it as its own id.
   * A store may leave it out then.
   */
  cycleId?: BoardId | null;
  /** Where the board stands in its cycle: 0 for a workshop, else the check-in's day; missing reads as 0. */
  cycleStage?: CycleStage;
}

/** A board's cycle as stored, with the defaults filled in: its own id and stage 0 when it was never part of one. */
export function cycleOf(board: Pick<BoardRecord, 'id' | 'cycleId' | 'cycleStage'>): { cycleId: BoardId; stage: CycleStage } {
  return { cycleId: board.cycleId ?? board.id, stage: board.cycleStage ?? 0 };
}

/** One board of a cycle, as `listCycleBoards` lists it. */
export interface CycleBoard {
  id: BoardId;
  title: string;
  stage: CycleStage;
  createdAt: number;
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
 * Stores each document (a board's own, and each participant's private one)
 * as a snapshot plus a log of updates since it. The room logic sees only
 * this interface, so SQLite, Postgres or anything else can sit behind it
 * without the rooms changing. Deleting a board deletes all its documents.
 */
export interface DocumentStore {
  /** The document's stored state: the snapshot (if any) first, then the log in order. */
  loadDocument(name: DocumentName): Promise<Uint8Array[]>;
  /**
   * Appends one update to the document's log. The promise resolves only once the
   * update is durable (on disk, fsynced); callers broadcast after that.
   * Resolves to how many updates the log holds since the last snapshot.
   */
  appendUpdate(name: DocumentName, update: Uint8Array): Promise<number>;
  /**
   * Replaces the snapshot and the log with one state. Callers pass the full
   * state of a document that holds everything they appended so far. A store
   * shared by several server processes must keep (merge into the snapshot)
   * any update another process appended that `state` may not include.
   */
  compactDocument(name: DocumentName, state: Uint8Array): Promise<void>;
  /** The private documents stored for a board (those with anything in them). */
  listPrivateDocuments(boardId: BoardId): Promise<PrivateDocumentName[]>;
}

/** Boards and the people in them. */
export interface BoardStore {
  /** Creates the board and its first document state in one transaction. */
  createBoard(board: BoardRecord, initialState: Uint8Array): Promise<void>;
  getBoard(boardId: BoardId): Promise<BoardRecord | null>;
  /** The board whose current join code has this hash (server/auth/joinCodes.ts), live or not. */
  findBoardByJoinCodeHash(hash: Buffer): Promise<BoardRecord | null>;
  /** Replaces the board's join code (a new one, or the same one stopped); the code before it stops matching at once. */
  setJoinCode(boardId: BoardId, joinCode: StoredJoinCode): Promise<void>;
  /** How many boards the store holds. */
  countBoards(): Promise<number>;
  addParticipant(participant: ParticipantRecord): Promise<void>;
  findParticipantByKeyHash(boardId: BoardId, keyHash: Buffer): Promise<ParticipantRecord | null>;
  /** A person registered on the board, by their participant id (the owner of a private document). */
  findParticipant(boardId: BoardId, participantId: ParticipantId): Promise<ParticipantRecord | null>;
  /** The colours of everyone registered on the board, one entry a person. */
  listParticipantColours(boardId: BoardId): Promise<string[]>;
  /**
   * Deletes the board with its participants and every document, leaving
   * nothing of them readable in the store's files; false when there was none.
   */
  deleteBoard(boardId: BoardId): Promise<boolean>;
  /** Records that the board was used (opened or written) at a time; appends record it themselves. */
  touchBoard(boardId: BoardId, at: number): Promise<void>;
  /** Boards nobody has used since the cutoff, oldest first, at most `limit`. */
  listBoardsInactiveSince(cutoff: number, limit: number): Promise<BoardId[]>;
  /**
   * Every board that still exists in the cycle with this id, ordered by stage
   * (then by creation): the workshop, whose own id is the cycle id, and the
   * check-ins that name it. Deleting a board removes only its own row, so the
   * others stay listed (docs/server-promises.md, "The retention cycle").
   */
  listCycleBoards(cycleId: BoardId): Promise<CycleBoard[]>;
}

/** Everything the server keeps, behind one object chosen by configuration. */
export interface Storage extends DocumentStore, BoardStore {
  /** Throws when the store cannot serve (used by GET /healthz). */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A board's appends were refused because this process no longer holds the
 * board's lease (another process took it over, docs/storage.md "One owner
 * per board"): nothing of them was written. The rooms of the board must be
 * given up, never stored.
 */
export class OwnershipLostError extends Error {
  constructor(readonly boardId: BoardId) {
    super(`This process no longer owns board ${boardId}: another server process serves it now.`);
    this.name = 'OwnershipLostError';
  }
}

/**
 * One owner per board among the server processes sharing a store
 * (docs/storage.md, "One owner per board"): a board and its private
 * documents are served by the process holding its lease, so that the
 * promises a room keeps alone (the write guard, durability before
 * broadcast, server-stamped presence, the reveal done once) hold with
 * several processes. A store used by one process only (SQLite) does not
 * implement it, and the rooms treat the process as the owner of every board.
 */
export interface BoardOwnership {
  /**
   * Takes the board's lease for `ttlMs`: when nobody holds it, when this
   * process does, or when the holder's lease has expired (then with a new,
   * higher epoch, which fences off the appends of the previous holder).
   * Null while another process holds a live lease.
   */
  claimBoard(boardId: BoardId, ttlMs: number): Promise<{ epoch: number } | null>;
  /** Extends the leases this process still holds by `ttlMs`; returns those it holds (the others were taken over). */
  renewBoards(boardIds: readonly BoardId[], ttlMs: number): Promise<Set<BoardId>>;
  /** Lets the lease go at once (it expires now, its epoch kept), so another process may take the board without waiting. */
  releaseBoard(boardId: BoardId): Promise<void>;
}

/** Whether a store shares boards between processes and so needs each board claimed before it is served. */
export function hasBoardOwnership<T extends object>(store: T): store is T & BoardOwnership {
  const candidate = store as Partial<BoardOwnership>;
  return typeof candidate.claimBoard === 'function' && typeof candidate.renewBoards === 'function' && typeof candidate.releaseBoard === 'function';
}
