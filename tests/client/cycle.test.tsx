import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CheckInConflictError } from '../../client/api';
import { CycleView } from '../../client/screens/cycle/CycleView';
import { ExerciseScreen } from '../../client/screens/exercise/ExerciseScreen';
import { PresenterCycle } from '../../client/screens/presenter/PresenterCycle';
import { boardUiStore, resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardIdentity, BoardSession, ExerciseState } from '../../client/sync/types';
import { cycleHistoryChart, describeCycleHistory } from '../../shared/charts';
import type { CheckInResponse, CycleResponse } from '../../shared/schema/api';
import type { AssessmentTopic } from '../../shared/schema/assessment';
import type { CycleSnapshot, CycleStage } from '../../shared/schema/cycle';
import { DEFAULT_PERSPECTIVES, sessionSchema, type Action } from '../../shared/schema/exercise';
import type { ActionId, TopicId } from '../../shared/schema/ids';

/*
 * The retention cycle's screens over a plain store
 * and spied server calls, as tests/client/assessment.test.tsx renders the
 * self-assessment: no Yjs, no server.
 */

const FLEXIBLE = 'topic-flexible' as TopicId;
const WELLBEING = 'topic-wellbeing' as TopicId;
const topics: AssessmentTopic[] = [
  { id: FLEXIBLE, title: 'Flexible working', order: 0 },
  { id: WELLBEING, title: 'Health and wellbeing at work', order: 1 },
];
const ROTA = 'action-rota' as ActionId;

/** The workshop as the 30-day check-in carried it over: flexible working red, wellbeing amber, the rota action not started. */
const workshop: CycleSnapshot = {
  stage: 0,
  title: 'Ward 7 retention',
  takenAt: 1_700_000_000_000,
  ratings: [
    { topicId: FLEXIBLE, topic: 'Flexible working', rating: 'red' },
    { topicId: WELLBEING, topic: 'Health and wellbeing at work', rating: 'amber' },
  ],
  actions: [{ actionId: ROTA, label: 'Self-rostering pilot', status: 'not-started', stepsDone: 0, stepsTotal: 2 }],
};

function action(fields: Partial<Action>): Action {
  return {
    id: ROTA,
    themeId: null,
    topic: 'Flexible working',
    objective: '',
    action: 'Self-rostering pilot',
    owner: 'Sam',
    startDate: '',
    endDate: '',
    status: 'under-way',
    review: '',
    timescale: null,
    importedFrom: null,
    createdAt: 1,
    ...fields,
  } as Action;
}

const TOKEN = 'f'.repeat(43);
const checkIn: CheckInResponse = {
  boardId: 'checkIn30Board',
  title: 'Ward 7 retention – 30-day check-in',
  joinCode: 'K7M2QX',
  stage: 30,
  links: { facilitator: `https://retain.example/b/checkIn30Board#token=${TOKEN}`, participant: 'https://retain.example/b/checkIn30Board#token=pppp', viewer: 'https://retain.example/b/checkIn30Board#token=vvvv' },
  tokens: { facilitator: TOKEN, participant: 'pppp', viewer: 'vvvv' },
};

interface Options {
  stage?: CycleStage;
  history?: CycleSnapshot[];
  exercise?: Partial<ExerciseState>;
  identity?: Partial<BoardIdentity>;
  boards?: CycleResponse['boards'];
  startCheckIn?: () => Promise<CheckInResponse>;
  /** Gives the session the server's plan links, as a board with a server has. */
  planLinks?: boolean;
}

function renderWith(ui: React.ReactElement, { stage = 0, history = [], exercise = {}, identity = {}, boards, startCheckIn, planLinks = false }: Options = {}) {
  const store = createBoardStore({
    boardTitle: 'Ward 7 retention',
    save: { kind: 'live', unsaved: 0 },
    exercise: emptyExerciseState({
      session: { ...sessionSchema.parse({}), template: 'four-perspectives' },
      perspectives: DEFAULT_PERSPECTIVES.map((p, order) => ({ ...p, order })),
      assessmentTopics: topics,
      cycle: { stage, history },
      ...exercise,
    }),
  });
  const actions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, { get: (target, name: string) => (target[name] ??= vi.fn(() => null)) });
  const cycleBoards = vi.fn(async () => boards ?? []);
  const start = vi.fn(startCheckIn ?? (async () => checkIn));
  const session: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: actions as never, diagrams: {} as never },
    identity: { role: 'facilitator', canEdit: true, participantId: 'p-fac', displayName: 'Alex', ...identity },
    startCheckIn: start,
    cycleBoards,
    linkWithOwnToken: (boardId) => `/b/${boardId}#token=${TOKEN}`,
    ...(planLinks ? { planLink: (format: string) => `/api/boards/checkIn90Board/plan.${format}?token=t` } : {}),
  };
  render(<BoardProvider session={session}>{ui}</BoardProvider>);
  return { user: userEvent.setup(), store, actions, cycleBoards, start };
}

beforeEach(() => {
  resetBoardUi();
  window.history.replaceState(null, '', '/b/workshopBoard1');
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} })) as unknown as typeof window.matchMedia;
});

const THREE_BOARDS: CycleResponse['boards'] = [
  { boardId: 'workshopBoard1', title: 'Ward 7 retention', stage: 0, createdAt: 1 },
  { boardId: 'checkIn30Board', title: 'Ward 7 retention – 30-day check-in', stage: 30, createdAt: 2 },
];

describe('starting a check-in from the More menu', () => {
  it('asks first, saying what is carried over, then gives the new board’s participant link and join code, and opens it with the same token', async () => {
    const { user, start } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />);
    await user.click(screen.getByRole('button', { name: /^More/ }));
    await user.click(screen.getByRole('button', { name: 'Start the 30-day check-in…' }));
    const asking = screen.getByRole('dialog', { name: 'Start the 30-day check-in?' });
    expect(asking.textContent).toMatch(/every action with its owner, dates, steps and progress/);
    expect(asking.textContent).toMatch(/ratings agreed here as the baseline/);
    expect(asking.textContent).toMatch(/its own participant and viewer links and its own join code/);
    // Focus starts on the button that changes nothing (ConfirmDialog).
    expect(document.activeElement).toBe(within(asking).getByRole('button', { name: 'Not now' }));
    expect(start).not.toHaveBeenCalled();
    await user.click(within(asking).getByRole('button', { name: 'Start the 30-day check-in' }));
    expect(start).toHaveBeenCalledTimes(1);

    const started = await screen.findByRole('dialog', { name: 'The 30-day check-in has started' });
    expect((within(started).getByRole('textbox', { name: 'Participant link' }) as HTMLInputElement).value).toBe(checkIn.links.participant);
    expect(within(started).getByText('K7M2QX')).toBeTruthy();
    await user.click(within(started).getByRole('button', { name: 'Open the check-in' }));
    expect(window.location.pathname).toBe('/b/checkIn30Board');
    expect(window.location.hash).toBe(`#token=${TOKEN}`);
  });

  it('offers the next stage by the board’s own, and nothing after the 90-day check-in', async () => {
    const { user } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { stage: 60, history: [workshop] });
    await user.click(screen.getByRole('button', { name: /^More/ }));
    expect(screen.getByRole('button', { name: 'Start the 90-day check-in…' })).toBeTruthy();
  });

  it('has no check-in to start at 90 days, and none for a participant', () => {
    renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { stage: 90, history: [workshop] });
    // The menu holds nothing else on a board with no server to delete it, so it is not there at all.
    expect(screen.queryByRole('button', { name: /^More/ })).toBeNull();
    expect(document.body.textContent).not.toMatch(/Start the \d+-day check-in/);
  });

  it('has none for a participant', () => {
    renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { identity: { role: 'participant' } });
    expect(document.body.textContent).not.toMatch(/Start the \d+-day check-in/);
  });

  it('offers to open the check-in the server says was started already', async () => {
    const { user } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, {
      startCheckIn: async () => {
        throw new CheckInConflictError('The 30-day check-in has already been started.', 'checkIn30Board');
      },
    });
    await user.click(screen.getByRole('button', { name: /^More/ }));
    await user.click(screen.getByRole('button', { name: 'Start the 30-day check-in…' }));
    await user.click(screen.getByRole('button', { name: 'Start the 30-day check-in' }));
    const exists = await screen.findByRole('dialog', { name: 'The 30-day check-in has already been started' });
    await user.click(within(exists).getByRole('button', { name: 'Open it' }));
    expect(window.location.pathname).toBe('/b/checkIn30Board');
  });

  it('says why when the check-in could not start, and keeps the question open', async () => {
    const { user } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, {
      startCheckIn: async () => {
        throw new Error('Cannot reach the server. Check your connection and try again.');
      },
    });
    await user.click(screen.getByRole('button', { name: /^More/ }));
    await user.click(screen.getByRole('button', { name: 'Start the 30-day check-in…' }));
    await user.click(screen.getByRole('button', { name: 'Start the 30-day check-in' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toBe('Not started: Cannot reach the server. Check your connection and try again.');
    // Cancel puts focus back on the menu's button.
    await user.click(screen.getByRole('button', { name: 'Not now' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^More/ }));
  });
});

describe('finding the cycle', () => {
  it('offers "What changed" only on a board of a cycle', async () => {
    renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { identity: { role: 'participant' } });
    expect(screen.queryByRole('button', { name: 'What changed' })).toBeNull();
  });

  it('offers it on a workshop the facilitator started a check-in from, as the server lists the cycle', async () => {
    const { cycleBoards } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { boards: THREE_BOARDS });
    expect(await screen.findByRole('button', { name: 'What changed' })).toBeTruthy();
    expect(cycleBoards).toHaveBeenCalledTimes(1);
  });

  it('offers it to everyone on a check-in, and switches to it', async () => {
    const { user } = renderWith(<ExerciseScreen title="Ward 7 retention" joinCode={null} />, { stage: 30, history: [workshop], identity: { role: 'participant' } });
    await user.click(screen.getByRole('button', { name: 'What changed' }));
    expect(boardUiStore.getState().activity).toBe('cycle');
    expect(await screen.findByRole('heading', { level: 2, name: 'What changed' })).toBeTruthy();
  });

  it('lists the cycle’s boards in order for the facilitator, each a link with their token, this one marked', async () => {
    window.history.replaceState(null, '', '/b/checkIn30Board');
    renderWith(<CycleView />, { stage: 30, history: [workshop], boards: THREE_BOARDS });
    const boards = screen.getByRole('region', { name: 'The boards of this cycle' });
    const items = await within(boards).findAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['Workshop Ward 7 retention', '30-day check-in Ward 7 retention – 30-day check-in (this board)']);
    expect(within(items[0]!).getByRole('link', { name: 'Ward 7 retention' }).getAttribute('href')).toBe(`/b/workshopBoard1#token=${TOKEN}`);
    expect(within(items[1]!).queryByRole('link')).toBeNull();
    expect(items[1]!.querySelector('[aria-current="page"]')).toBeTruthy();
  });

  it('shows no list of boards to a participant, nor asks the server', async () => {
    const { cycleBoards } = renderWith(<CycleView />, { stage: 30, history: [workshop], identity: { role: 'participant' } });
    expect(screen.queryByRole('heading', { name: 'The boards of this cycle' })).toBeNull();
    expect(cycleBoards).not.toHaveBeenCalled();
  });
});

describe('what changed', () => {
  const current = {
    stage: 30 as const,
    history: [workshop],
    exercise: {
      agreedRatings: { [FLEXIBLE]: { rating: 'amber' as const, note: '', agreedAt: 1 } },
      actions: [action({ status: 'under-way' })],
      steps: { [ROTA]: [{ id: 's1', text: 'Ask the team', done: true, order: 0 }, { id: 's2', text: 'Try it for a month', done: false, order: 1 }] } as never,
    },
  };

  /** The 30-day check-in as the 60-day one carried it over: the rota action under way, with the note the 30-day check-in wrote. */
  const thirtyDay: CycleSnapshot = {
    stage: 30,
    title: 'Ward 7 retention – 30-day check-in',
    takenAt: 1_702_000_000_000,
    ratings: [{ topicId: FLEXIBLE, topic: 'Flexible working', rating: 'amber' }],
    actions: [{ actionId: ROTA, label: 'Self-rostering pilot', status: 'under-way', stepsDone: 1, stepsTotal: 2, note: 'Rota leads trained; HR still to agree' }],
  };
  const CAREERS = 'action-careers' as ActionId;

  it('runs a check-in as an agenda: each action with where it was before and its fields to review, the self-assessment again, then the comparison', async () => {
    const { user, actions } = renderWith(<CycleView />, {
      ...current,
      stage: 60,
      history: [workshop, thirtyDay],
      exercise: { ...current.exercise, actions: [action({ status: 'under-way' }), action({ id: CAREERS, topic: '', action: 'Career chats', owner: '', status: 'not-started' })] },
      identity: { role: 'participant' },
    });
    const agenda = screen.getByRole('region', { name: 'The check-in’s agenda' });
    const items = [...agenda.querySelector('ol')!.children] as HTMLElement[];
    expect(items.map((item) => within(item).getAllByRole('heading', { level: 4 })[0]!.textContent)).toEqual([
      '1. Self-rostering pilot',
      '2. Career chats',
      'Rate the topics again',
      'Compare with earlier',
      'Start the next check-in',
    ]);
    // What each action was at every earlier stage, with the note each check-in wrote.
    expect(within(items[0]!).getAllByRole('listitem').slice(0, 2).map((item) => item.textContent)).toEqual([
      'At the workshop: Not started, 0 of 2 steps done.',
      'At the 30-day check-in: Under way, 1 of 2 steps done.Check-in note: “Rota leads trained; HR still to agree”',
    ]);
    expect(within(items[1]!).getByText('New at this check-in: no earlier board had it.')).toBeTruthy();

    // Its fields are the plan's own editors, live.
    fireEvent.change(within(items[0]!).getByRole('textbox', { name: 'Check-in note of “Self-rostering pilot”' }), { target: { value: 'Pilot running on two wards' } });
    expect(actions.updateAction).toHaveBeenCalledWith(ROTA, { review: 'Pilot running on two wards' });
    await user.selectOptions(within(items[0]!).getByRole('combobox', { name: /^Progress\s*of “Self-rostering pilot”$/ }), 'done');
    expect(actions.updateAction).toHaveBeenCalledWith(ROTA, { status: 'done' });
    await user.click(within(items[0]!).getByRole('checkbox', { name: 'Done: Try it for a month' }));
    expect(actions.updateActionStep).toHaveBeenCalledWith(ROTA, 's2', { done: true });
    await user.type(within(items[1]!).getByRole('textbox', { name: 'New step for “Career chats”' }), 'Book the rooms{Enter}');
    expect(actions.addActionStep).toHaveBeenCalledWith(CAREERS, 'Book the rooms');
    fireEvent.change(within(items[1]!).getByRole('textbox', { name: 'Owner of “Career chats”' }), { target: { value: 'Practice educator' } });
    expect(actions.updateAction).toHaveBeenCalledWith(CAREERS, { owner: 'Practice educator' });
    await user.selectOptions(within(items[1]!).getByRole('combobox', { name: 'Kind of timescale' }), 'duration');
    expect(actions.updateAction).toHaveBeenCalledWith(CAREERS, { timescale: { kind: 'duration', amount: 3, unit: 'months' } });

    // The self-assessment again, with how far the group has got.
    expect(items[2]!.textContent).toMatch(/1 of 2 topics agreed so far\./);
    await user.click(within(items[2]!).getByRole('button', { name: 'Open the self-assessment' }));
    expect(boardUiStore.getState().activity).toBe('assessment');
    expect(within(items[3]!).getByRole('link', { name: 'What changed' }).getAttribute('href')).toBe('#what-changed');
    expect(document.getElementById('what-changed')?.textContent).toBe('The self-assessment at each stage');
    // Only the facilitator starts the next check-in.
    expect(within(items[4]!).queryByRole('button')).toBeNull();
    expect(items[4]!.textContent).toMatch(/The facilitator starts it from this board’s “More” menu\./);
  });

  it('lets a participant review progress and the note but not rewrite an agreed action’s owner or timescale', () => {
    renderWith(<CycleView />, { ...current, exercise: { ...current.exercise, session: { ...sessionSchema.parse({}), template: 'four-perspectives', actionsAgreed: true } }, identity: { role: 'participant' } });
    const agenda = screen.getByRole('region', { name: 'The check-in’s agenda' });
    expect((within(agenda).getByRole('textbox', { name: 'Owner of “Self-rostering pilot”' }) as HTMLTextAreaElement).readOnly).toBe(true);
    expect((within(agenda).getByRole('combobox', { name: 'Kind of timescale' }) as HTMLSelectElement).disabled).toBe(true);
    expect((within(agenda).getByRole('textbox', { name: 'Check-in note of “Self-rostering pilot”' }) as HTMLTextAreaElement).readOnly).toBe(false);
    expect((within(agenda).getByRole('combobox', { name: /^Progress/ }) as HTMLSelectElement).disabled).toBe(false);
    expect(within(agenda).queryByRole('textbox', { name: /New step/ })).toBeNull();
  });

  it('offers the facilitator the next check-in from a 30-day check-in, with the More menu’s own dialog', async () => {
    const { user, start } = renderWith(<CycleView />, current);
    const agenda = screen.getByRole('region', { name: 'The check-in’s agenda' });
    expect(within(agenda).getByRole('heading', { level: 4, name: 'Start the next check-in' })).toBeTruthy();
    expect(within(agenda).queryByRole('heading', { name: 'The team’s retention plan' })).toBeNull();
    const button = within(agenda).getByRole('button', { name: 'Start the 60-day check-in…' });
    await user.click(button);
    const asking = screen.getByRole('dialog', { name: 'Start the 60-day check-in?' });
    await user.click(within(asking).getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(start).not.toHaveBeenCalled();
  });

  it('ends the 90-day check-in with the retention plan to take away: the Word document and the Excel workbook', () => {
    renderWith(<CycleView />, { ...current, stage: 90, history: [workshop, thirtyDay], planLinks: true });
    const agenda = screen.getByRole('region', { name: 'The check-in’s agenda' });
    const item = within(agenda).getByRole('heading', { level: 4, name: 'The team’s retention plan' }).closest('li')!;
    expect(item.textContent).toMatch(/The cycle ends here\./);
    expect(within(item).getByRole('link', { name: 'Word document' }).getAttribute('href')).toBe('/api/boards/checkIn90Board/plan.docx?token=t');
    expect(within(item).getByRole('link', { name: 'Excel workbook' }).getAttribute('href')).toBe('/api/boards/checkIn90Board/plan.xlsx?token=t');
    expect(item.textContent).toMatch(/the self-assessment, and what changed across the cycle/);
    expect(within(agenda).queryByRole('heading', { name: 'Start the next check-in' })).toBeNull();
    expect(within(agenda).queryByRole('button', { name: /Start the/ })).toBeNull();
  });

  it('has no agenda on the workshop itself', () => {
    renderWith(<CycleView />, { identity: { role: 'participant' } });
    expect(screen.queryByRole('region', { name: 'The check-in’s agenda' })).toBeNull();
  });

  it('shows each topic’s rating at each stage in words, the count of each colour, and each action’s progress, this board last', () => {
    const { store } = renderWith(<CycleView />, { ...current, identity: { role: 'participant' } });
    const ratings = screen.getByRole('table', { name: 'The agreed rating of each topic' });
    const rows = () => within(ratings).getAllByRole('row').map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows()).toEqual([
      ['Topic', 'Workshop', '30-day check-in (now)'],
      ['Flexible working', 'Red', 'Amber'],
      ['Health and wellbeing at work', 'Amber', '–Not agreed'],
    ]);
    const counts = screen.getByRole('table', { name: 'How many topics were agreed each colour' });
    expect(within(counts).getAllByRole('row').map((row) => row.textContent)).toEqual(['ColourWorkshop30-day check-in (now)', 'Red10', 'Amber11', 'Green00']);
    const progress = screen.getByRole('table', { name: 'Where each action was up to at each stage' });
    expect(within(progress).getAllByRole('row')[1]!.textContent).toBe('Self-rostering pilotNot started, 0 of 2 steps doneUnder way, 1 of 2 steps done');

    // A check-in's note shows under its progress, this board's as it is typed.
    act(() => store.setState((state) => ({ exercise: { ...state.exercise, actions: [action({ status: 'under-way', review: 'Pilot agreed with HR' })] } })));
    expect(within(progress).getAllByRole('row')[1]!.textContent).toBe('Self-rostering pilotNot started, 0 of 2 steps doneUnder way, 1 of 2 steps doneCheck-in note: “Pilot agreed with HR”');

    // A rating agreed here shows at once, in the last column.
    act(() => store.setState((state) => ({ exercise: { ...state.exercise, agreedRatings: { ...state.exercise.agreedRatings, [WELLBEING]: { rating: 'green', note: '', agreedAt: 2 } } } })));
    expect(rows()[2]).toEqual(['Health and wellbeing at work', 'Amber', 'Green']);
    // The chart beside the tables is decorative: the tables say the same.
    expect(document.querySelector('.what-changed__chart img')?.getAttribute('alt')).toBe('');
  });

  it('draws the history large on the presenter view, with its words as the caption', () => {
    renderWith(<PresenterCycle />, { ...current, identity: { role: 'viewer', canEdit: false } });
    const figure = screen.getByRole('figure');
    expect(figure.textContent).toMatch(/Topics agreed each colour: Workshop: 1 red, 1 amber, 0 green; 30-day check-in \(now\): 0 red, 1 amber, 0 green/);
    expect(figure.textContent).toMatch(/Flexible working: red \(Workshop\) and amber \(30-day check-in \(now\)\)/);
    expect(screen.getByRole('list', { name: 'Each action’s progress' }).textContent).toMatch(/Workshop: Not started, 0 of 2 steps done.*30-day check-in \(now\): Under way, 1 of 2 steps done/);
  });
});

describe('the cycle history chart', () => {
  it('draws a mark per topic and stage in its colour with its name, and a count bar per stage', () => {
    const data = {
      stages: [0, 30] as CycleStage[],
      topics: [{ topicId: 'a', topic: 'Flexible <working> & more', byStage: ['red' as const, 'green' as const] }, { topicId: 'b', topic: 'Wellbeing', byStage: [null, 'amber' as const] }],
      counts: [
        { stage: 0 as const, red: 1, amber: 0, green: 0 },
        { stage: 30 as const, red: 0, amber: 1, green: 1 },
      ],
    };
    const svg = cycleHistoryChart(data);
    expect(new DOMParser().parseFromString(svg, 'image/svg+xml').querySelector('parsererror')).toBeNull();
    expect(svg.match(/class="mark"/g)).toHaveLength(3);
    expect(svg).toContain('data-rating="red"');
    expect(svg).toContain('>Green</text>');
    expect(svg).toContain('Flexible &lt;working&gt; &amp; more');
    expect(svg.match(/class="count"/g)).toHaveLength(3);
    expect(describeCycleHistory(data)).toBe(
      'The self-assessment at each stage of the cycle. Topics agreed each colour: Workshop: 1 red, 0 amber, 0 green; 30-day check-in (now): 0 red, 1 amber, 1 green. Each topic: Flexible <working> & more: red (Workshop) and green (30-day check-in (now)); Wellbeing: not agreed (Workshop) and amber (30-day check-in (now)).',
    );
  });
});

