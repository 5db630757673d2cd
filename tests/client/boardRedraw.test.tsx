import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import * as dndKit from '@dnd-kit/core';
import { BoardScreen } from '../../client/screens/board/BoardScreen';
import { resetBoardUi } from '../../client/state/boardUi';
import { createBoardStore } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import type { BoardActions, BoardSession } from '../../client/sync/types';
import type { NoteId, ParticipantId } from '../../shared/schema/ids';
import type { Note } from '../../shared/schema/records';

/*
 * A busy board redraws only what changed. Every note on the board is a
 * dnd-kit draggable, so counting calls to useDraggable counts the notes that
 * redrew: if dnd-kit's context changes with every board render (its sensors'
 * options written inline did that), every note redraws for every note that
 * arrives, and a 1,000-note board stalls for tens of milliseconds each time.
 */
vi.mock('@dnd-kit/core', async (importOriginal) => {
  const original = await importOriginal<typeof dndKit>();
  return { ...original, useDraggable: vi.fn(original.useDraggable) };
});

const useDraggableSpy = vi.mocked(dndKit.useDraggable);

function makeNote(index: number, text = `Note ${index}`): Note {
  return {
    id: `n${index}` as NoteId,
    text,
    x: (index * 97) % 2800,
    y: (index * 53) % 1850,
    colour: 'yellow',
    authorId: 'p-sam' as ParticipantId,
    authorName: 'Sam',
    perspectiveId: null,
    themeId: null,
    createdAt: index,
    updatedAt: index,
  };
}

function renderBusyBoard(noteCount: number) {
  const store = createBoardStore({
    save: { kind: 'live', unsaved: 0 },
    notes: Array.from({ length: noteCount }, (_, index) => makeNote(index)),
  });
  const session: BoardSession = {
    store,
    actions: {
      addNote: vi.fn(),
      updateNote: vi.fn(),
      moveNote: vi.fn(),
      deleteNote: vi.fn(),
      undo: vi.fn(),
      redo: vi.fn(),
      setCursor: vi.fn(),
    } as unknown as BoardActions,
    identity: { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya' },
  };
  render(
    <BoardProvider session={session}>
      <BoardScreen title="Busy board" joinCode={null} />
    </BoardProvider>,
  );
  return store;
}

/** The ids of the notes that redrew since the last call. */
function notesRedrawn(): string[] {
  const ids = useDraggableSpy.mock.calls.map(([options]) => String(options.id));
  useDraggableSpy.mockClear();
  return [...new Set(ids)];
}

beforeEach(() => {
  resetBoardUi();
  useDraggableSpy.mockClear();
});

describe('a busy board', () => {
  it('draws only the new note when someone else adds one', () => {
    const store = renderBusyBoard(200);
    expect(notesRedrawn()).toHaveLength(200);
    act(() => store.setState({ notes: [...store.getState().notes, makeNote(200)] }));
    expect(notesRedrawn()).toEqual(['n200']);
  });

  it('redraws only the note someone else changed', () => {
    const store = renderBusyBoard(200);
    notesRedrawn();
    act(() => store.setState({ notes: store.getState().notes.map((note) => (note.id === 'n7' ? makeNote(7, 'Rotas six weeks ahead') : note)) }));
    expect(notesRedrawn()).toEqual(['n7']);
  });

  it('redraws no note when something else on the board changes', () => {
    const store = renderBusyBoard(200);
    notesRedrawn();
    act(() => store.setState({ cursors: [{ clientId: 2, name: 'Alex', colour: '#005eb8', x: 10, y: 10 }], save: { kind: 'saving', unsaved: 1 } }));
    expect(notesRedrawn()).toEqual([]);
  });
});
