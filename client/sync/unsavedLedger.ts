import { z } from 'zod';
import type { LocalChange } from './saveTracking';

/**
 * The list of unconfirmed changes, kept beside the IndexedDB copy of the
 * board so that after a reload without a connection the banner can still
 * say exactly how many changes are waiting.
 */

/** The part of the Web Storage API the ledger needs, so tests can pass a map. */
export type LedgerStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const uint = z.number().int().nonnegative();
const ledgerSchema = z.object({
  changes: z.array(
    z.object({
      client: uint,
      clock: uint,
      deletes: z.array(z.object({ client: uint, clock: uint, length: uint })),
      records: z.array(z.string().max(200)).max(1000).optional(),
    }),
  ),
});

function ledgerKey(boardId: string): string {
  return `retain:unsaved:${boardId}`;
}

/** The changes a previous visit left unconfirmed; empty when there is nothing readable. */
export function loadLedger(storage: LedgerStorage | null, boardId: string): LocalChange[] {
  if (!storage) return [];
  try {
    const raw = storage.getItem(ledgerKey(boardId));
    if (!raw) return [];
    const parsed = ledgerSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.changes : [];
  } catch {
    return [];
  }
}

/** Stores the unconfirmed changes; an empty list removes the entry. */
export function saveLedger(storage: LedgerStorage | null, boardId: string, changes: readonly LocalChange[]): void {
  if (!storage) return;
  try {
    if (changes.length === 0) storage.removeItem(ledgerKey(boardId));
    else storage.setItem(ledgerKey(boardId), JSON.stringify({ changes }));
  } catch {
    // Storage full or disabled (private browsing): the count then lasts only as long as the page.
  }
}
