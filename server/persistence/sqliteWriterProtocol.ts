import type { BoardId } from '../../shared/schema/ids';
import type { DocumentName } from './types';

/**
 * What the SQLite store's main thread asks its writer thread
 * (server/persistence/sqliteWriter.ts), and what it answers. Every request
 * has an id, echoed in its reply.
 */
export type WriterRequest =
  /** Appends to the documents' logs, in this order, and marks boards used: one transaction. */
  | { id: number; type: 'append'; appends: { name: DocumentName; update: Uint8Array }[]; touched: BoardId[]; at: number }
  /** Replaces a document's log with a snapshot. */
  | { id: number; type: 'compact'; name: DocumentName; state: Uint8Array; at: number }
  /** Marks a board used (the retention period). */
  | { id: number; type: 'touch'; boardId: BoardId; at: number }
  /** Drops what the writer keeps about a deleted board's documents. */
  | { id: number; type: 'forget'; boardId: BoardId }
  /** Closes the writer's connection; the thread then ends. */
  | { id: number; type: 'close' };

/** The reply: for an append, each update's log length after it, in the order asked. */
export type WriterReply = { id: number; ok: true; lengths?: number[] } | { id: number; ok: false; message: string };
