import { KeyboardSensor, PointerSensor, TouchSensor, useSensor, useSensors } from '@dnd-kit/core';

/** How far a mouse must move before a press becomes a drag, so a click still clicks. */
const DRAG_DISTANCE_PX = 6;
/** How long a finger must rest before it drags, so a swipe still scrolls the page. */
const TOUCH_DRAG_DELAY_MS = 250;
const TOUCH_DRAG_TOLERANCE_PX = 8;

/**
 * The sensors for things dragged by a handle (notes into themes, boxes of a
 * driver diagram): mouse or pen after a short move, a finger after a short
 * rest, and the keyboard on the focused handle.
 */
export function useHandleDragSensors() {
  return useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: DRAG_DISTANCE_PX } }),
    useSensor(TouchSensor, { activationConstraint: { delay: TOUCH_DRAG_DELAY_MS, tolerance: TOUCH_DRAG_TOLERANCE_PX } }),
    useSensor(KeyboardSensor),
  );
}
