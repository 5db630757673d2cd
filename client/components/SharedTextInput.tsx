import { type FocusEvent, type InputHTMLAttributes, type KeyboardEvent, useRef } from 'react';
import { type TextFieldAddress, useSharedText } from '../sync/useSharedText';

type TextInput = HTMLInputElement & HTMLTextAreaElement;

interface SharedTextInputProps extends Omit<InputHTMLAttributes<TextInput>, 'value' | 'onChange' | 'onBlur' | 'onFocus' | 'onKeyDown' | 'onSelect'> {
  /** The shared-text field it edits (docs/document-layout.md, "Shared text"). */
  address: TextFieldAddress;
  /** What the board holds now, shown where the session has no live document. */
  value: string;
  /** Writes a change where the session has no live document (see `useSharedText`). */
  onFallbackChange(next: string): void;
  /**
   * Called when the person leaves the field blank, with what it held when
   * they came into it (a theme puts its title back, a step is deleted).
   * Without it, a blank field is simply left blank (a measure someone clears).
   */
  onLeftBlank?(before: string): void;
  /** Wrap long text over several lines (a box in a diagram); Enter still finishes. */
  multiline?: boolean;
}

/**
 * A short piece of shared text (a step, a theme's title, a diagram's box)
 * edited in place, live: every keystroke reaches the others at once and
 * merges with what they type (docs/client.md, "Live text and undo"). Enter
 * finishes, as it did when these fields were shared only on leaving them.
 */
export function SharedTextInput({ address, value, onFallbackChange, onLeftBlank, multiline = false, ...inputProps }: SharedTextInputProps) {
  const text = useSharedText<TextInput>(address, value, onFallbackChange);
  const heldOnEntry = useRef(value);
  const props = {
    ...inputProps,
    ...text,
    onFocus: (event: FocusEvent<TextInput>) => {
      heldOnEntry.current = event.currentTarget.value;
    },
    onBlur: (event: FocusEvent<TextInput>) => {
      if (onLeftBlank && !event.currentTarget.value.trim()) onLeftBlank(heldOnEntry.current);
    },
    onKeyDown: (event: KeyboardEvent<TextInput>) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        event.currentTarget.blur();
      }
    },
  };
  return multiline ? <textarea rows={2} {...props} /> : <input {...props} />;
}
