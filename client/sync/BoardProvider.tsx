import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { useStore } from 'zustand';
import type { BoardActions, BoardIdentity, BoardSession, BoardState } from './types';
import type { PlanFormat } from '../../shared/export/plan';
import type { PlanImportResult } from '../../shared/schema/api';
import { mayRewriteNote } from '../../shared/document/access';
import type { TextFieldAddress } from '../../shared/document/text';
import type { SharedTextField } from './sharedText';
import type { CheckInResponse } from '../../shared/schema/api';
import { type CycleBoardsState, cycleBoardsStoreOf, loadCycleBoards } from './cycleBoards';

const BoardSessionContext = createContext<BoardSession | null>(null);

/**
 * Makes one board session (normally a BoardConnection) available to the
 * board screen. Tests can pass any object with a store and actions.
 */
export function BoardProvider({ session, children }: { session: BoardSession; children: ReactNode }) {
  return <BoardSessionContext.Provider value={session}>{children}</BoardSessionContext.Provider>;
}

function useSession(): BoardSession {
  const session = useContext(BoardSessionContext);
  if (!session) throw new Error('Board components must be rendered inside <BoardProvider>.');
  return session;
}

/** One shared-text field bound for an input, or null where the session has no live document (see useSharedText). */
export function useSharedTextField(address: TextFieldAddress): SharedTextField | null {
  const session = useSession();
  return useMemo(() => session.textField?.(address) ?? null, [session, address]);
}

/** Reads part of the board state; the component re-renders only when that part changes. */
export function useBoardState<T>(selector: (state: BoardState) => T): T {
  return useStore(useSession().store, selector);
}

/**
 * Reads the board state as it is at the moment of the call, for an event
 * handler: unlike useBoardState, the component does not re-render with it.
 */
export function useBoardStateReader(): () => BoardState {
  const { store } = useSession();
  return useCallback(() => store.getState(), [store]);
}

/** The actions a person can take on the board. */
export function useBoardActions(): BoardActions {
  return useSession().actions;
}

/** The link to download the board's action plan in a format, or null where there is none. */
export function usePlanLink(): ((format: PlanFormat) => string) | null {
  const session = useSession();
  return session.planLink ? (format) => session.planLink!(format) : null;
}

/** Imports a plan file into the board, or null where there is no server to send it to. */
export function usePlanImport(): ((file: Blob, name: string) => Promise<PlanImportResult>) | null {
  const session = useSession();
  return session.importPlan ? (file, name) => session.importPlan!(file, name) : null;
}

/** Deletes the board for everyone, or null where there is no server. */
export function useDeleteBoard(): (() => Promise<void>) | null {
  const session = useSession();
  return session.deleteBoard ? () => session.deleteBoard!() : null;
}

/** Starts the next check-in of the board's cycle (the facilitator's), or null where there is no server. */
export function useStartCheckIn(): (() => Promise<CheckInResponse>) | null {
  const session = useSession();
  return session.startCheckIn ? () => session.startCheckIn!() : null;
}

/** The link that opens another board with this person's own token, or null where there is none. */
export function useLinkWithOwnToken(): ((boardId: string) => string) | null {
  const session = useSession();
  return session.linkWithOwnToken ? (boardId) => session.linkWithOwnToken!(boardId) : null;
}

/**
 * The boards of this board's cycle as the server lists them, for the
 * facilitator (client/sync/cycleBoards.ts), and a way to ask again; the
 * first component to want it asks.
 */
export function useCycleBoards(): CycleBoardsState & { reload(): Promise<void> } {
  const session = useSession();
  const store = cycleBoardsStoreOf(session);
  const state = useStore(store);
  return useMemo(() => ({ ...state, reload: () => loadCycleBoards(session, store) }), [state, session, store]);
}

/** Who is using the board, and whether they may change it. */
export function useBoardIdentity(): BoardIdentity {
  return useSession().identity;
}

/**
 * Whether this person may change the board now: they are no viewer, and the
 * facilitator has not locked the board, which holds everyone else back
 * (docs/client.md, "The locked board"). Every screen's controls follow this,
 * so a locked participant is never offered a change the server would refuse.
 */
export function useCanChangeBoard(): boolean {
  const { role, canEdit } = useSession().identity;
  const locked = useBoardState((state) => state.exercise.session.locked);
  return canEdit && (role === 'facilitator' || !locked);
}

/**
 * Whether this person may change the text of a note by this author, and
 * delete it, when they may change the board at all: they wrote it, or they
 * are the facilitator (docs/document-layout.md, "Who wrote a note"). The
 * server refuses anyone else's (4403); they still move, colour and file it.
 */
export function useCanRewriteNote(authorId: string | null): boolean {
  return mayRewriteNote(useSession().identity, authorId);
}

/** True for a facilitator or participant whom the facilitator's lock holds back right now. */
export function useLockedOut(): boolean {
  const { role, canEdit } = useSession().identity;
  const locked = useBoardState((state) => state.exercise.session.locked);
  return canEdit && role !== 'facilitator' && locked;
}
