import { createStore, type StoreApi } from 'zustand/vanilla';
import { sessionSchema } from '../../shared/schema/exercise';
import type { BoardState, ExerciseState } from './types';

/** The exercise before anything has synced: a blank board with nothing in it. */
export function emptyExerciseState(overrides: Partial<ExerciseState> = {}): ExerciseState {
  return {
    session: sessionSchema.parse({}),
    perspectives: [],
    members: {},
    draftCounts: {},
    voters: 0,
    dotsPlaced: 0,
    themes: [],
    actions: [],
    responses: {},
    checks: {},
    evaluations: {},
    steps: {},
    voteTally: { items: {}, voters: 0 },
    myDrafts: [],
    myBallot: {},
    assessmentTopics: [],
    assessmentSpread: { raters: 0, topics: {} },
    agreedRatings: {},
    raters: 0,
    myRatings: {},
    cycle: { stage: 0, history: [] },
    privateStatus: 'none',
    ...overrides,
  };
}

/** A fresh store for one board connection: nothing known yet, still connecting. */
export function createBoardStore(overrides: Partial<BoardState> = {}): StoreApi<BoardState> {
  return createStore<BoardState>()(() => ({
    notes: [],
    exercise: emptyExerciseState(),
    diagrams: { diagrams: [], nodes: [] },
    boardTitle: null,
    people: [],
    cursors: [],
    presenceSettled: false,
    save: { kind: 'connecting', unsaved: 0 },
    canUndo: false,
    canRedo: false,
    lockRefusals: 0,
    lastStateRefusal: null,
    ...overrides,
  }));
}
