import { describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Note } from '../../client/components/Note';
import type { NoteId, ParticipantId } from '../../shared/schema/ids';
import type { Note as NoteRecord } from '../../shared/schema/records';

const note: NoteRecord = {
  id: 'note-1' as NoteId,
  text: 'Flexible working',
  x: 40,
  y: 60,
  colour: 'yellow',
  authorId: 'p-sam' as ParticipantId,
  authorName: 'Sam',
  perspectiveId: null,
  themeId: null,
  createdAt: 1,
  updatedAt: 1,
};

/** A note whose editing state is kept the way the board keeps it, with every callback recorded. */
function renderNote(canEdit = true, canRewrite = canEdit) {
  const calls = {
    onSaveText: vi.fn<(text: string) => void>(),
    onCancelEdit: vi.fn(),
    onDelete: vi.fn(),
    onColourChange: vi.fn(),
  };
  function Harness() {
    const [editing, setEditing] = useState(false);
    return (
      <Note
        note={note}
        canEdit={canEdit}
        canRewrite={canRewrite}
        rewriteHintId="rewrite-hint"
        editing={editing}
        onStartEdit={() => setEditing(true)}
        onSaveText={(text) => {
          calls.onSaveText(text);
          setEditing(false);
        }}
        onCancelEdit={() => {
          calls.onCancelEdit();
          setEditing(false);
        }}
        onDelete={calls.onDelete}
        onColourChange={calls.onColourChange}
      />
    );
  }
  render(
    <>
      <Harness />
      <p id="rewrite-hint">Press Enter to edit its text and Delete to delete it.</p>
      <button type="button">Elsewhere</button>
    </>,
  );
  return { user: userEvent.setup(), calls, noteElement: () => screen.getByRole('group', { name: 'Flexible working by Sam' }) };
}

describe('a note', () => {
  it('is named by its text and its author', () => {
    const { noteElement } = renderNote();
    expect(noteElement().getAttribute('aria-roledescription')).toBe('note');
    expect(noteElement().style.left).toBe('40px');
  });

  it('opens its text for editing on Enter and saves it on Enter', async () => {
    const { user, calls, noteElement } = renderNote();
    noteElement().focus();
    await user.keyboard('{Enter}');
    const editor = screen.getByRole('textbox', { name: 'Note text' });
    expect(document.activeElement).toBe(editor);
    await user.clear(editor);
    await user.type(editor, 'Flexible working for all{Enter}');
    expect(calls.onSaveText).toHaveBeenCalledTimes(1);
    expect(calls.onSaveText).toHaveBeenCalledWith('Flexible working for all');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(document.activeElement).toBe(noteElement());
  });

  it('keeps the text as it was when Escape cancels the edit', async () => {
    const { user, calls, noteElement } = renderNote();
    await user.click(screen.getByText('Flexible working'));
    await user.type(screen.getByRole('textbox', { name: 'Note text' }), ' and more{Escape}');
    expect(calls.onCancelEdit).toHaveBeenCalledTimes(1);
    expect(calls.onSaveText).not.toHaveBeenCalled();
    expect(noteElement().textContent).toContain('Flexible working');
    expect(document.activeElement).toBe(noteElement());
  });

  it('starts a new line on Shift+Enter instead of saving', async () => {
    const { user, calls, noteElement } = renderNote();
    noteElement().focus();
    await user.keyboard('{Enter}');
    await user.type(screen.getByRole('textbox'), '{Shift>}{Enter}{/Shift}second line{Enter}');
    expect(calls.onSaveText).toHaveBeenCalledWith('Flexible working\nsecond line');
  });

  it('saves the text when the editor loses focus', async () => {
    const { user, calls } = renderNote();
    await user.click(screen.getByText('Flexible working'));
    await user.type(screen.getByRole('textbox'), '!');
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(calls.onSaveText).toHaveBeenCalledWith('Flexible working!');
  });

  it('is deleted with the Delete key while focused, and with its delete button', async () => {
    const { user, calls, noteElement } = renderNote();
    noteElement().focus();
    await user.keyboard('{Delete}');
    expect(calls.onDelete).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Delete note' }));
    expect(calls.onDelete).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('textbox')).toBeNull();
  });

  it('does not delete itself when Delete is pressed while editing its text', async () => {
    const { user, calls, noteElement } = renderNote();
    noteElement().focus();
    await user.keyboard('{Enter}{Delete}{Backspace}');
    expect(calls.onDelete).not.toHaveBeenCalled();
  });

  it('changes colour from a list of named colours, opened from a button that names the colour', async () => {
    const { user, calls } = renderNote();
    // One list of colours per note is too much for a busy board: it appears when asked for.
    expect(screen.queryByRole('combobox')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Note colour: Yellow' }));
    const list = screen.getByRole('combobox', { name: 'Note colour' });
    expect(document.activeElement).toBe(list);
    await user.selectOptions(list, 'Green');
    expect(calls.onColourChange).toHaveBeenCalledWith('green');
    // Back to the button, with focus on it, so a keyboard user is where they were.
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^Note colour/ }));
  });

  it('puts the colour list away with Escape, or when focus leaves it, without changing the colour', async () => {
    const { user, calls } = renderNote();
    await user.click(screen.getByRole('button', { name: 'Note colour: Yellow' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Note colour: Yellow' }));
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'Note colour' }));
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(calls.onColourChange).not.toHaveBeenCalled();
  });

  it('offers someone else’s note to move and recolour, but no editor and no delete, by pointer, key or screen reader', async () => {
    const { user, calls, noteElement } = renderNote(true, false);
    expect(screen.queryByRole('button', { name: 'Delete note' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Note colour: Yellow' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Note colour' }), 'green');
    expect(calls.onColourChange).toHaveBeenCalledWith('green');
    noteElement().focus();
    await user.keyboard('{Enter}{Delete}');
    await user.click(noteElement());
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(calls.onDelete).not.toHaveBeenCalled();
    expect(noteElement().getAttribute('aria-describedby') ?? '').not.toContain('rewrite-hint');
  });

  it('tells a screen reader of Enter and Delete on a note it may edit', () => {
    const { noteElement } = renderNote();
    expect(noteElement().getAttribute('aria-describedby')).toContain('rewrite-hint');
  });

  it('shows a viewer its text and author with no way to change it', async () => {
    const { user, calls, noteElement } = renderNote(false);
    expect(noteElement().textContent).toContain('Sam');
    expect(screen.queryByRole('button', { name: 'Delete note' })).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
    noteElement().focus();
    await user.keyboard('{Enter}{Delete}');
    await user.click(noteElement());
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(calls.onDelete).not.toHaveBeenCalled();
  });
});
