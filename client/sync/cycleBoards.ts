import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CycleStage } from '../../shared/schema/cycle';
import type { BoardSession } from './types';

/*
 * The boards of this board's retention cycle, as `GET /api/boards/<id>/cycle`
 * lists them: only the facilitator may ask (docs/api.md, "Check-ins"), and a
 * workshop board learns it is part of a cycle only this way, since its own
 * document holds no history. Kept once per board session, so the activity
 * switch, the cycle view and the "More" menu share one request, and
 * reloaded after the facilitator starts a check-in.
 */

/** One board of the cycle, with the link that opens it with the facilitator's own token. */
export interface CycleBoard {
  boardId: string;
  title: string;
  stage: CycleStage;
  createdAt: number;
  /** `/b/<id>#token=<the facilitator's token>`: the same token opens every board of a cycle. */
  link: string;
}

export interface CycleBoardsState {
  /** `none` where this person cannot ask (not the facilitator, or no server). */
  status: 'none' | 'loading' | 'loaded' | 'failed';
  boards: CycleBoard[];
  /** Why the list could not be read, in words. */
  problem: string | null;
}

const NOT_ASKED: CycleBoardsState = { status: 'none', boards: [], problem: null };

/** Whether this person may ask: the facilitator, on a connection to a server. */
function canAsk(session: BoardSession): boolean {
  return Boolean(session.cycleBoards && session.linkWithOwnToken) && session.identity.role === 'facilitator';
}

const stores = new WeakMap<BoardSession, StoreApi<CycleBoardsState>>();

/** Asks the server for the list again, and keeps what it says (or why it could not). */
export async function loadCycleBoards(session: BoardSession, store: StoreApi<CycleBoardsState>): Promise<void> {
  if (!canAsk(session)) return;
  // A list already shown stays up while it is asked for again.
  if (store.getState().status === 'failed') store.setState({ status: 'loading', problem: null });
  try {
    const boards = await session.cycleBoards!();
    store.setState({ status: 'loaded', problem: null, boards: boards.map((board) => ({ ...board, link: session.linkWithOwnToken!(board.boardId) })) });
  } catch (error) {
    store.setState({ status: 'failed', problem: error instanceof Error ? error.message : String(error) });
  }
}

/** The session's list of its cycle's boards, asked for the first time it is wanted. */
export function cycleBoardsStoreOf(session: BoardSession): StoreApi<CycleBoardsState> {
  let store = stores.get(session);
  if (!store) {
    const initial: CycleBoardsState = canAsk(session) ? { ...NOT_ASKED, status: 'loading' } : NOT_ASKED;
    store = createStore<CycleBoardsState>()(() => initial);
    stores.set(session, store);
    void loadCycleBoards(session, store);
  }
  return store;
}
