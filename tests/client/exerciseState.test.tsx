import * as Y from 'yjs';
import { Profiler, type ReactNode } from 'react';
import { act, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { addAction, addActionSteps, respondToAction, setEvaluationStep, setNextStepCheck, updateAction, updateActionStep } from '../../shared/document/actions';
import { recordKeysChangedBy } from '../../shared/document/doc';
import { writeProgress } from '../../shared/document/drafts';
import { addNote } from '../../shared/document/notes';
import { renamePerspective, setGroup, setReady } from '../../shared/document/perspectives';
import { chooseTemplate, setLocked } from '../../shared/document/session';
import { addTheme, renameTheme } from '../../shared/document/themes';
import { changeOwnVote, publishVoteTally } from '../../shared/document/votes';
import { renameBoard } from '../../shared/document/board';
import { addAssessmentTopic, publishAssessmentSpread, renameAssessmentTopic, setAgreedRating, setOwnEvidence, setOwnRating } from '../../shared/document/assessment';
import { DEFAULT_PERSPECTIVES } from '../../shared/schema/exercise';
import type { ActionId, ParticipantId, PerspectiveId, ThemeId, TopicId } from '../../shared/schema/ids';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import { ExerciseStateReader, readExerciseState } from '../../client/sync/exercise';
import { keepUnchanged } from '../../client/sync/keepUnchanged';
import type { BoardActions, BoardSession, ExerciseState, PrivateStatus } from '../../client/sync/types';
import * as hooks from '../../client/sync/useExerciseState';
import { Timer } from '../../client/screens/exercise/Timer';
import { StepsChecklist } from '../../client/screens/plan/ActionEditors';

/*
 * The exercise state is read a slice at a time (docs/client.md, "Reading the
 * exercise"): a change re-reads only the slices whose roots it touched, every
 * other slice and every unchanged record keeps its object, and a component
 * reading one slice does not re-render when another changes.
 */

const P1 = 'p-priya' as ParticipantId;
const P2 = 'p-sam' as ParticipantId;
const LANE = DEFAULT_PERSPECTIVES[0]!.id as PerspectiveId;
const SLICES = Object.keys(emptyExerciseState()) as (keyof ExerciseState)[];

/**
 * A board and a private document published into a store as BoardConnection
 * publishes them: each transaction's records noted, then read a slice at a time.
 */
function openBoard() {
  const doc = new Y.Doc();
  const privateDoc = new Y.Doc();
  const reader = new ExerciseStateReader();
  const store = createBoardStore();
  const status: { current: PrivateStatus } = { current: 'live' };
  doc.on('afterTransaction', (transaction: Y.Transaction) => reader.noteBoardChanges(recordKeysChangedBy(transaction)));
  privateDoc.on('afterTransaction', (transaction: Y.Transaction) => reader.notePrivateChanges(recordKeysChangedBy(transaction)));
  const publish = () => {
    const previous = store.getState().exercise;
    const next = reader.read(doc, privateDoc, status.current, previous);
    if (next !== previous) store.setState({ exercise: next });
  };
  /** Makes a change and publishes it, as the connection does. */
  const change = (write: () => void) =>
    act(() => {
      write();
      publish();
    });

  chooseTemplate(doc, 'four-perspectives');
  setGroup(doc, P1, LANE);
  setGroup(doc, P2, LANE);
  writeProgress(doc, { drafts: { [LANE]: 2 }, voters: 1, dots: 1, raters: 1 });
  const topic1 = addAssessmentTopic(doc, 'Flexible working')!;
  const topic2 = addAssessmentTopic(doc, 'Recognition and reward')!;
  publishAssessmentSpread(doc, { raters: 1, topics: { [topic1]: { red: 1, amber: 0, green: 0, evidence: [] } } });
  setAgreedRating(doc, topic1, { rating: 'red', note: 'No policy yet' });
  setOwnRating(privateDoc, topic1, 'red');
  const t1 = addTheme(doc, { title: 'Rotas', now: 1 });
  const t2 = addTheme(doc, { title: 'Pay', now: 2 });
  const a1 = addAction(doc, { themeId: t1, topic: 'Rotas six weeks ahead', now: 1 });
  const a2 = addAction(doc, { themeId: t2, topic: 'Benchmark pay', now: 2 });
  const [s1] = addActionSteps(doc, a1, [{ text: 'Ask the ward managers' }, { text: 'Draft the rota' }]);
  addActionSteps(doc, a2, [{ text: 'Find the figures' }]);
  for (const action of [a1, a2]) {
    respondToAction(doc, action, P1, 'agree');
    setNextStepCheck(doc, action, 'smart', { done: true });
    setEvaluationStep(doc, action, 'objectives', 'Fewer leavers');
  }
  publishVoteTally(doc, { items: { [t1]: { dots: 3, voters: 2 } }, voters: 2 });
  addNote(privateDoc, { text: 'Short notice shifts', x: 0, y: 0, perspectiveId: LANE, authorId: P1, authorName: 'Priya' });
  changeOwnVote(privateDoc, t1, 1, { budget: 3, cap: 3 });
  publish();
  return { doc, privateDoc, store, reader, status, publish, change, topic1: topic1 as TopicId, topic2: topic2 as TopicId, t1: t1 as ThemeId, t2: t2 as ThemeId, a1: a1 as ActionId, a2: a2 as ActionId, s1: s1! };
}

type Board = ReturnType<typeof openBoard>;

/** One change to each slice, and the slices it may change. */
const CHANGES: [string, (board: Board) => void, (keyof ExerciseState)[]][] = [
  ['locking the board', ({ doc }) => setLocked(doc, true), ['session']],
  ['renaming a lane', ({ doc }) => renamePerspective(doc, LANE, 'Staff'), ['perspectives']],
  ['someone getting ready', ({ doc }) => setReady(doc, P2, true), ['members']],
  ['a new draft count', ({ doc }) => writeProgress(doc, { drafts: { [LANE]: 3 }, voters: 1, dots: 1, raters: 1 }), ['draftCounts']],
  ['more dots placed', ({ doc }) => writeProgress(doc, { drafts: { [LANE]: 2 }, voters: 1, dots: 3, raters: 1 }), ['dotsPlaced']],
  ['one more person rating', ({ doc }) => writeProgress(doc, { drafts: { [LANE]: 2 }, voters: 1, dots: 1, raters: 2 }), ['raters']],
  ['renaming a topic', ({ doc, topic2 }) => renameAssessmentTopic(doc, topic2, 'Thanks and reward'), ['assessmentTopics']],
  ['a new spread', ({ doc, topic1 }) => publishAssessmentSpread(doc, { raters: 2, topics: { [topic1]: { red: 1, amber: 1, green: 0, evidence: [] } } }), ['assessmentSpread']],
  ['an agreed rating', ({ doc, topic2 }) => setAgreedRating(doc, topic2, { rating: 'amber', note: '' }), ['agreedRatings']],
  ['rating a topic', ({ privateDoc, topic2 }) => setOwnRating(privateDoc, topic2, 'green'), ['myRatings']],
  ['a line of evidence', ({ privateDoc, topic1 }) => setOwnEvidence(privateDoc, topic1, 'No policy on the wards'), ['myRatings']],
  ['renaming a theme', ({ doc, t2 }) => renameTheme(doc, t2, 'Pay and banding'), ['themes']],
  ['rewording an action', ({ doc, a1 }) => updateAction(doc, a1, { owner: 'Ward manager' }), ['actions']],
  ['a concern', ({ doc, a1 }) => respondToAction(doc, a1, P2, 'concern'), ['responses']],
  ['a next-steps tick', ({ doc, a1 }) => setNextStepCheck(doc, a1, 'evidence', { done: true }), ['checks']],
  ['an evaluation step', ({ doc, a1 }) => setEvaluationStep(doc, a1, 'tasks', 'Survey'), ['evaluations']],
  ['ticking a step', ({ doc, a1, s1 }) => updateActionStep(doc, a1, s1, { done: true }), ['steps']],
  ['a new tally', ({ doc, t1 }) => publishVoteTally(doc, { items: { [t1]: { dots: 4, voters: 3 } }, voters: 3 }), ['voteTally']],
  ['a new draft', ({ privateDoc }) => addNote(privateDoc, { text: 'Breaks', x: 0, y: 0, perspectiveId: LANE, authorId: P1, authorName: 'Priya' }), ['myDrafts']],
  ['a dot', ({ privateDoc, t2 }) => changeOwnVote(privateDoc, t2, 1, { budget: 3, cap: 3 }), ['myBallot']],
  ['the private document going offline', ({ status }) => (status.current = 'offline'), ['privateStatus']],
];

describe('the exercise state, read a slice at a time', () => {
  it.each(CHANGES)('after %s, every other slice is the same object', (_name, write, changed) => {
    const board = openBoard();
    const before = board.store.getState().exercise;
    board.change(() => write(board));
    const after = board.store.getState().exercise;
    for (const slice of SLICES) {
      if (changed.includes(slice)) expect(after[slice], slice).not.toBe(before[slice]);
      else expect(after[slice], slice).toBe(before[slice]);
    }
    // And it reads as the whole exercise read afresh would.
    expect(after).toEqual(readExerciseState(board.doc, board.privateDoc, board.status.current));
  });

  it('keeps every unchanged record of a changed slice the same object', () => {
    const board = openBoard();
    const { a1, a2, t1, t2, s1 } = board;
    const before = board.store.getState().exercise;
    board.change(() => {
      renameTheme(board.doc, t2, 'Pay and banding');
      updateAction(board.doc, a2, { owner: 'Finance' });
      updateActionStep(board.doc, a1, s1, { done: true });
      respondToAction(board.doc, a1, P2, 'concern');
      setReady(board.doc, P2, true);
    });
    const after = board.store.getState().exercise;
    expect(after.themes.find((t) => t.id === t1)).toBe(before.themes.find((t) => t.id === t1));
    expect(after.themes.find((t) => t.id === t2)).not.toBe(before.themes.find((t) => t.id === t2));
    expect(after.actions.find((a) => a.id === a1)).toBe(before.actions.find((a) => a.id === a1));
    expect(after.steps[a2]).toBe(before.steps[a2]);
    expect(after.steps[a1]).not.toBe(before.steps[a1]);
    expect(after.steps[a1]![1]).toBe(before.steps[a1]![1]);
    expect(after.responses[a2]).toBe(before.responses[a2]);
    expect(after.members[P1]).toBe(before.members[P1]);
    expect(after.members[P2]).not.toBe(before.members[P2]);
  });

  it("keeps one topic's own rating the same object when another topic is rated", () => {
    const board = openBoard();
    const before = board.store.getState().exercise;
    board.change(() => setOwnRating(board.privateDoc, board.topic2, 'amber'));
    const after = board.store.getState().exercise;
    expect(after.myRatings[board.topic1]).toBe(before.myRatings[board.topic1]);
    expect(after.myRatings[board.topic2]).toEqual({ rating: 'amber', evidence: '' });
  });

  it('publishes nothing for a change outside the exercise', () => {
    const board = openBoard();
    const setState = vi.spyOn(board.store, 'setState');
    board.change(() => {
      addNote(board.doc, { text: 'On the board', x: 10, y: 10, authorId: P1, authorName: 'Priya' });
      renameBoard(board.doc, 'Retention, March');
    });
    expect(setState).not.toHaveBeenCalled();
  });

  it('reads a replaced document whole', () => {
    const board = openBoard();
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(board.doc));
    renameTheme(fresh, board.t1, 'Rotas and leave');
    setLocked(fresh, true);
    const read = board.reader.read(fresh, board.privateDoc, 'live', board.store.getState().exercise);
    expect(read).toEqual(readExerciseState(fresh, board.privateDoc, 'live'));
    expect(read.session.locked).toBe(true);
  });
});

describe('keepUnchanged', () => {
  it('matches records by id, wherever they moved', () => {
    const a = { id: 'a', text: 'A' };
    const b = { id: 'b', text: 'B' };
    const previous = [a, b];
    const next = keepUnchanged(previous, [{ id: 'c', text: 'C' }, { id: 'a', text: 'A' }, { id: 'b', text: 'B' }]);
    expect(next[1]).toBe(a);
    expect(next[2]).toBe(b);
    expect(keepUnchanged(previous, [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }])).toBe(previous);
  });

  it('keeps a key such as __proto__ an own field', () => {
    const next = keepUnchanged<Record<string, { n: number }>>({}, JSON.parse('{"__proto__": {"n": 1}}') as Record<string, { n: number }>);
    expect(Object.prototype.hasOwnProperty.call(next, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
  });
});

describe('components reading a slice', () => {
  function renderWith(board: Board, children: ReactNode) {
    const session: BoardSession = {
      store: board.store,
      actions: { exercise: {} } as unknown as BoardActions,
      identity: { role: 'participant', canEdit: true, participantId: P1, displayName: 'Priya' },
    };
    render(<BoardProvider session={session}>{children}</BoardProvider>);
  }

  /** How many times each probe rendered, by the slice it reads. */
  const renders = new Map<string, number>();
  function Probe({ name, read }: { name: string; read: () => unknown }) {
    renders.set(name, (renders.get(name) ?? 0) + 1);
    read();
    return null;
  }
  const PROBES: [string, () => unknown][] = [
    ['session', hooks.useSession],
    ['perspectives', hooks.usePerspectives],
    ['members', hooks.useMembers],
    ['draftCounts', hooks.useDraftCounts],
    ['voters', hooks.useVoters],
    ['dotsPlaced', hooks.useDotsPlaced],
    ['themes', hooks.useThemes],
    ['actions', hooks.useActions],
    ['responses', hooks.useResponses],
    ['checks', hooks.useChecks],
    ['evaluations', hooks.useEvaluations],
    ['steps', hooks.useSteps],
    ['voteTally', hooks.useVoteTally],
    ['myDrafts', hooks.useMyDrafts],
    ['myBallot', hooks.useMyBallot],
    ['privateStatus', hooks.usePrivateStatus],
    ['raters', hooks.useRaters],
    ['assessmentTopics', hooks.useAssessmentTopics],
    ['assessmentSpread', hooks.useAssessmentSpread],
    ['agreedRatings', hooks.useAgreedRatings],
    ['myRatings', hooks.useOwnRatings],
  ];

  it.each(CHANGES)('after %s, only the components reading that slice re-render', (_name, write, changed) => {
    const board = openBoard();
    renderWith(
      board,
      PROBES.map(([name, read]) => <Probe key={name} name={name} read={read} />),
    );
    renders.clear();
    board.change(() => write(board));
    expect([...renders.keys()].sort()).toEqual([...changed].sort());
  });

  it('a screen reading the session does not re-render for a theme, and does for the session', () => {
    const board = openBoard();
    const onRender = vi.fn();
    renderWith(
      board,
      <Profiler id="timer" onRender={onRender}>
        <Timer />
      </Profiler>,
    );
    onRender.mockClear();
    board.change(() => renameTheme(board.doc, board.t1, 'Rotas and leave'));
    board.change(() => updateAction(board.doc, board.a1, { owner: 'Ward manager' }));
    expect(onRender).not.toHaveBeenCalled();
    board.change(() => setLocked(board.doc, true));
    expect(onRender).toHaveBeenCalled();
  });

  it("an action's steps do not re-render for another action's step", () => {
    const board = openBoard();
    const action = board.store.getState().exercise.actions.find((a) => a.id === board.a2)!;
    const onRender = vi.fn();
    renderWith(
      board,
      <Profiler id="steps" onRender={onRender}>
        <StepsChecklist action={action} name="Benchmark pay" permissions={{ canWrite: false, canTrack: false }} />
      </Profiler>,
    );
    onRender.mockClear();
    board.change(() => updateActionStep(board.doc, board.a1, board.s1, { done: true }));
    expect(onRender).not.toHaveBeenCalled();
    board.change(() => addActionSteps(board.doc, board.a2, [{ text: 'Ask HR' }]));
    expect(onRender).toHaveBeenCalled();
  });
});
