import type { StoreApi } from 'zustand/vanilla';
import type { Role } from '../../shared/schema/api';
import type { NoteId } from '../../shared/schema/ids';
import type { Note, NoteColour } from '../../shared/schema/records';

/**
 * The public face of a board connection: what components read and call.
 * Nothing here exposes Yjs, so components and their tests never need it.
 */

/** A point on the board, in board pixels (not screen pixels). */
export interface BoardPoint {
  x: number;
  y: number;
}

/**
 * Where this device's changes stand with the server:
 * - `connecting`: no live connection yet (first attempt);
 * - `live`: connected, the server has every change made here;
 * - `saving`: connected, some changes made here are not yet confirmed;
 * - `offline`: the connection dropped or the browser is offline;
 * - `closed`: the server closed the board for good (it was deleted).
 */
export type SaveStatusKind = 'connecting' | 'live' | 'saving' | 'offline' | 'closed';

/** The banner's input: a state plus how many changes the server has not confirmed. */
export interface SaveStatus {
  kind: SaveStatusKind;
  unsaved: number;
}

/** Someone connected to the board, as the presence list shows them. */
export interface Person {
  participantId: string;
  name: string;
  colour: string;
  role: Role;
  isSelf: boolean;
}

/** Another person's pointer on the board. */
export interface RemoteCursor {
  /** The awareness client id: one person with two tabs has two cursors. */
  clientId: number;
  name: string;
  colour: string;
  x: number;
  y: number;
}

/** Everything the board screen shows that comes from the shared document or awareness. */
export interface BoardState {
  notes: Note[];
  /** The title written in the document, or null until it has synced. */
  boardTitle: string | null;
  people: Person[];
  cursors: RemoteCursor[];
  /**
   * False just after (re)connecting, while everyone's presence arrives at
   * once; the presence list only announces joins and leaves once settled.
   */
  presenceSettled: boolean;
  save: SaveStatus;
  canUndo: boolean;
  canRedo: boolean;
}

/** The changes a person can make to a note's content in place. */
export interface NoteEdit {
  text?: string;
  colour?: NoteColour;
}

/** What a person can do on the board. Each call is one undoable step. */
export interface BoardActions {
  /** Adds a note with its top-left corner at the point; returns its id, or null for a viewer. */
  addNote(position: BoardPoint, text?: string): NoteId | null;
  updateNote(id: NoteId, edit: NoteEdit): void;
  /** Moves a note's top-left corner to the point (kept inside the board). */
  moveNote(id: NoteId, position: BoardPoint): void;
  deleteNote(id: NoteId): void;
  undo(): void;
  redo(): void;
  /** Publishes this person's pointer position, or null when it left the board. Throttled. */
  setCursor(point: BoardPoint | null): void;
}

/** Who is using this connection. */
export interface BoardIdentity {
  role: Role;
  canEdit: boolean;
  participantId: string | null;
  displayName: string | null;
}

/** What the board screen needs: a store to read, actions to call, and who the user is. */
export interface BoardSession {
  store: StoreApi<BoardState>;
  actions: BoardActions;
  identity: BoardIdentity;
}
