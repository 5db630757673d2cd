import type { BoardId } from '../../shared/schema/ids';
import { SqliteStorage } from '../../server/persistence/sqlite';

/**
 * The real SQLite store with a gate in front of appends, so a test can hold
 * an update between "received" and "durable" and see what the server does
 * in that window; or make appends fail, as a full disk would; or make loads
 * take time, as a store over the network does.
 */
export class GatedStorage extends SqliteStorage {
  private held: Array<() => void> = [];
  gateClosed = false;
  failAppends = false;
  /** How long each document load takes, beyond SQLite's own. */
  loadDelayMs = 0;

  override async loadDocument(name: Parameters<SqliteStorage['loadDocument']>[0]): Promise<Uint8Array[]> {
    if (this.loadDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.loadDelayMs));
    return super.loadDocument(name);
  }

  override async appendUpdate(boardId: BoardId, update: Uint8Array): Promise<number> {
    if (this.failAppends) throw new Error('disk full (simulated by the test)');
    if (this.gateClosed) await new Promise<void>((resolve) => this.held.push(resolve));
    return super.appendUpdate(boardId, update);
  }

  /** How many appends are waiting at the gate. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Opens the gate and lets every held append through. */
  release(): void {
    this.gateClosed = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}
