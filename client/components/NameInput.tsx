import { type InputHTMLAttributes, type KeyboardEvent, useEffect, useState } from 'react';

interface NameInputProps extends Omit<InputHTMLAttributes<HTMLInputElement & HTMLTextAreaElement>, 'value' | 'onChange' | 'onBlur' | 'onKeyDown'> {
  /** The name everyone sees now. */
  value: string;
  /** Called with the new name when the person leaves the field; never with a blank one unless blanks are allowed. */
  onCommit(name: string): void;
  /** A blank value is shared too (a measure someone clears), instead of putting the old one back. */
  allowBlank?: boolean;
  /** Wrap long text over several lines (a box in a diagram); Enter still finishes. */
  multiline?: boolean;
}

/**
 * A name that everyone sees (a lane), edited in place. It is shared
 * when the person leaves the field or presses Enter, not on every keystroke,
 * so others never see a half-typed name; a blank name puts the old one back.
 * A change made by someone else shows as soon as it arrives.
 */
export function NameInput({ value, onCommit, allowBlank = false, multiline = false, ...inputProps }: NameInputProps) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const props = {
    ...inputProps,
    value: draft,
    onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
    onBlur: () => {
      if (!draft.trim() && !allowBlank) setDraft(value);
      else if (draft !== value) onCommit(draft);
    },
    onKeyDown: (event: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        event.currentTarget.blur();
      }
    },
  };
  return multiline ? <textarea rows={2} {...props} /> : <input {...props} />;
}
