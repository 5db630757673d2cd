import { useEffect, useState } from 'react';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import './Confirmation.css';

/** How long a confirmation stays on screen: long enough to read a sentence, short enough not to linger over the board. */
export const CONFIRMATION_MS = 6000;

interface ConfirmationState {
  text: string;
  /** Lets the same words be shown (and read out) again. */
  serial: number;
  /** Which board area shows it: the one the person acted in. */
  place: string;
}

const confirmationStore = createStore<ConfirmationState>()(() => ({ text: '', serial: 0, place: '' }));

/**
 * Says, on screen and to screen readers alike, what the person's last action
 * did ("Moved “…” to the theme …"). Sighted people saw nothing when a note
 * went to a theme or into the driver diagram; this replaces the
 * screen-reader-only announcement for those actions, so nobody hears it twice.
 */
export function confirm(text: string, place = 'board'): void {
  confirmationStore.setState(({ serial }) => ({ text, serial: serial + 1, place }));
}

/** Clears what is shown (a new board opened, say). */
export function clearConfirmation(): void {
  confirmationStore.setState({ text: '', place: '' });
}

/**
 * The short-lived message near the board, an inset in the NHS style. The
 * status region is always in the page, since a region added with its words
 * is often not read; the words go after CONFIRMATION_MS.
 */
export function Confirmation({ place = 'board', className }: { place?: string; className?: string }) {
  const { text, serial, place: shownIn } = useStore(confirmationStore);
  const [shown, setShown] = useState('');
  useEffect(() => {
    if (shownIn !== place || !text) {
      setShown('');
      return;
    }
    setShown(text);
    const timer = setTimeout(() => setShown(''), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [text, serial, shownIn, place]);
  return (
    <div className={`confirmation${className ? ` ${className}` : ''}`} role="status">
      {shown && <p className="confirmation__text">{shown}</p>}
    </div>
  );
}
