import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX, clampNotePosition, NOTE_HEIGHT_PX, NOTE_WIDTH_PX } from '../../../shared/schema/records';
import type { BoardPoint } from '../../sync/types';

/** The part of the board on screen, in board pixels. */
export interface VisibleArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Space kept around a new note, so it does not sit flush against its neighbours. */
const NOTE_GAP_PX = 16;
/** How finely the visible area is searched for a free spot. */
const SEARCH_STEP_PX = 40;

function overlapArea(a: BoardPoint, b: BoardPoint): number {
  const width = Math.min(a.x, b.x) + NOTE_WIDTH_PX + NOTE_GAP_PX - Math.max(a.x, b.x);
  const height = Math.min(a.y, b.y) + NOTE_HEIGHT_PX + NOTE_GAP_PX - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Where a new note goes: the first spot in reading order (top-left first)
 * inside the visible area that no other note covers, or the least covered
 * spot when the view is full.
 */
export function findFreeSpot(notes: readonly BoardPoint[], area: VisibleArea): BoardPoint {
  const left = Math.max(0, area.left + NOTE_GAP_PX);
  const top = Math.max(0, area.top + NOTE_GAP_PX);
  const right = Math.min(BOARD_WIDTH_PX, area.left + area.width) - NOTE_WIDTH_PX - NOTE_GAP_PX;
  const bottom = Math.min(BOARD_HEIGHT_PX, area.top + area.height) - NOTE_HEIGHT_PX - NOTE_GAP_PX;
  const nearby = notes.filter(
    (n) =>
      n.x < area.left + area.width && n.x + NOTE_WIDTH_PX > area.left && n.y < area.top + area.height && n.y + NOTE_HEIGHT_PX > area.top,
  );
  let best: BoardPoint = clampNotePosition(left, top);
  let bestOverlap = Infinity;
  for (let y = top; y <= Math.max(top, bottom); y += SEARCH_STEP_PX) {
    for (let x = left; x <= Math.max(left, right); x += SEARCH_STEP_PX) {
      const candidate = clampNotePosition(x, y);
      const overlap = nearby.reduce((sum, note) => sum + overlapArea(candidate, note), 0);
      if (overlap === 0) return candidate;
      if (overlap < bestOverlap) {
        best = candidate;
        bestOverlap = overlap;
      }
    }
  }
  return best;
}
