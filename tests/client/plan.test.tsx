import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PlanView } from '../../client/screens/plan/PlanView';
import { resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardIdentity, BoardSession, ExerciseActions, ExerciseState } from '../../client/sync/types';
import { type Action, type ActionStep, sessionSchema, type Session } from '../../shared/schema/exercise';
import type { ActionId, ActionStepId, TopicId } from '../../shared/schema/ids';
import type { AgreedRating, AssessmentTopic } from '../../shared/schema/assessment';
import type { PlanImportResult } from '../../shared/schema/api';

function action(id: string, fields: Partial<Action> = {}): Action {
  return { id: id as ActionId, themeId: null, topic: '', action: '', owner: '', timescale: null, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1, ...fields };
}

function step(actionId: string, id: string, text: string, done = false): ActionStep {
  return { id: id as ActionStepId, actionId: actionId as ActionId, text, done, order: 1 };
}

/** The plan view over a plain store and spied actions: no Yjs, no server. */
function renderPlan(
  exercise: Partial<ExerciseState>,
  identity: Partial<BoardIdentity> = {},
  session: Partial<Session> = {},
  importPlan?: BoardSession['importPlan'],
) {
  const store = createBoardStore({
    boardTitle: 'Ward 7 check-in',
    exercise: emptyExerciseState({ session: { ...sessionSchema.parse({}), ...session }, ...exercise }),
  });
  const exerciseActions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, {
    get: (target, name: string) => (target[name] ??= vi.fn(() => null)),
  }) as unknown as { [K in keyof ExerciseActions]: ReturnType<typeof vi.fn<ExerciseActions[K]>> };
  const boardSession: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: exerciseActions, diagrams: {} as never },
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya', ...identity },
    planLink: (format) => `/api/boards/b1/plan.${format}?token=t`,
    importPlan,
  };
  render(
    <BoardProvider session={boardSession}>
      <PlanView />
    </BoardProvider>,
  );
  return { user: userEvent.setup(), store, actions: exerciseActions };
}

const rotas = action('a1', {
  topic: 'Predictable rotas',
  action: 'Publish rotas six weeks ahead',
  owner: 'Ward manager',
  timescale: { kind: 'date', date: '2027-03-31' },
  status: 'under-way',
  importedFrom: 'plan.xlsx (“Ward 7”)',
});
const careers = action('a2', { action: 'Career chats', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
const steps = { a1: [step('a1', 's1', 'Agree the rota calendar', true), step('a1', 's2', 'Train rota leads')] };

beforeEach(() => resetBoardUi());

describe('the action plan view', () => {
  it('shows the actions as a summary and a card each, with timescales as dates or durations, steps as a checklist, and progress', () => {
    renderPlan({ actions: [rotas, careers], steps });
    // The summary: each action's owner, timescale and progress at a glance.
    const table = screen.getByRole('table', { name: 'The plan at a glance' });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Action', 'Owner', 'Timescale', 'Progress']);
    expect(within(table).getAllByRole('row').slice(1).map((row) => row.textContent)).toEqual([
      '1. Publish rotas six weeks ahead' + 'Predictable rotas' + 'Ward manager' + 'By 31 March 2027' + 'Under way' + '1 of 2 steps done',
      '2. Career chats' + 'No owner yet' + 'Within 3 months' + 'Not started',
    ]);
    expect(screen.getByText('2 actions, not agreed yet; 0 done.')).toBeTruthy();
    // A card per action, its fields in the template's order, each labelled once.
    const cards = within(screen.getByRole('list', { name: 'Actions' })).getAllByRole('heading', { level: 3 });
    expect(cards.map((heading) => heading.textContent)).toEqual(['1. Publish rotas six weeks ahead', '2. Career chats']);
    const card = cards[0]!.closest('li')!;
    expect([...card.querySelectorAll('.action-fields > *')].map((field) => (field as HTMLElement).dataset.field)).toEqual([
      'topic', 'action', 'owner', 'timescale', 'steps', 'success',
    ]);
    expect(within(card).getAllByText(/^Timescales?$/)).toHaveLength(1);
    expect((screen.getByRole('textbox', { name: 'Owner of “Publish rotas six weeks ahead”' }) as HTMLTextAreaElement).value).toBe('Ward manager');
    expect((screen.getByLabelText('Finish by') as HTMLInputElement).value).toBe('2027-03-31');
    expect((screen.getByRole('spinbutton', { name: 'How many' }) as HTMLInputElement).value).toBe('3');
    expect((screen.getByRole('checkbox', { name: 'Done: Agree the rota calendar' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Done: Train rota leads' }) as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText(/1 of 2 done/)).toBeTruthy();
    expect((screen.getByRole('combobox', { name: /^Progress\s*of “Publish rotas six weeks ahead”$/ }) as HTMLSelectElement).value).toBe('under-way');
    expect(screen.getByText('Imported from plan.xlsx (“Ward 7”)')).toBeTruthy();
    // What is missing is said beside the action.
    expect(within(screen.getByRole('list', { name: 'Missing from “Career chats”' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'No owner: who makes sure it happens?',
      'No success criteria: how will you know it worked?',
    ]);
  });

  it('edits every column live: text, timescale, steps and progress', async () => {
    const { user, actions } = renderPlan({ actions: [rotas, careers], steps });
    fireEvent.change(screen.getByRole('textbox', { name: 'Owner of “Career chats”' }), { target: { value: 'HR Director' } });
    expect(actions.updateAction).toHaveBeenCalledWith('a2', { owner: 'HR Director' });
    fireEvent.change(screen.getByLabelText('Finish by'), { target: { value: '2027-06-30' } });
    expect(actions.updateAction).toHaveBeenCalledWith('a1', { timescale: { kind: 'date', date: '2027-06-30' } });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Unit' }), 'weeks');
    expect(actions.updateAction).toHaveBeenCalledWith('a2', { timescale: { kind: 'duration', amount: 3, unit: 'weeks' } });
    const kinds = screen.getAllByRole('combobox', { name: 'Kind of timescale' });
    await user.selectOptions(kinds[1]!, 'none');
    expect(actions.updateAction).toHaveBeenCalledWith('a2', { timescale: null });
    await user.click(screen.getByRole('checkbox', { name: 'Done: Train rota leads' }));
    expect(actions.updateActionStep).toHaveBeenCalledWith('a1', 's2', { done: true });
    await user.type(screen.getByRole('textbox', { name: 'New step for “Career chats”' }), 'Book the rooms{Enter}');
    expect(actions.addActionStep).toHaveBeenCalledWith('a2', 'Book the rooms');
    await user.click(screen.getByRole('button', { name: /^Remove\s*the step “Agree the rota calendar”$/ }));
    expect(actions.deleteActionStep).toHaveBeenCalledWith('a1', 's1');
    await user.selectOptions(screen.getByRole('combobox', { name: /^Progress\s*of “Career chats”$/ }), 'stuck');
    expect(actions.updateAction).toHaveBeenCalledWith('a2', { status: 'stuck' });
    await user.click(screen.getByRole('button', { name: 'Add an action' }));
    expect(actions.addAction).toHaveBeenCalledWith(null, '');
  });

  it('shares a step’s rewording as it is typed, and finishes it with Enter', () => {
    const { actions } = renderPlan({ actions: [rotas], steps });
    const stepInput = screen.getByRole('textbox', { name: 'Step 2 of “Publish rotas six weeks ahead”' });
    fireEvent.change(stepInput, { target: { value: 'Train the rota leads' } });
    expect(actions.updateActionStep).toHaveBeenCalledWith('a1', 's2', { text: 'Train the rota leads' });
    stepInput.focus();
    fireEvent.keyDown(stepInput, { key: 'Enter' });
    expect(document.activeElement).not.toBe(stepInput);
    expect(actions.deleteActionStep).not.toHaveBeenCalled();
  });

  it('wraps a long step in full but keeps it to one line, as the exports write steps one per line', () => {
    renderPlan({ actions: [rotas], steps });
    const stepInput = screen.getByRole('textbox', { name: 'Step 1 of “Publish rotas six weeks ahead”' });
    expect(stepInput.tagName).toBe('TEXTAREA');
    // fireEvent answers false when the event's default (here, a line break) was prevented.
    expect(fireEvent.keyDown(stepInput, { key: 'Enter', shiftKey: true })).toBe(false);
    expect(fireEvent.drop(stepInput, { dataTransfer: { getData: () => 'two\nlines' } })).toBe(false);
    expect(fireEvent.drop(stepInput, { dataTransfer: { getData: () => 'one line' } })).toBe(true);
  });

  it('shows a timescale written before as it was, until a date or a time is chosen', async () => {
    const { user, actions } = renderPlan({ actions: [action('a3', { action: 'Survey', timescale: { kind: 'text', text: 'End of Q2' } })] });
    expect(screen.getByText('“End of Q2”')).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Kind of timescale' }), 'duration');
    expect(actions.updateAction).toHaveBeenCalledWith('a3', { timescale: { kind: 'duration', amount: 3, unit: 'months' } });
  });

  it('lets participants tick steps and set progress once the actions are agreed, but not rewrite them', async () => {
    const { user, actions } = renderPlan({ actions: [rotas], steps }, {}, { actionsAgreed: true });
    expect((screen.getByRole('textbox', { name: 'Owner of “Publish rotas six weeks ahead”' }) as HTMLTextAreaElement).readOnly).toBe(true);
    expect(screen.queryByRole('textbox', { name: /New step/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add an action' })).toBeNull();
    await user.click(screen.getByRole('checkbox', { name: 'Done: Train rota leads' }));
    expect(actions.updateActionStep).toHaveBeenCalledWith('a1', 's2', { done: true });
    expect((screen.getByRole('combobox', { name: /^Progress/ }) as HTMLSelectElement).disabled).toBe(false);
  });

  it('lets a viewer read the plan and change nothing', () => {
    renderPlan({ actions: [rotas], steps }, { role: 'viewer', canEdit: false });
    expect((screen.getByRole('checkbox', { name: 'Done: Train rota leads' }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('combobox', { name: /^Progress/ }) as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByRole('combobox', { name: 'Kind of timescale' }) as HTMLSelectElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull();
    expect(screen.queryByLabelText('Import a plan')).toBeNull();
  });

  it('moves the calendar’s check-ins to the date the facilitator picks', () => {
    renderPlan({ actions: [rotas] });
    const calendar = () => screen.getByRole('link', { name: 'Check-ins (calendar)' }).getAttribute('href');
    expect(calendar()).toBe('/api/boards/b1/plan.ics?token=t');
    fireEvent.change(screen.getByLabelText('Count the check-ins from'), { target: { value: '2027-01-10' } });
    expect(calendar()).toBe('/api/boards/b1/plan.ics?token=t&start=2027-01-10');
    expect(screen.getByRole('link', { name: 'Spreadsheet (CSV)' }).getAttribute('href')).toBe('/api/boards/b1/plan.csv?token=t');
  });

  it('imports a plan for the facilitator, saying what it added or why it could not', async () => {
    const importPlan = vi.fn<(file: Blob, name: string) => Promise<PlanImportResult>>();
    const { user } = renderPlan({ actions: [] }, { role: 'facilitator' }, {}, importPlan);
    expect(screen.getByText(/No actions yet/)).toBeTruthy();
    const file = new File(['Action\r\nSurvey leavers\r\n'], 'ward-7.csv', { type: 'text/csv' });
    importPlan.mockResolvedValueOnce({ added: 1, skipped: 0, source: 'ward-7.csv' });
    await user.upload(screen.getByLabelText('Import a plan'), file);
    expect(importPlan).toHaveBeenCalledWith(file, 'ward-7.csv');
    expect(await screen.findByText('Added 1 action from ward-7.csv.')).toBeTruthy();
    importPlan.mockRejectedValueOnce(new Error('No “Action” or “Topic and objective” column in the first row.'));
    await user.upload(screen.getByLabelText('Import a plan'), file);
    expect((await screen.findByRole('alert')).textContent).toBe('Could not import ward-7.csv: No “Action” or “Topic and objective” column in the first row.');
    importPlan.mockResolvedValueOnce({ added: 0, skipped: 1, source: 'ward-7.csv' });
    await user.upload(screen.getByLabelText('Import a plan'), file);
    expect(await screen.findByText('Nothing added: the 1 action in ward-7.csv is already on the board.')).toBeTruthy();
  });

  it('offers no import to participants', () => {
    renderPlan({ actions: [] }, {}, {}, vi.fn());
    expect(screen.queryByLabelText('Import a plan')).toBeNull();
  });

  describe('from the self-assessment', () => {
    const assessmentTopics: AssessmentTopic[] = [
      { id: 't-culture' as TopicId, title: 'Organisational culture', order: 0 },
      { id: 't-flexible' as TopicId, title: 'Flexible working', order: 1 },
      { id: 't-reward' as TopicId, title: 'Recognition and reward', order: 2 },
      { id: 't-data' as TopicId, title: 'Knowing our workforce data', order: 3 },
    ];
    const agreed = (rating: AgreedRating['rating']): AgreedRating => ({ rating, note: '', agreedAt: 1 });
    const agreedRatings = { 't-culture': agreed('amber'), 't-flexible': agreed('amber'), 't-reward': agreed('green'), 't-data': agreed('red') };

    it('offers the topics agreed red, then amber, as the start of a new action', async () => {
      const { user, actions } = renderPlan({ actions: [], assessmentTopics, agreedRatings });
      const offer = screen.getByRole('region', { name: 'Start an action from a topic that needs work' });
      expect(within(offer).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
        'Knowing our workforce data (agreed Red) Add an action for “Knowing our workforce data”',
        'Organisational culture (agreed Amber) Add an action for “Organisational culture”',
        'Flexible working (agreed Amber) Add an action for “Flexible working”',
      ]);
      await user.click(screen.getByRole('button', { name: 'Add an action for “Flexible working”' }));
      expect(actions.addAction).toHaveBeenCalledWith(null, 'Flexible working');
    });

    it('asks the facilitator to reopen an agreed plan first, and offers nothing to who may not write the plan', async () => {
      const { user, actions } = renderPlan({ actions: [rotas, careers, action('a3')], assessmentTopics, agreedRatings }, { role: 'facilitator' }, { actionsAgreed: true });
      await user.click(screen.getByRole('button', { name: 'Add an action for “Flexible working”' }));
      expect(actions.addAction).not.toHaveBeenCalled();
      // Asked beside the topic's own button, with the focus on keeping the plan as agreed.
      const question = screen.getByRole('alertdialog', { name: 'The actions are agreed' });
      expect(question.closest('li')?.textContent).toContain('Flexible working (agreed Amber)');
      expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Keep the agreed plan' }));
      await user.click(screen.getByRole('button', { name: 'Reopen the agreement and add it' }));
      expect(actions.addAction).toHaveBeenCalledWith(null, 'Flexible working');
    });

    it('offers nothing to a participant once the actions are agreed, or when no topic needs work', () => {
      renderPlan({ actions: [rotas], assessmentTopics, agreedRatings }, {}, { actionsAgreed: true });
      expect(screen.queryByRole('region', { name: 'Start an action from a topic that needs work' })).toBeNull();
    });

    it('groups the cards by the topic each action serves, for this person only, keeping each card’s number', async () => {
      const { user, store } = renderPlan({
        actions: [
          action('a1', { topic: 'Flexible working', action: 'Self-rostering' }),
          action('a2', { topic: 'Predictable rotas', action: 'Publish rotas early' }),
          action('a3', { action: 'Career chats' }),
          action('a4', { topic: ' organisational CULTURE', action: 'Listening events' }),
          action('a5', { topic: 'predictable rotas ', action: 'Swap shifts online' }),
          action('a6', { topic: 'Knowing our workforce data', action: 'Exit interviews' }),
        ],
        assessmentTopics,
        agreedRatings: { 't-culture': agreed('amber'), 't-data': agreed('red') },
      });
      const toggle = screen.getByRole('button', { name: 'Group by topic' });
      expect(toggle.getAttribute('aria-pressed')).toBe('false');
      expect(screen.getByRole('list', { name: 'Actions' })).toBeTruthy();
      // A button: the keyboard presses it as a click does.
      toggle.focus();
      await user.keyboard('{Enter}');
      expect(toggle.getAttribute('aria-pressed')).toBe('true');
      // The grouping is a chunk of its own, loaded when first asked for.
      await screen.findByRole('heading', { level: 3, name: 'No topic yet' });
      expect(screen.queryByRole('list', { name: 'Actions' })).toBeNull();
      // Assessment topics in the board's order with the agreed colour in words, then other topics as written, then none.
      const groups = screen.getAllByRole('region').filter((region) => region.classList.contains('plan-group'));
      const shape = groups.map((group) => [
        within(group).getByRole('heading', { level: 3 }).textContent,
        ...within(group).getAllByRole('heading', { level: 4 }).map((heading) => heading.textContent),
      ]);
      expect(shape).toEqual([
        ['Organisational culture — agreed Amber', '4. Listening events'],
        ['Flexible working — not agreed yet', '1. Self-rostering'],
        ['Knowing our workforce data — agreed Red', '6. Exit interviews'],
        ['Predictable rotas', '2. Publish rotas early', '5. Swap shifts online'],
        ['No topic yet', '3. Career chats'],
      ]);
      expect(within(groups[0]!).getByRole('list', { name: 'Actions: Organisational culture — agreed Amber' })).toBeTruthy();
      // The summary stays in the plan's order.
      expect(within(screen.getByRole('table', { name: 'The plan at a glance' })).getAllByRole('row')[1]!.textContent).toMatch(/^1\. Self-rostering/);
      // Nothing is written to the board: the choice is this screen's.
      expect(store.getState().exercise.session).toEqual(sessionSchema.parse({}));
      await user.keyboard(' ');
      expect(toggle.getAttribute('aria-pressed')).toBe('false');
      expect(within(screen.getByRole('list', { name: 'Actions' })).getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual([
        '1. Self-rostering', '2. Publish rotas early', '3. Career chats', '4. Listening events', '5. Swap shifts online', '6. Exit interviews',
      ]);
    });

    it('offers no grouping when there are no actions', () => {
      renderPlan({ actions: [], assessmentTopics, agreedRatings });
      expect(screen.queryByRole('button', { name: 'Group by topic' })).toBeNull();
    });

    it('shows on each card the topic its action serves, with the colour agreed for it', () => {
      renderPlan({
        actions: [action('a1', { topic: '  flexible WORKING ', action: 'Self-rostering' }), action('a2', { topic: 'Something else', action: 'Other' })],
        assessmentTopics,
        agreedRatings,
      });
      const cards = within(screen.getByRole('list', { name: 'Actions' })).getAllByRole('heading', { level: 3 }).map((heading) => heading.closest('li')!);
      expect(within(cards[0]!).getByText('Serves: Flexible working — agreed Amber')).toBeTruthy();
      expect(within(cards[1]!).queryByText(/^Serves:/)).toBeNull();
    });
  });

  describe('on a check-in board', () => {
    const checkIn = { cycle: { stage: 30 as const, history: [] } };

    it('gives each card the check-in note, typed live, and the summary a column for it', () => {
      const { actions } = renderPlan({ ...checkIn, actions: [action('a1', { ...rotas, review: 'Calendar agreed with HR' }), careers], steps }, {}, { actionsAgreed: true });
      const table = screen.getByRole('table', { name: 'The plan at a glance' });
      expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Action', 'Owner', 'Timescale', 'Progress', 'Check-in note']);
      expect(within(table).getAllByRole('row')[1]!.lastElementChild!.textContent).toBe('Calendar agreed with HR');
      expect(within(table).getAllByRole('row')[2]!.lastElementChild!.textContent).toBe('No note yet');
      const note = screen.getByRole('textbox', { name: 'Check-in note of “Publish rotas six weeks ahead”' }) as HTMLTextAreaElement;
      expect(note.value).toBe('Calendar agreed with HR');
      // Progress, not the plan: a participant writes it once the actions are agreed, as they set progress.
      expect(note.readOnly).toBe(false);
      expect(screen.getAllByText('Check-in note', { selector: 'label' })).toHaveLength(2);
      fireEvent.change(screen.getByRole('textbox', { name: 'Check-in note of “Career chats”' }), { target: { value: 'First chats booked' } });
      expect(actions.updateAction).toHaveBeenCalledWith('a2', { review: 'First chats booked' });
    });

    it('lets a viewer read the note but not write it', () => {
      renderPlan({ ...checkIn, actions: [rotas] }, { role: 'viewer', canEdit: false });
      expect((screen.getByRole('textbox', { name: 'Check-in note of “Publish rotas six weeks ahead”' }) as HTMLTextAreaElement).readOnly).toBe(true);
    });

    it('has no check-in note on a workshop board', () => {
      renderPlan({ actions: [rotas] });
      expect(screen.queryByRole('textbox', { name: /^Check-in note/ })).toBeNull();
      expect(within(screen.getByRole('table', { name: 'The plan at a glance' })).queryByRole('columnheader', { name: 'Check-in note' })).toBeNull();
    });
  });
});
