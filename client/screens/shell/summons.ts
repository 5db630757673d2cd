import { useEffect, useRef } from 'react';
import type { Activity, Phase, Summons } from '../../../shared/schema/exercise';
import { announce, boardUiStore, showActivity, showDiagram } from '../../state/boardUi';

/** The class of the board screen's content area, which scrolls by itself under the header on a laptop (shell.css). */
export const CONTENT_CLASS = 'board-shell__content';

/**
 * What scrolls the board's content: the content area under the fixed header
 * on a laptop, the page itself on a phone (shell.css decides which, by
 * screen size), so "bring everyone to me" measures and scrolls the same
 * thing on every screen.
 */
export function contentScroller(): Element {
  const content = document.querySelector(`.${CONTENT_CLASS}`);
  if (content) {
    const { overflowY } = getComputedStyle(content);
    if (overflowY === 'auto' || overflowY === 'scroll') return content;
  }
  return document.scrollingElement ?? document.documentElement;
}

const fraction = (position: number, range: number) => (range > 0 ? position / range : 0);

/**
 * Where the facilitator is now, for "bring everyone to me": their phase,
 * their activity (and diagram), and how far down it they have scrolled, as
 * fractions, since screens differ (docs/exercise.md, "Following the facilitator").
 */
export function facilitatorPlace(phase: Phase): Omit<Summons, 'serial'> {
  const scroller = contentScroller();
  const { activity, diagramId } = boardUiStore.getState();
  return {
    phase,
    activity,
    diagramId: activity === 'diagrams' ? diagramId : null,
    scrollX: fraction(scroller.scrollLeft, scroller.scrollWidth - scroller.clientWidth),
    scrollY: fraction(scroller.scrollTop, scroller.scrollHeight - scroller.clientHeight),
  };
}

const ACTIVITY_NAMES: Record<Activity, string> = {
  workshop: 'the exercise',
  assessment: 'the self-assessment',
  diagrams: 'the driver diagrams',
  plan: 'the action plan',
  cycle: 'what changed',
};

/**
 * Follows the facilitator's "bring everyone to me" on a participant's
 * screen: switches to their activity (and diagram), then, once that is
 * drawn, scrolls to their place, focuses the main area and says why. The
 * facilitator's own screen ignores it, and a summons already seen when the
 * screen opened is not followed again.
 */
export function useFollowSummons(summons: Summons | null, isFacilitator: boolean, mainId: string): void {
  const serial = summons?.serial ?? 0;
  const seen = useRef(serial);
  useEffect(() => {
    if (serial === seen.current) return;
    seen.current = serial;
    if (isFacilitator || !summons) return;
    showActivity(summons.activity);
    if (summons.activity === 'diagrams' && summons.diagramId) showDiagram(summons.diagramId);
    // The new activity is drawn by the next frame; its height is what the fractions are of.
    requestAnimationFrame(() => {
      const scroller = contentScroller();
      scroller.scrollTo({
        left: summons.scrollX * (scroller.scrollWidth - scroller.clientWidth),
        top: summons.scrollY * (scroller.scrollHeight - scroller.clientHeight),
      });
      document.getElementById(mainId)?.focus({ preventScroll: true });
      announce(`The facilitator brought everyone to ${ACTIVITY_NAMES[summons.activity]}, to the same place on the page.`);
    });
  }, [serial, summons, isFacilitator, mainId]);
}
