import { type InputHTMLAttributes, type Ref, useId } from 'react';

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'size'> {
  label: string;
  /** Help shown under the label, read out with the field. */
  hint?: string;
  /** The validation message; the field is marked invalid while there is one. */
  error?: string | null;
  size?: 'normal' | 'large';
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled text input with its hint and error message wired up for screen readers. */
export function TextField({ label, hint, error, size = 'normal', inputRef, ...inputProps }: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errorId}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <input
        ref={inputRef}
        id={id}
        className={`field__input${size === 'large' ? ' field__input--large' : ''}`}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...inputProps}
      />
    </div>
  );
}
