import { type RefObject, useEffect } from 'react';

/** How fast a long list drifts up, in pixels a second: slow enough to read from the back of the room. */
const PIXELS_PER_SECOND = 24;
/** How long the list rests at its top and at its end before moving on. */
const REST_MS = 4000;
/** With reduced motion, how long each screenful stays before the next replaces it. */
const PAGE_MS = 8000;

/**
 * Scrolls a list that holds more than its box by itself, since nobody
 * touches the presenter view (issue: "the lane scrolls by itself, never the
 * page"): it drifts down slowly, rests at the end, and starts again from the
 * top. People who asked their system for less motion get a screenful at a
 * time instead. A list that fits does not move. The element keeps
 * `overflow: hidden`, so it offers no scrolling of its own to a pointer or
 * the keyboard, and the page itself never scrolls.
 */
export function useAutoScroll(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    // Rest at the top, drift to the end, rest there, jump back to the top: round and round.
    let stage: 'top' | 'drift' | 'end' = 'top';
    let stageEnds = performance.now() + REST_MS;
    let last = performance.now();
    // scrollTop is rounded to whole pixels, so the drift is kept here in fractions.
    let position = 0;
    let frame = 0;

    const drift = (time: number) => {
      const elapsed = time - last;
      last = time;
      const overflow = element.scrollHeight - element.clientHeight;
      if (overflow <= 1) {
        stage = 'top';
        stageEnds = time + REST_MS;
        position = 0;
      } else if (stage === 'drift') {
        position = Math.min(position + (PIXELS_PER_SECOND * elapsed) / 1000, overflow);
        if (position >= overflow) {
          stage = 'end';
          stageEnds = time + REST_MS;
        }
      } else if (time >= stageEnds) {
        if (stage === 'end') {
          position = 0;
          stage = 'top';
          stageEnds = time + REST_MS;
        } else {
          stage = 'drift';
        }
      }
      if (Math.abs(element.scrollTop - position) >= 1) element.scrollTop = position;
      frame = requestAnimationFrame(drift);
    };

    const page = () => {
      const next = element.scrollTop + element.clientHeight;
      element.scrollTop = next >= element.scrollHeight - 1 ? 0 : next;
    };

    if (reduceMotion) {
      const interval = window.setInterval(page, PAGE_MS);
      return () => clearInterval(interval);
    }
    frame = requestAnimationFrame(drift);
    return () => cancelAnimationFrame(frame);
  }, [ref]);
}
