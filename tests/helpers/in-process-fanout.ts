import type { DocumentName } from '../../server/persistence/types';
import type { BoardFanout } from '../../server/rooms/fanout';

/**
 * A message bus between several servers in one test process: what a Redis
 * channel would be between machines. Each server gets its own member; a
 * member hears what the others publish, a turn later, as over a network.
 */
export class InProcessBus {
  private readonly subscribers = new Map<DocumentName, Set<{ member: number; onUpdate: (update: Uint8Array) => void }>>();
  private members = 0;

  /** The fan-out for one server on the bus. */
  member(): BoardFanout {
    const member = ++this.members;
    return {
      publish: (boardId, update) => {
        for (const subscriber of this.subscribers.get(boardId) ?? []) {
          if (subscriber.member !== member) setImmediate(() => subscriber.onUpdate(update));
        }
      },
      subscribe: (boardId, onUpdate) => {
        const entry = { member, onUpdate };
        const set = this.subscribers.get(boardId) ?? new Set();
        set.add(entry);
        this.subscribers.set(boardId, set);
        return () => set.delete(entry);
      },
    };
  }
}
