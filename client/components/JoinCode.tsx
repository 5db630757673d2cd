import { useEffect, useId, useRef } from 'react';

/** The address people type into their browser to join: this site, without "https://". */
function joinAddress(origin: string): string {
  return origin.replace(/^https?:\/\//, '');
}

/**
 * The participant join code, large enough to read off a projector from the
 * back of the room, with where to type it.
 */
export function BigJoinCode({ code, origin }: { code: string; origin: string }) {
  return (
    <div className="big-join-code">
      <p className="big-join-code__instruction">
        Go to <strong>{joinAddress(origin)}</strong> and enter this code:
      </p>
      <p className="big-join-code__code">{code}</p>
    </div>
  );
}

/**
 * The join code full screen, for the projector. Escape or the button closes
 * it, and focus goes back to whatever opened it.
 */
export function JoinCodeOverlay({ code, origin, onClose }: { code: string; origin: string; onClose(): void }) {
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      // The close button is the only control: Tab stays on it while the dialog is open.
      if (event.key === 'Tab') {
        event.preventDefault();
        closeButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      opener?.focus();
    };
  }, [onClose]);

  return (
    <div className="join-code-overlay" role="dialog" aria-modal="true" aria-labelledby={titleId}>
      <h2 id={titleId} className="join-code-overlay__title">
        Join this workshop
      </h2>
      <BigJoinCode code={code} origin={origin} />
      <button ref={closeButton} type="button" className="button button--secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
