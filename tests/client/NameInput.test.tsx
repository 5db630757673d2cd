import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { NameInput } from '../../client/components/NameInput';

function renderField(value: string) {
  const onCommit = vi.fn();
  const view = render(<NameInput aria-label="Theme title" value={value} onCommit={onCommit} />);
  return { user: userEvent.setup(), onCommit, field: () => screen.getByRole('textbox', { name: 'Theme title' }) as HTMLInputElement, view };
}

describe('a shared name edited in place', () => {
  it('is shared once, when the person presses Enter or leaves the field, not letter by letter', async () => {
    const { user, onCommit, field } = renderField('Pay');
    await user.clear(field());
    await user.type(field(), 'Pay and reward{Enter}');
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith('Pay and reward');
  });

  it('puts the old name back when left blank, and shares nothing', async () => {
    const { user, onCommit, field } = renderField('Pay');
    await user.clear(field());
    await user.tab();
    expect(field().value).toBe('Pay');
    expect(onCommit).not.toHaveBeenCalled();
  });

  it('shows a name someone else changed as soon as it arrives', () => {
    const { field, view, onCommit } = renderField('Pay');
    view.rerender(<NameInput aria-label="Theme title" value="Reward" onCommit={onCommit} />);
    expect(field().value).toBe('Reward');
  });
});
