import { type InputHTMLAttributes, useEffect, useState } from 'react';

interface NameInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onBlur' | 'onKeyDown'> {
  /** The name everyone sees now. */
  value: string;
  /** Called with the new name when the person leaves the field; never with a blank one. */
  onCommit(name: string): void;
}

/**
 * A name that everyone sees (a lane, a theme), edited in place. It is shared
 * when the person leaves the field or presses Enter, not on every keystroke,
 * so others never see a half-typed name; a blank name puts the old one back.
 * A change made by someone else shows as soon as it arrives.
 */
export function NameInput({ value, onCommit, ...inputProps }: NameInputProps) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      {...inputProps}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => {
        if (!draft.trim()) setDraft(value);
        else if (draft !== value) onCommit(draft);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') event.currentTarget.blur();
      }}
    />
  );
}
