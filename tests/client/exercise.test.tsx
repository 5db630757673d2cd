import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ExerciseScreen } from '../../client/screens/exercise/ExerciseScreen';
import { resetBoardUi } from '../../client/state/boardUi';
import { measureServerClock, serverClockStore } from '../../client/state/serverClock';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardIdentity, BoardSession, DiagramActions, DiagramState, ExerciseActions, ExerciseState } from '../../client/sync/types';
import { DEFAULT_PERSPECTIVES, sessionSchema, type Session } from '../../shared/schema/exercise';
import type { ActionId, NoteId, ParticipantId, PerspectiveId } from '../../shared/schema/ids';
import type { Note } from '../../shared/schema/records';

const lanes = DEFAULT_PERSPECTIVES.map((p, order) => ({ ...p, order }));

function note(id: string, text: string, lane: string, extra: Partial<Note> = {}): Note {
  return {
    id: id as NoteId, text, x: 0, y: 0, colour: 'yellow', authorId: 'p-sam' as ParticipantId, authorName: 'Sam',
    perspectiveId: lane as PerspectiveId, themeId: null, createdAt: 1, updatedAt: 1, ...extra,
  };
}

/** The exercise screen over a plain store and spied actions: no Yjs, no server. */
function renderExercise(
  session: Partial<Session>,
  exercise: Partial<ExerciseState> = {},
  identity: Partial<BoardIdentity> = {},
  notes: Note[] = [],
  diagrams: DiagramState = { diagrams: [], nodes: [] },
) {
  const store = createBoardStore({
    diagrams,
    boardTitle: 'Board away day',
    save: { kind: 'live', unsaved: 0 },
    notes,
    people: [{ participantId: 'p-priya', name: 'Priya', colour: '#005eb8', role: 'participant', isSelf: true }],
    exercise: emptyExerciseState({ session: { ...sessionSchema.parse({}), template: 'four-perspectives', ...session }, perspectives: lanes, ...exercise }),
  });
  const exerciseActions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, {
    get: (target, name: string) => (target[name] ??= vi.fn(() => null)),
  }) as unknown as { [K in keyof ExerciseActions]: ReturnType<typeof vi.fn<ExerciseActions[K]>> };
  const diagramActions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, {
    get: (target, name: string) => (target[name] ??= vi.fn(() => (name === 'addDiagram' ? 'new-diagram' : 'new-node'))),
  }) as unknown as { [K in keyof DiagramActions]: ReturnType<typeof vi.fn<DiagramActions[K]>> };
  const boardSession: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: exerciseActions, diagrams: diagramActions },
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya', ...identity },
  };
  render(
    <BoardProvider session={boardSession}>
      <ExerciseScreen title="Board away day" joinCode={null} />
    </BoardProvider>,
  );
  return { user: userEvent.setup(), store, actions: exerciseActions, diagramActions };
}

beforeEach(() => resetBoardUi());
afterEach(() => serverClockStore.setState({ offsetMs: 0 }));

describe('the exercise screens', () => {
  it('show the phase and what to do now, and give the facilitator the reason a phase cannot start', async () => {
    const { user, actions } = renderExercise({ phase: 'compare' }, {}, { role: 'facilitator' });
    // jsdom's name computation drops the space before a hidden span that a browser keeps, hence \s*.
    expect(screen.getByRole('heading', { name: /^Now:\s*Compare$/ })).toBeTruthy();
    expect(screen.getByText(/Help the group name the themes/)).toBeTruthy();
    actions.changePhase.mockReturnValue('Group the notes into at least one theme before voting on themes.');
    await user.click(screen.getByRole('button', { name: 'Next: Vote' }));
    expect(actions.changePhase).toHaveBeenCalledWith('vote');
    expect(screen.getByRole('alert').textContent).toBe('Group the notes into at least one theme before voting on themes.');
    expect(document.activeElement).toBe(screen.getByRole('alert'));
  });

  it('show a writer their own drafts and only counts for the other lanes, and write into their lane', async () => {
    const { user, actions } = renderExercise(
      { phase: 'write' },
      { members: { 'p-priya': { participantId: 'p-priya', perspectiveId: 'staff' as PerspectiveId, ready: false } }, draftCounts: { managers: 7, staff: 1 }, myDrafts: [note('d1', 'Rotas we can plan around', 'staff')] },
    );
    // The lane's heading names it; its count line shows the count (and names the lane only for screen readers: tests/client/charts.test.tsx).
    expect(screen.getByRole('region', { name: 'Line managers' }).querySelector('.lane__count')!.textContent).toBe('Line managers: 7 notes');
    expect(screen.getByText('Rotas we can plan around')).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: 'Your note for “Staff”' }), 'Flexible working{Enter}');
    expect(actions.addDraft).toHaveBeenCalledWith('staff', 'Flexible working');
    await user.click(screen.getByRole('button', { name: 'I’m done writing' }));
    expect(actions.setReady).toHaveBeenCalledWith(true);
  });

  it('say why a dot cannot be placed, and how many are left', async () => {
    const { user, actions } = renderExercise(
      { phase: 'vote', voteBudget: 2, voteCap: 2 },
      { themes: [{ id: 't1' as never, title: 'Flexible working', createdAt: 1 }, { id: 't2' as never, title: 'Pay', createdAt: 2 }], myBallot: { t1: 2 } },
    );
    expect(screen.getByText('You have 0 of 2 dots left (at most 2 on one item).')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /^Add a dot\s*to “Pay”$/ }));
    expect(actions.changeVote).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/used all 2 of your dots/);
  });

  it('rank the published tally once voting has closed', () => {
    renderExercise(
      { phase: 'vote', votingClosed: true, voteBudget: 3, voteCap: 3 },
      {
        themes: [{ id: 't1' as never, title: 'Flexible working', createdAt: 1 }, { id: 't2' as never, title: 'Pay', createdAt: 2 }],
        voteTally: { items: { t1: { dots: 2, voters: 1 }, t2: { dots: 4, voters: 2 } }, voters: 2 },
      },
    );
    const results = within(screen.getByRole('heading', { name: 'Results' }).parentElement!).getAllByRole('listitem');
    expect(results.map((item) => item.textContent)).toEqual([expect.stringContaining('Pay'), expect.stringContaining('Flexible working')]);
    expect(results[0]!.textContent).toContain('4 dots from 2 people');
  });

  it('warn of what an action lacks, and tick and note the next-steps check', async () => {
    const { user, actions } = renderExercise(
      { phase: 'actions' },
      {
        actions: [{ id: 'a1' as ActionId, themeId: null, topic: 'Pay', action: 'Benchmark pay', owner: '', timescale: { kind: 'duration', amount: 3, unit: 'months' }, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1 }],
        checks: { a1: { smart: { done: true, note: '' } } },
      },
    );
    const warnings = screen.getByRole('list', { name: 'Missing from “Benchmark pay”' });
    expect(within(warnings).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'No owner: who makes sure it happens?',
      'No success criteria: how will you know it worked?',
    ]);
    await user.click(screen.getByText(/Next-steps check \(1 of 8\)/));
    await user.click(screen.getByRole('checkbox', { name: /Is the timescale realistic\?/ }));
    expect(actions.setNextStepCheck).toHaveBeenCalledWith('a1', 'realistic', { done: true });
    await user.type(screen.getByRole('textbox', { name: 'Note on: Which personal, team or organisational behaviours could block it?' }), 'Rota culture{Enter}');
    expect(actions.setNextStepCheck).toHaveBeenCalledWith('a1', 'blockers', { note: 'Rota culture' });
    await user.click(screen.getByText(/Evaluation plan \(0 of 6 steps\)/));
    await user.type(screen.getByRole('textbox', { name: /Data sources/ }), 'Exit interviews{Enter}');
    expect(actions.setEvaluationStep).toHaveBeenCalledWith('a1', 'dataSources', 'Exit interviews');
  });

  it('list what stops the actions being agreed', () => {
    renderExercise(
      { phase: 'actions' },
      { actions: [{ id: 'a1' as ActionId, themeId: null, topic: 'Pay', action: 'Benchmark pay', owner: '', timescale: { kind: 'duration', amount: 3, unit: 'months' }, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1 }] },
      { role: 'facilitator' },
    );
    const rule = screen.getByRole('region', { name: 'Ready to agree?' });
    expect(within(rule).getByText('Agree at least 3 actions: add 2 more.')).toBeTruthy();
    expect(within(rule).getByText('“Benchmark pay” needs an owner.')).toBeTruthy();
  });

  it('promote a theme and a note into the driver diagram from their menus, and say on screen what happened', async () => {
    const theme = { id: 't1' as never, title: 'Flexible working', createdAt: 1 };
    const { user, diagramActions } = renderExercise(
      { phase: 'compare' },
      { themes: [theme] },
      {},
      [note('n-a', 'Self-rostering', 'staff', { themeId: 't1' as never })],
      { diagrams: [{ id: 'd1' as never, title: 'D', aim: '', aimMeasure: '', aimMeasureKind: null, aimTargetDate: '', createdAt: 1 }], nodes: [] },
    );
    // Where each lands is promoteToDiagram's rule (tests/shared/promote-to-diagram.test.ts); the screen passes the source and says the outcome.
    diagramActions.promote.mockReturnValueOnce({ nodeId: 'n1' as never, level: 'primary', already: false, parentText: null });
    await user.click(screen.getByRole('button', { name: 'Actions for theme: Flexible working' }));
    await user.click(screen.getByRole('menuitem', { name: 'Add to the driver diagram' }));
    expect(diagramActions.promote).toHaveBeenLastCalledWith('d1', { kind: 'theme', id: 't1' });
    expect(screen.getByText('Added “Flexible working” to the driver diagram as a primary driver.').closest('[role=status]')).toBeTruthy();
    diagramActions.promote.mockReturnValueOnce({ nodeId: 'n2' as never, level: 'change', already: false, parentText: '' });
    await user.click(screen.getByRole('button', { name: 'Actions for note: Self-rostering' }));
    await user.click(screen.getByRole('menuitem', { name: 'Add to the driver diagram' }));
    expect(diagramActions.promote).toHaveBeenLastCalledWith('d1', { kind: 'note', id: 'n-a' });
    expect(screen.getByText('Added “Self-rostering” to the driver diagram as a change idea, under a driver still to be named.')).toBeTruthy();
  });

  it('move a note to a theme with its menu by keyboard alone, with focus kept on the moved note and the move shown', async () => {
    const themes = [
      { id: 't1' as never, title: 'Flexible working', createdAt: 1 },
      { id: 't2' as never, title: 'Time with managers', createdAt: 2 },
    ];
    const { user, actions } = renderExercise({ phase: 'compare' }, { themes }, {}, [note('n-a', 'Self-rostering', 'staff')]);
    const button = screen.getByRole('button', { name: 'Actions for note: Self-rostering' });
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    button.focus();
    await user.keyboard('{Enter}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const menu = screen.getByRole('menu', { name: 'Actions for note: Self-rostering' });
    expect(document.activeElement).toBe(within(menu).getByRole('menuitemradio', { name: 'Flexible working' }));
    // Up from the first wraps to the last; Escape closes and puts focus back on the button.
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Add to the driver diagram' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{ArrowDown}');
    expect(within(screen.getByRole('menu')).getByRole('menuitemradio', { name: 'No theme' }).getAttribute('aria-checked')).toBe('true');
    expect(document.activeElement?.textContent).toContain('Time with managers');
    await user.keyboard('{Enter}');
    expect(actions.moveNoteToTheme).toHaveBeenCalledWith('n-a', 't2');
    expect(screen.getByText('Moved “Self-rostering” to the theme “Time with managers”.')).toBeTruthy();
    expect(document.activeElement).toBe(button);
  });

  it('share a theme’s title as it is typed, and finish it with Enter', () => {
    const { actions } = renderExercise({ phase: 'compare' }, { themes: [{ id: 't1' as never, title: 'Flexible working', createdAt: 1 }] });
    const title = screen.getByRole('textbox', { name: 'Theme title' });
    fireEvent.change(title, { target: { value: 'Flexible working patterns' } });
    expect(actions.renameTheme).toHaveBeenCalledWith('t1', 'Flexible working patterns');
    title.focus();
    fireEvent.keyDown(title, { key: 'Enter' });
    expect(document.activeElement).not.toBe(title);
  });

  it('show, on an action, the change idea it came from', () => {
    renderExercise(
      { phase: 'actions' },
      { actions: [{ id: 'a1' as ActionId, themeId: null, topic: 'Publish rotas', action: '', owner: '', timescale: null, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1 }] },
      {},
      [],
      {
        diagrams: [],
        nodes: [
          {
            id: 'n1', diagramId: 'd1', parentId: null, text: 'Publish rotas six weeks ahead', order: 0, movedAt: 1, deleted: false, measure: '',
            measureKind: null, sourceKind: null, sourceId: null, actionId: 'a1', createdAt: 1,
          } as never,
        ],
      },
    );
    expect(screen.getByText('From the driver diagram: the change idea “Publish rotas six weeks ahead”')).toBeTruthy();
  });

  it('show the time left on the server’s clock, not this machine’s', () => {
    serverClockStore.setState({ offsetMs: 7 * 60_000 });
    renderExercise({ phase: 'write', timer: { durationMs: 300_000, endsAt: Date.now() + 7 * 60_000 + 90_000, remainingMs: 300_000, sound: false, phase: 'write' } });
    expect(screen.getByRole('timer').textContent).toBe('1:30');
  });

  it('sum up the workshop from the board, and follow the board as it changes', () => {
    const { store } = renderExercise(
      { phase: 'done', actionsAgreed: true, votingClosed: true, voteTarget: 'themes' },
      {
        members: {
          'p-priya': { participantId: 'p-priya', perspectiveId: 'staff' as PerspectiveId, ready: true },
          'p-ali': { participantId: 'p-ali', perspectiveId: 'managers' as PerspectiveId, ready: true },
        },
        themes: [{ id: 't1' as never, title: 'Flexible working', createdAt: 1 }],
        voteTally: { items: { t1: { dots: 5, voters: 2 } }, voters: 2 },
        actions: [{ id: 'a1' as ActionId, themeId: null, topic: 'Rotas', action: 'Publish rotas early', owner: 'Ward manager', timescale: null, success: '', status: 'under-way', review: '', importedFrom: null, createdAt: 1 }],
        steps: { a1: [{ id: 's1' as never, actionId: 'a1' as ActionId, text: 'Ask the rota team', done: true, order: 0 }] },
      },
      {},
      [note('n1', 'Self-rostering', 'staff', { themeId: 't1' as never }), note('n2', 'Predictable shifts', 'managers', { themeId: 't1' as never, authorId: 'p-ali' as ParticipantId, authorName: 'Ali' })],
    );
    // Priya and Ali are in groups, Sam wrote a note: three people, more than the two who voted.
    expect(screen.getByText(/^3 people took part\. The actions below are agreed\.$/)).toBeTruthy();
    const row = within(screen.getByRole('region', { name: 'Agreed actions table' })).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('Publish rotas early');
    expect(row.textContent).toContain('☑ Ask the rota team');
    const theme = within(screen.getByRole('heading', { name: 'Themes' }).nextElementSibling as HTMLElement).getByRole('listitem');
    expect(theme.textContent).toBe('Flexible working: shared by Line managers, Staff – 5 dots (nothing from The board, An HR professional)');
    expect(within(screen.getByRole('region', { name: 'Line managers' })).getByText('Ali')).toBeTruthy();

    act(() => {
      const { exercise, notes } = store.getState();
      store.setState({
        notes: [...notes, note('n3', 'Career conversations', 'hr')],
        exercise: { ...exercise, session: { ...exercise.session, anonymous: true } },
      });
    });
    expect(within(screen.getByRole('region', { name: 'An HR professional' })).getByText('Career conversations')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Line managers' })).queryByText('Ali')).toBeNull();
  });
});

describe('measuring the server’s clock', () => {
  it('takes the offset from the fastest of its round trips', async () => {
    const serverAhead = 42_000;
    await measureServerClock(async () => Date.now() + serverAhead);
    expect(Math.abs(serverClockStore.getState().offsetMs - serverAhead)).toBeLessThan(50);
  });

  it('keeps the last offset when the server cannot be reached', async () => {
    serverClockStore.setState({ offsetMs: 1234 });
    await measureServerClock(() => Promise.reject(new Error('offline')));
    expect(serverClockStore.getState().offsetMs).toBe(1234);
  });
});
