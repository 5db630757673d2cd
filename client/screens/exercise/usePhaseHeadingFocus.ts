import { type RefObject, useEffect, useRef } from 'react';
import type { Phase } from '../../../shared/schema/exercise';
import { boardUiStore } from '../../state/boardUi';

/** A field someone may be typing in: focus is left there, since a note half typed is kept (docs/exercise.md, "Nothing typed is lost"). */
const TYPING = 'input, textarea, select, [contenteditable="true"]';

/**
 * Moves focus to the phase's heading when the phase changes, for everyone
 * whose screen changes phase (the facilitator who moved on, and everyone
 * moved with them), so a keyboard or screen-reader user starts from the top
 * of the new phase instead of from the page, where focus fell when the old
 * phase's controls went. Not on first load, where the
 * page's own start is the place to begin; not while the person looks at the
 * driver diagrams or the plan, whose screen did not change; and not out of a
 * field the person is still typing in.
 * Returns the ref for the heading, which needs tabIndex -1.
 */
export function usePhaseHeadingFocus(phase: Phase): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(phase);
  useEffect(() => {
    if (shown.current === phase) return;
    shown.current = phase;
    if (boardUiStore.getState().activity !== 'workshop') return;
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.isConnected && active.matches(TYPING)) return;
    heading.current?.focus();
  }, [phase]);
  return heading;
}
