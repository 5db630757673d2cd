import type { DocumentName } from '../persistence/types';

/**
 * Carries a document's durable updates between server processes that have the
 * same board open, for when one machine is not enough (a Redis pub/sub
 * adapter, for example). A room publishes each update after the store has
 * made it durable, and applies what other processes publish without storing
 * it again: it is already durable, and the store is shared.
 */
export interface BoardFanout {
  /** Tells the other processes about an update this process has made durable. */
  publish(name: DocumentName, update: Uint8Array): void;
  /**
   * Calls `onUpdate` with updates other processes made durable, until the
   * returned function is called.
   */
  subscribe(name: DocumentName, onUpdate: (update: Uint8Array) => void): () => void;
}

/** One server process, the default: there is no one else to tell. */
export const singleProcessFanout: BoardFanout = {
  publish() {},
  subscribe() {
    return () => {};
  },
};
