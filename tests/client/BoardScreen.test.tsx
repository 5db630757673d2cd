import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BoardScreen } from '../../client/screens/board/BoardScreen';
import { resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardActions, BoardIdentity, DiagramActions, ExerciseActions, BoardPoint, BoardSession, BoardState } from '../../client/sync/types';
import type { NoteId, ParticipantId } from '../../shared/schema/ids';
import type { Note } from '../../shared/schema/records';

/** Priya, the person the board is rendered for unless a test says otherwise. */
const PRIYA = { authorId: 'p-priya' as ParticipantId, authorName: 'Priya' };

function makeNote(id: string, text: string, position: BoardPoint = { x: 100, y: 100 }, author = { authorId: 'p-sam' as ParticipantId, authorName: 'Sam' }): Note {
  return {
    id: id as NoteId,
    text,
    ...position,
    colour: 'blue',
    ...author,
    perspectiveId: null,
    themeId: null,
    createdAt: 1,
    updatedAt: 1,
  };
}

/** A board session with no Yjs behind it: a store to set and actions to spy on. */
function renderBoard(identity: Partial<BoardIdentity> = {}, state: Partial<BoardState> = {}, joinCode: string | null = null) {
  const store = createBoardStore({
    save: { kind: 'live', unsaved: 0 },
    notes: [makeNote('n1', 'Flexible working')],
    people: [{ participantId: 'p-priya', name: 'Priya', colour: '#005eb8', role: 'participant', isSelf: true }],
    ...state,
  });
  const actions: { [K in Exclude<keyof BoardActions, 'exercise' | 'diagrams'>]: ReturnType<typeof vi.fn<BoardActions[K]>> } = {
    addNote: vi.fn<BoardActions['addNote']>((position) => {
      store.setState({ notes: [...store.getState().notes, makeNote('added', '', position, PRIYA)] });
      return 'added' as NoteId;
    }),
    updateNote: vi.fn(),
    moveNote: vi.fn(),
    deleteNote: vi.fn(),
    undo: vi.fn(),
    redo: vi.fn(),
    setCursor: vi.fn(),
  };
  const session: BoardSession = {
    store,
    // The free board uses none of the exercise's actions.
    actions: { ...actions, exercise: {} as ExerciseActions, diagrams: {} as DiagramActions },
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya', ...identity },
  };
  render(
    <BoardProvider session={session}>
      <BoardScreen title="Retention workshop" joinCode={joinCode} />
    </BoardProvider>,
  );
  return { user: userEvent.setup(), store, actions };
}

/** The save-status banner (dnd-kit adds a status region of its own for drag announcements). */
const statusBanner = () => screen.getAllByRole('status').find((element) => element.classList.contains('status-banner'))!;

beforeEach(() => resetBoardUi());

describe('the board screen', () => {
  it('shows the title, your role, the save status and who is here', () => {
    renderBoard();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Retention workshop');
    expect(screen.getByText('Participant – Priya')).toBeTruthy();
    expect(statusBanner().textContent).toContain('Live – all changes saved');
    expect(within(screen.getByRole('region', { name: 'People (1)' })).getByText('(you)')).toBeTruthy();
    expect(document.title).toBe('Retention workshop – Retain');
  });

  it('offers a skip link that takes keyboard users straight to the board', async () => {
    const { user } = renderBoard();
    await user.click(screen.getByRole('link', { name: 'Skip to the board' }));
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Board' }));
  });

  it('adds a note in view and opens it for typing', async () => {
    const { user, actions } = renderBoard();
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    expect(actions.addNote).toHaveBeenCalledTimes(1);
    const editor = screen.getByRole('textbox', { name: 'Note text' });
    expect(document.activeElement).toBe(editor);
    await user.type(editor, 'Career conversations{Enter}');
    expect(actions.updateNote).toHaveBeenCalledWith('added', { text: 'Career conversations' });
  });

  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z or Ctrl+Y, but leaves a text field its own undo', async () => {
    const { user, actions } = renderBoard({}, { canUndo: true, canRedo: true, notes: [makeNote('n1', 'Flexible working', undefined, PRIYA)] });
    await user.keyboard('{Control>}z{/Control}');
    expect(actions.undo).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('Undone.')).toBeTruthy();
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await user.keyboard('{Control>}y{/Control}');
    expect(actions.redo).toHaveBeenCalledTimes(2);

    await user.click(screen.getByText('Flexible working'));
    await user.keyboard('{Control>}z{/Control}');
    expect(actions.undo).toHaveBeenCalledTimes(1);
  });

  it('keeps undo and redo focusable but inactive until there is something to undo', async () => {
    const { user, actions, store } = renderBoard();
    const undo = screen.getByRole('button', { name: 'Undo' });
    expect(undo.getAttribute('aria-disabled')).toBe('true');
    await user.click(undo);
    await user.keyboard('{Control>}z{/Control}');
    expect(actions.undo).not.toHaveBeenCalled();
    act(() => store.setState({ canUndo: true }));
    expect(undo.getAttribute('aria-disabled')).toBe('false');
    await user.click(undo);
    expect(actions.undo).toHaveBeenCalledTimes(1);
  });

  it('deletes a focused note with the Delete key and says how to bring it back', async () => {
    const { user, actions } = renderBoard({}, { notes: [makeNote('n1', 'Flexible working', undefined, PRIYA)] });
    screen.getByRole('group', { name: 'Flexible working by Priya' }).focus();
    await user.keyboard('{Delete}');
    expect(actions.deleteNote).toHaveBeenCalledWith('n1');
    expect(await screen.findByText('Note deleted. Use Undo to bring it back.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Board' }));
  });

  it('moves a note with the keyboard: Space to pick up, arrows to move, Space to drop', async () => {
    const { user, actions } = renderBoard();
    const note = screen.getByRole('group', { name: 'Flexible working by Sam' });
    expect(note.getAttribute('aria-describedby')).toBeTruthy();
    note.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowRight}{ArrowDown}');
    await user.keyboard(' ');
    expect(actions.moveNote).toHaveBeenCalledTimes(1);
    const [id, position] = actions.moveNote.mock.calls[0]!;
    expect(id).toBe('n1');
    expect(position.x).toBeGreaterThan(100);
    expect(position.y).toBeGreaterThan(100);
  });

  it('offers a participant the editor and delete on their own note only; someone else’s they still move and recolour', async () => {
    const { user, actions } = renderBoard({}, { notes: [makeNote('n1', 'Flexible working'), makeNote('n2', 'Rota gaps', { x: 400, y: 100 }, PRIYA)] });
    const sams = screen.getByRole('group', { name: 'Flexible working by Sam' });
    expect(within(sams).queryByRole('button', { name: 'Delete note' })).toBeNull();
    sams.focus();
    await user.keyboard('{Enter}{Delete}');
    await user.click(within(sams).getByText('Flexible working'));
    expect(screen.queryByRole('textbox', { name: 'Note text' })).toBeNull();
    expect(actions.deleteNote).not.toHaveBeenCalled();
    expect(document.getElementById(sams.getAttribute('aria-describedby')!.split(' ').at(-1)!)?.textContent).not.toContain('Delete');
    await user.click(within(sams).getByRole('button', { name: 'Note colour: Blue' }));
    await user.selectOptions(within(sams).getByRole('combobox', { name: 'Note colour' }), 'green');
    expect(actions.updateNote).toHaveBeenCalledWith('n1', { colour: 'green' });
    sams.focus();
    await user.keyboard(' {ArrowRight} ');
    expect(actions.moveNote.mock.calls[0]?.[0]).toBe('n1');

    const mine = screen.getByRole('group', { name: 'Rota gaps by Priya' });
    await user.click(within(mine).getByText('Rota gaps'));
    const editor = screen.getByRole('textbox', { name: 'Note text' });
    await user.type(editor, ' at night{Enter}');
    expect(actions.updateNote).toHaveBeenCalledWith('n2', { text: 'Rota gaps at night' });
    await user.click(within(mine).getByRole('button', { name: 'Delete note' }));
    expect(actions.deleteNote).toHaveBeenCalledWith('n2');
  });

  it('offers the facilitator the editor and delete on everyone’s notes', async () => {
    const { user, actions } = renderBoard({ role: 'facilitator', participantId: 'p-fay', displayName: 'Fay' });
    const sams = screen.getByRole('group', { name: 'Flexible working by Sam' });
    await user.click(within(sams).getByRole('button', { name: 'Delete note' }));
    expect(actions.deleteNote).toHaveBeenCalledWith('n1');
  });

  it('shows another person’s pointer with their name', () => {
    renderBoard({}, { cursors: [{ clientId: 9, name: 'Sam', colour: '#007f3b', x: 300, y: 200 }] });
    const label = screen.getByText('Sam', { selector: '.cursor__label' });
    expect((label.parentElement as HTMLElement).style.transform).toBe('translate(300px, 200px)');
  });

  it('shows a viewer the notes and the people but no way to change anything', async () => {
    const { user, actions } = renderBoard({ role: 'viewer', canEdit: false, participantId: null, displayName: null });
    expect(screen.getByText('Flexible working')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add note' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete note' })).toBeNull();
    expect(statusBanner().textContent).toContain('view only');
    await user.dblClick(document.querySelector('.board-canvas')!);
    await user.keyboard('{Control>}z{/Control}');
    expect(actions.addNote).not.toHaveBeenCalled();
    expect(actions.undo).not.toHaveBeenCalled();
  });

  it('shows the facilitator the join code, and a large version for the projector', async () => {
    const { user } = renderBoard({ role: 'facilitator' }, {}, 'K7PQ-4XRM');
    const show = screen.getByRole('button', { name: 'Show large' });
    await user.click(show);
    const dialog = screen.getByRole('dialog', { name: 'Join this workshop' });
    expect(within(dialog).getByText('K7PQ-4XRM').className).toBe('big-join-code__code');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(show);
  });

  it('adds a note where the empty board is double-clicked', async () => {
    const { user, actions } = renderBoard();
    await user.dblClick(document.querySelector('.board-canvas')!);
    expect(actions.addNote).toHaveBeenCalledTimes(1);
  });
});
