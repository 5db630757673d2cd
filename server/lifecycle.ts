import type { Logger } from 'pino';
import type { BoardId } from '../shared/schema/ids';
import type { ServerConfig } from './config';
import type { Storage } from './persistence/types';
import type { RoomRegistry } from './rooms/registry';
import type { BoardEvents } from './events/boardEvents';

/**
 * Boards hold what staff said about their employer: they are kept only as
 * long as they are used. A facilitator can delete a board at any time, and
 * a board nobody has opened or changed for the retention period is deleted
 * by a sweep.
 */

interface LifecycleContext {
  storage: Storage;
  rooms: RoomRegistry;
  log: Logger;
  /** Every process's board events (docs/storage.md, "Redis: events and limits, never data"); none in a test that has no other process. */
  events?: BoardEvents;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Boards deleted per sweep step, so a large backlog never blocks the server for long. */
const SWEEP_BATCH = 50;

/**
 * Deletes a board everywhere: its rooms are closed without being stored
 * (everyone on it is told, with 4404, that it is gone), then its rows,
 * participants and documents leave storage, and every other server process
 * is told to close its sockets on it too (`board-deleted`: closing twice is
 * harmless). Later requests get 404. The facilitator's delete and the
 * retention sweep both come here.
 */
export async function deleteBoard(ctx: LifecycleContext, boardId: BoardId): Promise<boolean> {
  await ctx.rooms.closeBoard(boardId);
  const deleted = await ctx.storage.deleteBoard(boardId);
  if (deleted) {
    ctx.log.info({ boardId }, 'deleted a board');
    ctx.events?.publish({ type: 'board-deleted', boardId });
  }
  return deleted;
}

/** Deletes every board unused since the retention period began; returns how many. Boards open now count as used. */
export async function sweepExpiredBoards(ctx: LifecycleContext, retentionDays: number, now: number = Date.now()): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = now - retentionDays * DAY_MS;
  let deleted = 0;
  for (;;) {
    const expired = await ctx.storage.listBoardsInactiveSince(cutoff, SWEEP_BATCH);
    const idle = expired.filter((boardId) => ctx.rooms.loadedDocumentsOf(boardId).length === 0);
    // Someone is on a board the clock says is old: it is in use, so it starts again.
    for (const boardId of expired) if (!idle.includes(boardId)) await ctx.storage.touchBoard(boardId, now);
    for (const boardId of idle) if (await deleteBoard(ctx, boardId)) deleted++;
    if (expired.length < SWEEP_BATCH) break;
  }
  if (deleted > 0) ctx.log.info({ deleted, retentionDays }, 'deleted boards past their retention period');
  return deleted;
}

/** Runs the sweep now and then at every interval; returns a function that stops it. */
export function startRetentionSweep(ctx: LifecycleContext, config: Pick<ServerConfig, 'retentionDays' | 'retentionSweepIntervalMs'>): () => void {
  if (config.retentionDays <= 0) return () => {};
  const sweep = () =>
    void sweepExpiredBoards(ctx, config.retentionDays).catch((error: unknown) => ctx.log.error({ err: error }, 'retention sweep failed'));
  sweep();
  const timer = setInterval(sweep, config.retentionSweepIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
