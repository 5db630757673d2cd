import { useCallback, useEffect } from 'react';
import { announce } from '../../state/boardUi';
import { useBoardActions, useBoardState } from '../../sync/BoardProvider';

/**
 * Undo and redo of this person's own changes to the board (docs/client.md,
 * "Live text and undo"), each said aloud. The shell gives every board screen
 * the keyboard shortcuts (`useUndoShortcuts`); the blank board adds buttons.
 */
export function useBoardUndo(): { canUndo: boolean; canRedo: boolean; undo(): void; redo(): void } {
  const actions = useBoardActions();
  const canUndo = useBoardState((state) => state.canUndo);
  const canRedo = useBoardState((state) => state.canRedo);
  const undo = useCallback(() => {
    if (!canUndo) return;
    actions.undo();
    announce('Undone.');
  }, [actions, canUndo]);
  const redo = useCallback(() => {
    if (!canRedo) return;
    actions.redo();
    announce('Redone.');
  }, [actions, canRedo]);
  return { canUndo, canRedo, undo, redo };
}

/**
 * True for fields where Ctrl+Z must keep the browser's own undo of typing.
 * A shared-text field (`data-shared-text`) is not one: what is typed there is
 * on the board, so the board's undo takes back this person's last burst of
 * typing and never anyone else's (docs/client.md, "Live text and undo").
 */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement) || target.dataset.sharedText !== undefined) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type);
}

/**
 * Ctrl/Cmd+Z undoes this person's last change on the board; Ctrl/Cmd+Shift+Z
 * and Ctrl+Y redo. Left alone inside other text fields, which have their own
 * undo. Used once, by the shell, so every screen has it and none twice.
 */
export function useUndoShortcuts(enabled: boolean, undo: () => void, redo: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextField(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && event.ctrlKey && !event.shiftKey)) {
        event.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled, undo, redo]);
}
