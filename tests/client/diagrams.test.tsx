import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import * as Y from 'yjs';
import { DiagramsPanel } from '../../client/screens/diagram/DiagramsPanel';
import { resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore, emptyExerciseState } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import { readDiagramState } from '../../client/sync/diagrams';
import type { BoardSession, DiagramActions, ExerciseActions } from '../../client/sync/types';
import { addDiagram, addDriverNode, promoteToDiagram } from '../../shared/document/drivers';
import { addTheme } from '../../shared/document/themes';
import type { DiagramId, DriverNodeId } from '../../shared/schema/ids';

/** A real board document with a three-level diagram, shown through a plain store with spied actions. */
function renderDiagram(canEdit = true) {
  const doc = new Y.Doc();
  const diagram = addDiagram(doc, { title: 'Keeping nurses', aim: 'Halve first-year leavers', id: 'd1' as DiagramId });
  const rotas = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'Predictable rotas', id: 'n-rotas' as DriverNodeId })!;
  addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'First-year support', id: 'n-support' as DriverNodeId });
  const early = addDriverNode(doc, { diagramId: diagram, parentId: rotas, text: 'Rotas out early', id: 'n-early' as DriverNodeId })!;
  addDriverNode(doc, { diagramId: diagram, parentId: early, text: 'Six weeks ahead', id: 'n-six' as DriverNodeId });
  const theme = addTheme(doc, { title: 'Flexible working' });
  promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } });
  const store = createBoardStore({
    boardTitle: 'Board',
    diagrams: readDiagramState(doc),
    exercise: emptyExerciseState({ themes: [{ id: theme, title: 'Flexible working', createdAt: 1 }] }),
  });
  const diagramActions = new Proxy({} as Record<string, ReturnType<typeof vi.fn>>, {
    get: (target, name: string) => (target[name] ??= vi.fn(() => true)),
  }) as unknown as { [K in keyof DiagramActions]: ReturnType<typeof vi.fn<DiagramActions[K]>> };
  const session: BoardSession = {
    store,
    actions: { addNote: vi.fn(), updateNote: vi.fn(), moveNote: vi.fn(), deleteNote: vi.fn(), undo: vi.fn(), redo: vi.fn(), setCursor: vi.fn(), exercise: {} as ExerciseActions, diagrams: diagramActions },
    identity: { role: 'participant', canEdit, participantId: 'p1', displayName: 'Priya' },
  };
  render(
    <BoardProvider session={session}>
      <DiagramsPanel />
    </BoardProvider>,
  );
  return { user: userEvent.setup(), actions: diagramActions };
}

beforeEach(() => resetBoardUi());

describe('the driver diagram panel', () => {
  it('draws the aim and every level left to right, each box labelled with its level', () => {
    renderDiagram();
    const picture = screen.getByRole('region', { name: 'Driver diagram: Keeping nurses' });
    const boxes = [...picture.querySelectorAll('[data-node-id]')];
    // Level by level, as the layout walks the tree.
    expect(boxes.map((box) => box.querySelector('.diagram-box__level')!.textContent)).toEqual([
      'Aim',
      'Primary driver',
      'Primary driver',
      'Primary driver',
      'Secondary driver',
      'Change idea',
    ]);
    const left = (id: string) => parseFloat((picture.querySelector(`[data-node-id="${id}"]`) as HTMLElement).style.left);
    expect(left('d1')).toBeLessThan(left('n-rotas'));
    expect(left('n-rotas')).toBeLessThan(left('n-early'));
    expect(left('n-early')).toBeLessThan(left('n-six'));
  });

  it('folds a branch away on this screen only, and opens it again', async () => {
    const { user } = renderDiagram();
    await user.click(screen.getByRole('button', { name: /Hide the 1 under “Predictable rotas”/ }));
    expect(screen.queryByDisplayValue('Rotas out early')).toBeNull();
    await user.click(screen.getByRole('button', { name: /Show the 1 under “Predictable rotas”/ }));
    expect(screen.getByDisplayValue('Rotas out early')).toBeTruthy();
  });

  it('lets a keyboard user do everything from the outline: edit, add, move, indent, outdent, delete, make an action', async () => {
    const { user, actions } = renderDiagram();
    await user.click(screen.getByRole('button', { name: 'Outline' }));
    const support = screen.getByRole('group', { name: /Change the primary driver\s*“First-year support”/ });
    await user.click(within(support).getByRole('button', { name: /^Move up/ }));
    expect(actions.moveNode).toHaveBeenLastCalledWith('n-support', null, 0);
    await user.click(within(support).getByRole('button', { name: /^Indent/ }));
    expect(actions.moveNode).toHaveBeenLastCalledWith('n-support', 'n-rotas', undefined);
    await user.click(within(support).getByRole('button', { name: /^Add below/ }));
    expect(actions.addNode).toHaveBeenLastCalledWith('d1', null, '', 2);
    const early = screen.getByRole('group', { name: /Change the secondary driver\s*“Rotas out early”/ });
    await user.click(within(early).getByRole('button', { name: /^Outdent/ }));
    expect(actions.moveNode).toHaveBeenLastCalledWith('n-early', null, 1);
    await user.click(within(early).getByRole('button', { name: /^Add under/ }));
    expect(actions.addNode).toHaveBeenLastCalledWith('d1', 'n-early', '');
    const six = screen.getByRole('group', { name: /Change the change idea\s*“Six weeks ahead”/ });
    await user.click(within(six).getByRole('button', { name: /^Make it an action/ }));
    expect(actions.toAction).toHaveBeenCalledWith('n-six');
    await user.click(within(six).getByRole('button', { name: /^Delete/ }));
    expect(actions.deleteNode).toHaveBeenCalledWith('n-six');
    expect(screen.getByText('From the theme “Flexible working”')).toBeTruthy();
    fireEvent.change(screen.getByDisplayValue('Six weeks ahead'), { target: { value: 'Eight weeks ahead' } });
    expect(actions.updateNode).toHaveBeenCalledWith('n-six', { text: 'Eight weeks ahead' });
  });

  it('sets a measure on a driver and on the aim, with its kind', async () => {
    const { user, actions } = renderDiagram();
    await user.click(screen.getByRole('button', { name: 'Outline' }));
    const rotas = screen.getByRole('group', { name: /Change the primary driver\s*“Predictable rotas”/ }).closest('.outline__row') as HTMLElement;
    await user.click(within(rotas).getByText('Measure'));
    await user.selectOptions(within(rotas).getByRole('combobox', { name: /Kind of measure/ }), 'process');
    expect(actions.updateNode).toHaveBeenLastCalledWith('n-rotas', { measureKind: 'process' });
    fireEvent.change(within(rotas).getByRole('textbox', { name: /What is measured/ }), { target: { value: 'Rotas out six weeks ahead' } });
    expect(actions.updateNode).toHaveBeenLastCalledWith('n-rotas', { measure: 'Rotas out six weeks ahead' });
    fireEvent.change(screen.getByRole('textbox', { name: 'How we will measure it' }), { target: { value: 'Leavers in year one' } });
    expect(actions.updateDiagram).toHaveBeenLastCalledWith('d1', { aimMeasure: 'Leavers in year one' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Kind of measure' }), 'outcome');
    expect(actions.updateDiagram).toHaveBeenLastCalledWith('d1', { aimMeasureKind: 'outcome' });
  });

  it('shares the diagram’s title and aim as they are typed, and finishes each with Enter', () => {
    const { actions } = renderDiagram();
    const title = screen.getByRole('textbox', { name: 'Title of the diagram' });
    fireEvent.change(title, { target: { value: 'Keeping newly qualified nurses' } });
    expect(actions.updateDiagram).toHaveBeenLastCalledWith('d1', { title: 'Keeping newly qualified nurses' });
    fireEvent.change(screen.getByRole('textbox', { name: 'What we want to achieve' }), { target: { value: 'Keep nine in ten newly qualified nurses' } });
    expect(actions.updateDiagram).toHaveBeenLastCalledWith('d1', { aim: 'Keep nine in ten newly qualified nurses' });
    title.focus();
    fireEvent.keyDown(title, { key: 'Enter' });
    expect(document.activeElement).not.toBe(title);
  });

  it('shows a viewer the diagram without anything to change', () => {
    renderDiagram(false);
    expect(screen.queryByRole('button', { name: /Add a primary driver/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Drag/ })).toBeNull();
    expect(screen.getByText('Six weeks ahead')).toBeTruthy();
  });
});
