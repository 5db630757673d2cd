import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BoardState } from './types';

/** A fresh store for one board connection: nothing known yet, still connecting. */
export function createBoardStore(overrides: Partial<BoardState> = {}): StoreApi<BoardState> {
  return createStore<BoardState>()(() => ({
    notes: [],
    boardTitle: null,
    people: [],
    cursors: [],
    presenceSettled: false,
    save: { kind: 'connecting', unsaved: 0 },
    canUndo: false,
    canRedo: false,
    ...overrides,
  }));
}
