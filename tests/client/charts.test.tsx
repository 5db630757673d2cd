import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Chart } from '../../client/components/Chart';
import { ComparePhase } from '../../client/screens/exercise/ComparePhase';
import { VotePhase } from '../../client/screens/exercise/VotePhase';
import { WritePhase } from '../../client/screens/exercise/WritePhase';
import { PlanView } from '../../client/screens/plan/PlanView';
import { resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardIdentity, BoardSession, DiagramActions, DiagramState, ExerciseActions, ExerciseState } from '../../client/sync/types';
import { type Action, type ActionStep, DEFAULT_PERSPECTIVES, sessionSchema, type Session } from '../../shared/schema/exercise';
import type { ActionId, ActionStepId, NoteId, ParticipantId, PerspectiveId, ThemeId } from '../../shared/schema/ids';
import type { Note } from '../../shared/schema/records';
import * as charts from '../../shared/charts';

// The real chart functions, counted, so a test can see when a chart is drawn again.
vi.mock('../../shared/charts', async (importOriginal) => {
  const real = await importOriginal<typeof charts>();
  return { ...real, planProgressChart: vi.fn(real.planProgressChart), voteResultsChart: vi.fn(real.voteResultsChart) };
});

const lanes = DEFAULT_PERSPECTIVES.map((p, order) => ({ ...p, order }));
const laneName = (id: string) => lanes.find((lane) => lane.id === id)!.name;

function note(id: string, text: string, lane: string, themeId: string | null = null): Note {
  return {
    id: id as NoteId, text, x: 0, y: 0, colour: 'yellow', authorId: 'p-sam' as ParticipantId, authorName: 'Sam',
    perspectiveId: lane as PerspectiveId, themeId: themeId as ThemeId | null, createdAt: 1, updatedAt: 1,
  };
}

function action(id: string, fields: Partial<Action> = {}): Action {
  return { id: id as ActionId, themeId: null, topic: '', action: '', owner: '', timescale: null, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1, ...fields };
}

function step(actionId: string, id: string, text: string, done = false): ActionStep {
  return { id: id as ActionStepId, actionId: actionId as ActionId, text, done, order: 1 };
}

/** One screen over a plain store and spied actions: no Yjs, no server (as tests/client/exercise.test.tsx does). */
function renderScreen(
  screenElement: React.ReactElement,
  { session = {}, exercise = {}, identity = {}, notes = [], diagrams = { diagrams: [], nodes: [] } }: { session?: Partial<Session>; exercise?: Partial<ExerciseState>; identity?: Partial<BoardIdentity>; notes?: Note[]; diagrams?: DiagramState } = {},
) {
  const store = createBoardStore({
    diagrams,
    boardTitle: 'Board away day',
    notes,
    exercise: emptyExerciseState({ session: { ...sessionSchema.parse({}), template: 'four-perspectives', ...session }, perspectives: lanes, ...exercise }),
  });
  const spies = <T,>() => new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, { get: (target, name: string) => (target[name] ??= vi.fn(() => null)) }) as unknown as { [K in keyof T]: ReturnType<typeof vi.fn> };
  const exerciseActions = spies<ExerciseActions>();
  const diagramActions = spies<DiagramActions>();
  const boardSession: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: exerciseActions as never, diagrams: diagramActions as never },
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya', ...identity },
    planLink: (format) => `/api/boards/b1/plan.${format}?token=t`,
  };
  const view = render(<BoardProvider session={boardSession}>{screenElement}</BoardProvider>);
  return { user: userEvent.setup(), store, view, diagramActions };
}

/** The chart images on the page: decorative, so found by their class, not their role. */
function chartImages(): HTMLImageElement[] {
  return [...document.querySelectorAll<HTMLImageElement>('img.chart__image')];
}

/** The SVG a chart image shows, decoded from its data: address. */
function svgOf(image: HTMLImageElement): string {
  const src = image.getAttribute('src')!;
  const prefix = 'data:image/svg+xml;charset=utf-8,';
  expect(src.startsWith(prefix)).toBe(true);
  return decodeURIComponent(src.slice(prefix.length));
}

const themes = [
  { id: 't1' as ThemeId, title: 'Time with managers', createdAt: 1 },
  { id: 't2' as ThemeId, title: 'Career paths', createdAt: 2 },
  { id: 't3' as ThemeId, title: 'Nothing here yet', createdAt: 3 },
];

beforeEach(() => {
  resetBoardUi();
  vi.mocked(charts.planProgressChart).mockClear();
  vi.mocked(charts.voteResultsChart).mockClear();
});

describe('charts on the ordinary screens', () => {
  it('show the closed vote as a bar chart above the ranked list, which stays the text screen readers read', () => {
    renderScreen(<VotePhase />, {
      session: { phase: 'vote', votingClosed: true },
      exercise: { themes: themes.slice(0, 2), voteTally: { items: { t1: { dots: 6, voters: 3 }, t2: { dots: 1, voters: 1 } }, voters: 3 } },
    });
    const [image, ...others] = chartImages();
    expect(others).toEqual([]);
    // Decorative: the list beside it says the same, so screen readers do not hear it twice.
    expect(image!.getAttribute('alt')).toBe('');
    expect(screen.queryAllByRole('img')).toEqual([]);
    expect(screen.queryByRole('figure')).toBeNull();
    const svg = svgOf(image!);
    expect(svg).toContain('Time with managers');
    expect(svg).toContain('6 dots');
    expect(svg).toContain('Career paths');
    expect(svg).toContain('1 dot<');
    expect(svg).toContain('<title>Vote results</title>');
    // The text stays, in full.
    const results = within(screen.getByRole('heading', { name: 'Results' }).parentElement!).getAllByRole('listitem');
    expect(results.map((item) => item.textContent)).toEqual([expect.stringContaining('6 dots from 3 people'), expect.stringContaining('1 dot from 1 person')]);
    // The chart comes before the list, under the heading.
    expect(image!.compareDocumentPosition(results[0]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('show no chart while votes are hidden', () => {
    renderScreen(<VotePhase />, { session: { phase: 'vote', votingClosed: false }, exercise: { themes } });
    expect(chartImages()).toEqual([]);
    expect(charts.voteResultsChart).not.toHaveBeenCalled();
  });

  it('show the comparison as a matrix of themes × perspectives, say the counts in words, and offer every theme and note to the driver diagram', async () => {
    const notes = [
      note('n1', 'Protected time for one-to-ones', 'managers', 't1'),
      note('n2', 'Managers who know my name', 'staff', 't1'),
      note('n3', 'A manager I can reach', 'staff', 't1'),
      note('n4', 'Career paths we can see', 'staff', 't2'),
    ];
    const { user, diagramActions } = renderScreen(<ComparePhase />, {
      session: { phase: 'compare' },
      exercise: { themes },
      notes,
      diagrams: { diagrams: [{ id: 'd1' as never, title: 'D', aim: '', aimMeasure: '', aimMeasureKind: null, aimTargetDate: '', createdAt: 1 }], nodes: [] },
    });
    expect(chartImages()).toEqual([]); // the grouping view has none
    await user.click(screen.getByRole('button', { name: 'Compare the perspectives' }));
    const [image] = chartImages();
    expect(image!.getAttribute('alt')).toBe('');
    const svg = svgOf(image!);
    for (const lane of lanes) expect(svg).toContain(lane.name);
    expect(svg).toContain('Time with managers');
    expect(svg).toContain('Career paths');
    expect(svg).toContain('data-kind="similarity"');
    expect(svg).toContain('data-kind="difference"');
    expect(svg).toMatch(/data-count="2"/); // Staff's two notes on "Time with managers"
    // A theme with no notes is in neither list, so not in the chart either: picture and words agree.
    expect(svg).not.toContain('Nothing here yet');
    // The words give the same counts.
    expect(screen.getByText(`Raised by: ${laneName('managers')} (1 note), ${laneName('staff')} (2 notes)`)).toBeTruthy();
    expect(screen.getByText(`Only: ${laneName('staff')} (1 note)`)).toBeTruthy();

    // "Add to the driver diagram" on a theme and on a note of the comparison.
    diagramActions.promote!.mockReturnValueOnce({ nodeId: 'x1' as never, level: 'primary', already: false, parentText: null });
    await user.click(screen.getByRole('button', { name: /^Add to the driver diagram:\s*Time with managers$/ }));
    expect(diagramActions.promote).toHaveBeenLastCalledWith('d1', { kind: 'theme', id: 't1' });
    expect(screen.getByText('Added “Time with managers” to the driver diagram as a primary driver.').closest('[role=status]')).toBeTruthy();
    diagramActions.promote!.mockReturnValueOnce({ nodeId: 'x2' as never, level: 'change', already: false, parentText: '' });
    await user.click(screen.getByRole('button', { name: /^Add to the driver diagram:\s*Career paths we can see$/ }));
    expect(diagramActions.promote).toHaveBeenLastCalledWith('d1', { kind: 'note', id: 'n4' });
    expect(screen.getByText('Added “Career paths we can see” to the driver diagram as a change idea, under a driver still to be named.')).toBeTruthy();
    // One button for each theme and note shown.
    expect(screen.getAllByRole('button', { name: /^Add to the driver diagram/ })).toHaveLength(2 + 4);
  });

  it('offer nothing to change in the comparison to a viewer, and still show the chart', async () => {
    const { user } = renderScreen(<ComparePhase />, {
      session: { phase: 'compare' },
      exercise: { themes },
      notes: [note('n1', 'Protected time', 'managers', 't1')],
      identity: { role: 'viewer', canEdit: false, participantId: null },
    });
    await user.click(screen.getByRole('button', { name: 'Compare the perspectives' }));
    expect(chartImages()).toHaveLength(1);
    expect(screen.queryAllByRole('button', { name: /^Add to the driver diagram/ })).toEqual([]);
  });

  it('show the plan’s progress as a chart above the summary, drawn again only when what it shows changes', () => {
    const rotas = action('a1', { topic: 'Predictable rotas', action: 'Publish rotas six weeks ahead', status: 'under-way' });
    const careers = action('a2', { topic: 'Career chats', status: 'done' });
    const steps = { a1: [step('a1', 's1', 'Agree the rota calendar', true), step('a1', 's2', 'Train rota leads')] };
    const { store } = renderScreen(<PlanView />, { exercise: { actions: [rotas, careers], steps } });
    const [image] = chartImages();
    expect(image!.getAttribute('alt')).toBe('');
    const svg = svgOf(image!);
    expect(svg).toContain('Publish rotas six weeks ahead');
    expect(svg).toContain('Career chats'); // an action with no Action text is named by its topic
    expect(svg).toContain('Under way: 1');
    expect(svg).toContain('Done: 1');
    expect(svg).toContain('1 of 2 steps');
    // The summary stays, and comes after the chart.
    const table = screen.getByRole('table', { name: 'The plan at a glance' });
    expect(table.textContent).toContain('1 of 2 steps done');
    expect(image!.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(charts.planProgressChart).toHaveBeenCalledTimes(1);

    // Typing an owner changes the action, not what the chart shows: no redraw.
    const update = (changes: Partial<Action>) =>
      act(() => store.setState((state) => ({ exercise: { ...state.exercise, actions: state.exercise.actions.map((a) => (a.id === 'a1' ? { ...a, ...changes } : a)) } })));
    update({ owner: 'Ward manager' });
    expect(screen.getByRole('table', { name: 'The plan at a glance' }).textContent).toContain('Ward manager'); // the screen did follow
    expect(charts.planProgressChart).toHaveBeenCalledTimes(1);
    // A change of progress is drawn.
    update({ status: 'stuck' });
    expect(charts.planProgressChart).toHaveBeenCalledTimes(2);
    expect(svgOf(chartImages()[0]!)).toContain('Stuck: 1');
  });

  it('show no progress chart on a plan with no actions', () => {
    renderScreen(<PlanView />, { exercise: { actions: [] } });
    expect(chartImages()).toEqual([]);
  });
});

describe('the lanes', () => {
  it('name each lane once: the heading, then only the count under it, with the lane’s name kept for screen readers', () => {
    renderScreen(<WritePhase />, {
      session: { phase: 'write' },
      exercise: { members: { 'p-priya': { participantId: 'p-priya' as ParticipantId, perspectiveId: 'staff' as PerspectiveId, ready: false } }, draftCounts: { managers: 7 } },
    });
    const lane = screen.getByRole('region', { name: laneName('managers') });
    const count = lane.querySelector('.lane__count')!;
    // What shows: the count alone (the name is in a visually hidden span, for the live update heard away from the heading).
    const shown = [...count.childNodes].filter((node) => !(node instanceof HTMLElement && node.classList.contains('visually-hidden')));
    expect(shown.map((node) => node.textContent).join('').trim()).toBe('7 notes');
    expect(count.textContent).toBe(`${laneName('managers')}: 7 notes`);
    expect(count.getAttribute('aria-live')).toBe('polite');
    expect(count.getAttribute('aria-atomic')).toBe('true');
    // The writing field, in the writer's lane under its heading, shows "Your note"; its name still says which lane.
    const field = screen.getByRole('textbox', { name: `Your note for “${laneName('staff')}”` });
    expect(field.closest('section')!.querySelector('label')!.firstChild!.textContent!.trim()).toBe('Your note');
  });
});

describe('the Chart component', () => {
  it('is a decorative picture with its words as a hidden caption, where no text beside it says the same (the presenter view)', () => {
    render(<Chart svg={'<svg xmlns="http://www.w3.org/2000/svg"><text>Pay</text></svg>'} description="Vote results: Pay, 3 dots." className="presenter-chart" imageClassName="presenter-chart__image" />);
    const figure = screen.getByRole('figure');
    expect(figure.className).toBe('chart presenter-chart');
    expect(within(figure).getByText('Vote results: Pay, 3 dots.').className).toBe('visually-hidden');
    const image = figure.querySelector('img')!;
    expect(image.getAttribute('alt')).toBe('');
    expect(image.className).toBe('chart__image presenter-chart__image');
    expect(svgOf(image)).toContain('<text>Pay</text>');
  });
});
