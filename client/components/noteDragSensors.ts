import type { PointerEvent } from 'react';
import { KeyboardSensor, type KeyboardSensorOptions, PointerSensor, type PointerSensorOptions, TouchSensor, useSensor, useSensors } from '@dnd-kit/core';
import { POINTER_DRAG_OPTIONS, TOUCH_DRAG_OPTIONS } from './useHandleDragSensors';

/**
 * The pointer sensor for mouse and pen only. Pointer events fire for touch
 * too, and before touch events, so without this the pointer sensor would
 * claim every finger and the touch sensor's press delay would never apply:
 * on a note that is itself what you drag, a swipe would drag it instead of
 * scrolling the page (docs/client.md, "Drag and drop").
 */
export class MouseAndPenSensor extends PointerSensor {
  static override activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent: event }: PointerEvent, { onActivation }: PointerSensorOptions) => {
        if (event.pointerType === 'touch' || !event.isPrimary || event.button !== 0) return false;
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

/*
 * Only Space picks a note up: Enter is kept for what a note does on Enter
 * (editing the text, on the blank board). A constant, as the other options
 * are (see useHandleDragSensors): inline options redraw every note.
 */
export const NOTE_KEYBOARD_OPTIONS: KeyboardSensorOptions = { keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter', 'Tab'] } };

/** The sensors for notes dragged by the note itself (the blank board, and compare's notes into themes). */
export function useNoteDragSensors() {
  return useSensors(
    useSensor(MouseAndPenSensor, POINTER_DRAG_OPTIONS),
    useSensor(TouchSensor, TOUCH_DRAG_OPTIONS),
    useSensor(KeyboardSensor, NOTE_KEYBOARD_OPTIONS),
  );
}
