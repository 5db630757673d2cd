import { describe, expect, it } from 'vitest';
import { findFreeSpot } from '../../client/screens/board/placement';
import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX, NOTE_HEIGHT_PX, NOTE_WIDTH_PX } from '../../shared/schema/records';

const overlaps = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  a.x < b.x + NOTE_WIDTH_PX && b.x < a.x + NOTE_WIDTH_PX && a.y < b.y + NOTE_HEIGHT_PX && b.y < a.y + NOTE_HEIGHT_PX;

describe('finding a spot for a new note', () => {
  it('uses the top-left of the visible area when it is free', () => {
    expect(findFreeSpot([], { left: 600, top: 400, width: 800, height: 600 })).toEqual({ x: 616, y: 416 });
  });

  it('avoids the notes already in view', () => {
    const notes = [
      { x: 16, y: 16 },
      { x: 216, y: 16 },
    ];
    const spot = findFreeSpot(notes, { left: 0, top: 0, width: 800, height: 600 });
    for (const note of notes) expect(overlaps(spot, note)).toBe(false);
    expect(spot.y + NOTE_HEIGHT_PX).toBeLessThanOrEqual(600);
  });

  it('still finds a place inside the board when the view is full or past its edge', () => {
    const full = Array.from({ length: 40 }, (_, i) => ({ x: (i % 8) * 100, y: Math.floor(i / 8) * 100 }));
    const spot = findFreeSpot(full, { left: 0, top: 0, width: 800, height: 500 });
    expect(spot.x).toBeGreaterThanOrEqual(0);
    const edge = findFreeSpot([], { left: BOARD_WIDTH_PX - 100, top: BOARD_HEIGHT_PX - 50, width: 800, height: 600 });
    expect(edge.x).toBeLessThanOrEqual(BOARD_WIDTH_PX - NOTE_WIDTH_PX);
    expect(edge.y).toBeLessThanOrEqual(BOARD_HEIGHT_PX - NOTE_HEIGHT_PX);
  });
});
