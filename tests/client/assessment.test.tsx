import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AssessmentView } from '../../client/screens/assessment/AssessmentView';
import { ExerciseScreen } from '../../client/screens/exercise/ExerciseScreen';
import { PresenterAssessment } from '../../client/screens/presenter/PresenterAssessment';
import { boardUiStore, resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardIdentity, BoardSession, ExerciseActions, ExerciseState } from '../../client/sync/types';
import { DEFAULT_PERSPECTIVES, sessionSchema, type Session } from '../../shared/schema/exercise';
import type { TopicId } from '../../shared/schema/ids';
import type { AssessmentTopic } from '../../shared/schema/assessment';

/*
 * The self-assessment's screens over a plain store and spied actions, as
 * tests/client/exercise.test.tsx renders the exercise: no Yjs, no server.
 */

const FLEXIBLE = 'topic-flexible' as TopicId;
const WELLBEING = 'topic-wellbeing' as TopicId;
const REWARD = 'topic-reward' as TopicId;
const topics: AssessmentTopic[] = [
  { id: FLEXIBLE, title: 'Flexible working', order: 0 },
  { id: WELLBEING, title: 'Health and wellbeing at work', order: 1 },
  { id: REWARD, title: 'Recognition and reward', order: 2 },
];

/** Everyone agrees on flexible working (red), splits red and green on wellbeing, and amber and green on reward. */
const revealedSpread: ExerciseState['assessmentSpread'] = {
  raters: 3,
  topics: {
    [FLEXIBLE]: { red: 3, amber: 0, green: 0, evidence: [{ text: 'No policy on the wards', authorName: 'Sam' }] },
    [WELLBEING]: { red: 1, amber: 0, green: 2, evidence: [] },
    [REWARD]: { red: 0, amber: 1, green: 2, evidence: [] },
  },
};

type Spied = { [K in keyof ExerciseActions]: ReturnType<typeof vi.fn<ExerciseActions[K]>> };

function renderWith(
  ui: React.ReactElement,
  { session = {}, exercise = {}, identity = {} }: { session?: Partial<Session>; exercise?: Partial<ExerciseState>; identity?: Partial<BoardIdentity> } = {},
) {
  const store = createBoardStore({
    boardTitle: 'Retention day',
    save: { kind: 'live', unsaved: 0 },
    exercise: emptyExerciseState({
      session: { ...sessionSchema.parse({}), template: 'four-perspectives', ...session },
      perspectives: DEFAULT_PERSPECTIVES.map((p, order) => ({ ...p, order })),
      assessmentTopics: topics,
      ...exercise,
    }),
  });
  const actions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, {
    get: (target, name: string) => (target[name] ??= vi.fn(() => (name === 'addTopic' ? 'topic-new' : null))),
  }) as unknown as Spied;
  const boardSession: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: actions, diagrams: {} as never },
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya', ...identity },
  };
  render(<BoardProvider session={boardSession}>{ui}</BoardProvider>);
  return { user: userEvent.setup(), store, actions };
}

const setExercise = (store: ReturnType<typeof createBoardStore>, change: Partial<ExerciseState>) =>
  act(() => store.setState((state) => ({ exercise: { ...state.exercise, ...change } })));

beforeEach(() => {
  resetBoardUi();
  // jsdom has no matchMedia; the presenter's self-scrolling list asks it about reduced motion (useAutoScroll.ts).
  window.matchMedia ??= ((query: string) => ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} })) as unknown as typeof window.matchMedia;
});

describe('the self-assessment, before the reveal', () => {
  it('is an activity of the exercise screen', async () => {
    const { user } = renderWith(<ExerciseScreen title="Retention day" joinCode={null} />);
    await user.click(screen.getByRole('button', { name: 'Self-assessment' }));
    expect(boardUiStore.getState().activity).toBe('assessment');
    // Its own chunk, loaded on first use (ActivitySwitch.tsx).
    expect(await screen.findByRole('heading', { level: 2, name: 'Self-assessment' })).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: 'Flexible working' })).toBeTruthy();
  });

  it('lets a person rate each topic with one tap, in words as well as colour, and says how many they have rated', async () => {
    const { user, actions, store } = renderWith(<AssessmentView />, { exercise: { myRatings: { [FLEXIBLE]: { rating: 'red', evidence: '' } } } });
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('You have rated 1 of 3 topics.');
    expect(screen.getByText(/Nobody sees anyone’s rating until the facilitator reveals them/)).toBeTruthy();
    const wellbeing = screen.getByRole('radiogroup', { name: /Health and wellbeing at work/ });
    const options = within(wellbeing).getAllByRole('radio');
    // Each colour is named in words, never by colour alone.
    expect(options.map((option) => option.getAttribute('aria-label'))).toEqual([expect.stringMatching(/^Red/), expect.stringMatching(/^Amber/), expect.stringMatching(/^Green/)]);
    expect((within(screen.getByRole('radiogroup', { name: /Flexible working/ })).getByRole('radio', { name: /^Red/ }) as HTMLInputElement).checked).toBe(true);
    await user.click(within(wellbeing).getByRole('radio', { name: /^Amber/ }));
    expect(actions.rate).toHaveBeenCalledWith(WELLBEING, 'amber');
    await user.type(screen.getByRole('textbox', { name: /Evidence \(optional\)\s*for “Recognition and reward”/ }), 'Hi');
    expect(actions.setEvidence).toHaveBeenLastCalledWith(REWARD, 'Hi');
    setExercise(store, { myRatings: { [FLEXIBLE]: { rating: 'red', evidence: '' }, [WELLBEING]: { rating: 'amber', evidence: '' } } });
    expect(screen.getByText('You have rated 2 of 3 topics.')).toBeTruthy();
    // A participant reveals nothing and edits no topic.
    expect(screen.queryByRole('button', { name: 'Reveal the ratings' })).toBeNull();
    expect(screen.queryByText('Edit the topics')).toBeNull();
  });

  it('gives the facilitator the count of people who have rated, the reveal, and a folded topic editor', async () => {
    const { user, actions } = renderWith(<AssessmentView />, { exercise: { raters: 2 }, identity: { role: 'facilitator' } });
    expect(screen.getByText('2 people have rated so far.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Reveal the ratings' }));
    expect(actions.revealAssessment).toHaveBeenCalledWith(true);

    const editor = screen.getByText('Edit the topics').closest('details')!;
    expect(editor.open).toBe(false);
    await user.click(screen.getByText('Edit the topics'));
    expect(editor.open).toBe(true);
    await user.type(within(editor).getByRole('textbox', { name: 'A new topic' }), 'Safe staffing{Enter}');
    expect(actions.addTopic).toHaveBeenCalledWith('Safe staffing');
    await user.click(within(editor).getByRole('button', { name: /^Move down\s*“Flexible working”$/ }));
    expect(actions.moveTopic).toHaveBeenCalledWith(FLEXIBLE, 1);
    // A move puts focus back on its button in the next frame (TopicEditor's `move`). Let that frame pass
    // (frames run in the order asked for), or on a busy machine it lands in the middle of the typing below.
    await act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
    // The first topic cannot go up: the button says so rather than vanishing.
    await user.click(within(editor).getByRole('button', { name: /^Move up\s*“Flexible working”$/ }));
    expect(actions.moveTopic).toHaveBeenCalledTimes(1);
    const title = within(editor).getByRole('textbox', { name: 'Topic 3' });
    await user.clear(title);
    await user.type(title, 'Thanks and reward{Enter}');
    expect(actions.renameTopic).toHaveBeenCalledWith(REWARD, 'Thanks and reward');
    await user.click(within(editor).getByRole('button', { name: /^Delete\s*“Health and wellbeing at work”$/ }));
    await user.click(screen.getByRole('button', { name: 'Delete the topic' }));
    expect(actions.deleteTopic).toHaveBeenCalledWith(WELLBEING);
  });
});

describe('the self-assessment, revealed', () => {
  it('shows each topic’s spread with the most disagreement first, with the evidence and its author', () => {
    renderWith(<AssessmentView />, { session: { assessmentRevealed: true }, exercise: { assessmentSpread: revealedSpread } });
    const list = screen.getByRole('heading', { name: 'Everyone’s ratings' }).closest('section')!;
    const titles = within(list).getAllByRole('heading', { level: 4 }).map((heading) => heading.textContent);
    expect(titles).toEqual(['Health and wellbeing at work', 'Recognition and reward', 'Flexible working']);
    expect(within(list).getByText('1 red, 0 amber, 2 green')).toBeTruthy();
    expect(within(list).getByRole('list', { name: 'Evidence for “Flexible working”' }).textContent).toBe('No policy on the wards – Sam');
    expect(screen.getByText(/3 people have rated/)).toBeTruthy();
    // Nobody rates once the ratings are out.
    expect(screen.queryByRole('radiogroup', { name: /Flexible working/ })).toBeNull();
  });

  it('shows no names on an anonymous board', () => {
    renderWith(<AssessmentView />, { session: { assessmentRevealed: true, anonymous: true }, exercise: { assessmentSpread: revealedSpread } });
    expect(screen.getByRole('list', { name: 'Evidence for “Flexible working”' }).textContent).toBe('No policy on the wards');
  });

  it('moves focus to the results when the ratings are revealed', () => {
    const { store } = renderWith(<AssessmentView />);
    act(() => store.setState((state) => ({ exercise: { ...state.exercise, session: { ...state.exercise.session, assessmentRevealed: true }, assessmentSpread: revealedSpread } })));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Everyone’s ratings' }));
  });

  it('lets the facilitator agree a rating with a note, which everyone then sees', async () => {
    const { user, actions, store } = renderWith(<AssessmentView />, { session: { assessmentRevealed: true }, exercise: { assessmentSpread: revealedSpread }, identity: { role: 'facilitator' } });
    expect(screen.getByRole('button', { name: 'Hide them again' })).toBeTruthy();
    await user.click(screen.getByText((_, element) => element?.tagName === 'SUMMARY' && element.textContent === 'Agree a rating for “Health and wellbeing at work”'));
    const group = screen.getByRole('radiogroup', { name: 'The rating the group agreed for “Health and wellbeing at work”' });
    await user.click(within(group).getByRole('radio', { name: /^Amber/ }));
    const form = group.closest('form')!;
    await user.type(within(form).getByRole('textbox', { name: /Note/ }), 'Good on some wards only');
    await user.click(within(form).getByRole('button', { name: 'Save the agreed rating' }));
    expect(actions.agree).toHaveBeenCalledWith(WELLBEING, 'amber', 'Good on some wards only');
    setExercise(store, { agreedRatings: { [WELLBEING]: { rating: 'amber', note: 'Good on some wards only', agreedAt: 1 } } });
    expect(screen.getByText(/^Agreed: Amber/).closest('p')!.textContent).toContain('Good on some wards only');
  });

  it('shows a participant the agreed rating, and no way to agree one', () => {
    renderWith(<AssessmentView />, {
      session: { assessmentRevealed: true },
      exercise: { assessmentSpread: revealedSpread, agreedRatings: { [FLEXIBLE]: { rating: 'red', note: 'Write a policy', agreedAt: 1 } } },
    });
    expect(screen.getByText(/^Agreed: Red/).closest('p')!.textContent).toContain('Write a policy');
    expect(screen.queryByText(/Agree a rating/)).toBeNull();
  });
});

describe('the self-assessment on the presenter view', () => {
  it('says only how many have rated before the reveal', () => {
    renderWith(<PresenterAssessment />, { exercise: { raters: 4, myRatings: {} }, identity: { role: 'viewer', canEdit: false, participantId: null, displayName: null } });
    expect(screen.getByText('4 people have rated')).toBeTruthy();
    expect(screen.queryByText(/\d red,/)).toBeNull();
  });

  it('shows the spread, most disagreement first, then the agreed ratings', () => {
    renderWith(<PresenterAssessment />, {
      session: { assessmentRevealed: true },
      exercise: { assessmentSpread: revealedSpread, agreedRatings: { [FLEXIBLE]: { rating: 'red', note: '', agreedAt: 1 } } },
      identity: { role: 'viewer', canEdit: false, participantId: null, displayName: null },
    });
    const rows = within(screen.getByRole('list', { name: 'Each topic’s ratings' })).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual([
      'Health and wellbeing at work1 red, 0 amber, 2 greenNot agreed yet',
      'Recognition and reward0 red, 1 amber, 2 greenNot agreed yet',
      'Flexible working3 red, 0 amber, 0 greenAgreed: Red',
    ]);
  });
});

describe('from ratings to work: starting themes', () => {
  const agreedRatings: ExerciseState['agreedRatings'] = {
    [FLEXIBLE]: { rating: 'amber', note: '', agreedAt: 1 },
    [WELLBEING]: { rating: 'red', note: '', agreedAt: 1 },
    [REWARD]: { rating: 'green', note: '', agreedAt: 1 },
  };

  it('offers the facilitator the topics agreed red or amber as themes, red first, leaving out those already a theme', async () => {
    const { user, actions, store } = renderWith(<ExerciseScreen title="Retention day" joinCode={null} />, {
      session: { phase: 'compare' },
      exercise: { agreedRatings },
      identity: { role: 'facilitator' },
    });
    const offer = screen.getByRole('region', { name: 'Topics the self-assessment says need work' });
    expect(within(offer).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Health and wellbeing at work (agreed Red) Add as a theme',
      'Flexible working (agreed Amber) Add as a theme',
    ]);
    await user.click(within(offer).getByRole('button', { name: 'Add “Health and wellbeing at work” as a theme' }));
    expect(actions.addTheme).toHaveBeenCalledWith('Health and wellbeing at work');
    setExercise(store, { themes: [{ id: 'theme-1' as never, title: '  flexible WORKING', createdAt: 1 }] });
    expect(within(offer).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Health and wellbeing at work (agreed Red) Add as a theme']);
  });

  it('offers nothing to a participant', () => {
    renderWith(<ExerciseScreen title="Retention day" joinCode={null} />, { session: { phase: 'compare' }, exercise: { agreedRatings } });
    expect(screen.queryByRole('region', { name: 'Topics the self-assessment says need work' })).toBeNull();
    expect(screen.queryByRole('button', { name: /as a theme$/ })).toBeNull();
  });
});
