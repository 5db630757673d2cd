import { type ReactNode, useEffect, useId, useRef } from 'react';

interface ConfirmDialogProps {
  /** The question, as the dialog's heading: "Delete “…”?" */
  title: string;
  /** What happens, in words: what is lost and what is kept. */
  children: ReactNode;
  /** The button that does it, saying what it does. */
  confirmLabel: string;
  /** The button that keeps things as they are. */
  cancelLabel: string;
  /** The action cannot be taken back: the confirm button is the NHS red warning button. */
  danger?: boolean;
  /** While the action runs: both buttons wait. */
  busy?: boolean;
  /** Why the action failed, shown in the dialog. */
  problem?: string | null;
  onConfirm(): void;
  /** Cancel, Escape: the caller puts focus back on what opened the dialog. */
  onCancel(): void;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A question asked before something that changes the board for everyone,
 * as a modal dialog (WAI-ARIA Authoring Practices, "Dialog (Modal)"): focus
 * starts on the button that changes nothing, so Enter pressed by habit is
 * harmless; Tab and Shift+Tab stay inside; Escape is the cancel button. The
 * caller returns focus to what opened it ("Where the keyboard's
 * focus goes"), since only the caller knows what that is once a menu has closed.
 */
export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, danger = false, busy = false, problem, onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // The latest handler, so the key listener need not be added again on every render.
  const cancelHandler = useRef(onCancel);
  cancelHandler.current = onCancel;

  useEffect(() => {
    cancel.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        cancelHandler.current();
        return;
      }
      if (event.key !== 'Tab' || !dialog.current) return;
      const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (focusable.length === 0) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      const inside = dialog.current.contains(document.activeElement);
      if (event.shiftKey && (document.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="confirm-dialog__backdrop">
      <div ref={dialog} className="confirm-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId}>
        <h2 id={titleId} className="confirm-dialog__title">
          {title}
        </h2>
        <div id={bodyId} className="confirm-dialog__body">
          {children}
        </div>
        {problem && (
          <p className="confirm-dialog__problem" role="alert">
            {problem}
          </p>
        )}
        <div className="confirm-dialog__buttons">
          <button type="button" className={danger ? 'button button--warning' : 'button'} disabled={busy} onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button ref={cancel} type="button" className="button button--secondary" disabled={busy} onClick={onCancel}>
            {cancelLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
