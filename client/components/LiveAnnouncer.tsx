import { useEffect, useState } from 'react';

/** How long the region stays empty before new words go in, so the same words are read again. */
const REANNOUNCE_GAP_MS = 50;

/**
 * A polite live region for messages about what the person just did. The
 * region is always in the page (regions added with their text are often not
 * read); each new serial empties it briefly so repeated words are announced.
 */
export function LiveAnnouncer({ text, serial }: { text: string; serial: number }) {
  const [shown, setShown] = useState(text);
  useEffect(() => {
    setShown('');
    const timer = setTimeout(() => setShown(text), REANNOUNCE_GAP_MS);
    return () => clearTimeout(timer);
  }, [text, serial]);
  return (
    <p className="visually-hidden" aria-live="polite">
      {shown}
    </p>
  );
}
