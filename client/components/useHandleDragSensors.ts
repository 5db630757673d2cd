import { KeyboardSensor, PointerSensor, type PointerSensorOptions, TouchSensor, type TouchSensorOptions, useSensor, useSensors } from '@dnd-kit/core';

/** How far a mouse must move before a press becomes a drag, so a click still clicks. */
const DRAG_DISTANCE_PX = 6;
/** How long a finger must rest before it drags, so a swipe still scrolls the page. */
const TOUCH_DRAG_DELAY_MS = 250;
const TOUCH_DRAG_TOLERANCE_PX = 8;

/*
 * Constants, not inline objects: useSensor memoises on the options object, and
 * new options on every render give dnd-kit new activators, a new context, and
 * a redraw of every draggable each time the list around them redraws. The
 * board's own sensors (BoardCanvas) use the same ones.
 */
export const POINTER_DRAG_OPTIONS: PointerSensorOptions = { activationConstraint: { distance: DRAG_DISTANCE_PX } };
export const TOUCH_DRAG_OPTIONS: TouchSensorOptions = { activationConstraint: { delay: TOUCH_DRAG_DELAY_MS, tolerance: TOUCH_DRAG_TOLERANCE_PX } };

/**
 * The sensors for things dragged by a handle (notes into themes, boxes of a
 * driver diagram): mouse or pen after a short move, a finger after a short
 * rest, and the keyboard on the focused handle.
 */
export function useHandleDragSensors() {
  return useSensors(
    useSensor(PointerSensor, POINTER_DRAG_OPTIONS),
    useSensor(TouchSensor, TOUCH_DRAG_OPTIONS),
    useSensor(KeyboardSensor),
  );
}
