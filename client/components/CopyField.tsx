import { useEffect, useId, useRef, useState } from 'react';
import './CopyField.css';

/** How long the button says "Copied" before going back to "Copy". */
const COPIED_FEEDBACK_MS = 2500;

/** Copies text to the clipboard; falls back to selecting the field and the old copy command. */
async function copyText(text: string, fallbackField: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (plain http on a LAN address, older browsers): select and copy the old way.
    if (!fallbackField) return false;
    fallbackField.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

interface CopyFieldProps {
  label: string;
  /** Who this is for and what it lets them do. */
  description: string;
  value: string;
}

/** A read-only value (a link) with a button that copies it, and says so. */
export function CopyField({ label, description, value }: CopyFieldProps) {
  const fieldId = useId();
  const descriptionId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [feedback, setFeedback] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (feedback === 'idle') return;
    const timer = setTimeout(() => setFeedback('idle'), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [feedback]);

  return (
    <div className="field copy-field">
      <label className="field__label copy-field__label" htmlFor={fieldId}>
        {label}
      </label>
      <p className="field__hint" id={descriptionId}>
        {description}
      </p>
      <div className="copy-field__row">
        <input
          ref={field}
          id={fieldId}
          className="field__input copy-field__input"
          type="text"
          readOnly
          value={value}
          aria-describedby={descriptionId}
          onFocus={(event) => event.target.select()}
        />
        <button
          type="button"
          className="button button--secondary"
          aria-label={`Copy ${label.toLowerCase()}`}
          onClick={async () => setFeedback((await copyText(value, field.current)) ? 'copied' : 'failed')}
        >
          Copy
        </button>
      </div>
      <p className="copy-field__feedback" role="status">
        {feedback === 'copied' ? 'Copied.' : feedback === 'failed' ? 'Could not copy: select the link and copy it yourself.' : ''}
      </p>
    </div>
  );
}

/**
 * A button that copies a value nobody needs to see first (an invite link).
 * When the browser will not copy, the value is shown so it can be copied by hand.
 */
export function CopyButton({ label, value }: { label: string; value: string }) {
  const [feedback, setFeedback] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (feedback !== 'copied') return;
    const timer = setTimeout(() => setFeedback('idle'), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [feedback]);

  return (
    <span className="copy-button">
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={async () => setFeedback((await copyText(value, null)) ? 'copied' : 'failed')}
      >
        {label}
      </button>
      <span className="copy-button__feedback" role="status">
        {feedback === 'copied' ? 'Copied.' : feedback === 'failed' ? `Could not copy. The link is: ${value}` : ''}
      </span>
    </span>
  );
}
