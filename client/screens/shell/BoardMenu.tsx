import { type KeyboardEvent, type ReactNode, type RefObject, useEffect, useId, useRef, useState } from 'react';

/** One thing the menu does. */
export interface BoardMenuItem {
  key: string;
  label: string;
  onSelect(): void;
  /** Cannot be undone (deleting the board): shown apart from the rest, in the NHS red warning style. */
  danger?: boolean;
}

interface BoardMenuProps {
  /** What the button shows. */
  label: string;
  /** More words for screen readers after the label ("for this board"): the name still begins with what is shown (WCAG 2.5.3). */
  hiddenLabel?: string;
  items: BoardMenuItem[];
  /** The menu's button, for a dialog opened from the menu to give focus back to. */
  buttonRef: RefObject<HTMLButtonElement | null>;
  /** Drawn before the arrow, such as a count. */
  children?: ReactNode;
}

/**
 * The board's rarely used controls, out of the facilitator's bar: a disclosure, a button with aria-expanded
 * that shows a list of buttons under it (the WAI-ARIA Authoring Practices'
 * disclosure pattern, which needs no application-style keys to learn).
 * Tab and Shift+Tab move through the items, as do the arrow keys, Home and
 * End; Escape closes it and puts focus back on its button; so does choosing
 * an item, which may then move focus on (a dialog, say). Leaving it with Tab,
 * or pressing anywhere else, closes it.
 */
export function BoardMenu({ label, hiddenLabel, items, buttonRef, children }: BoardMenuProps) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (event.target instanceof Node && !wrapper.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const itemButtons = () => [...(wrapper.current?.querySelectorAll<HTMLButtonElement>('.board-menu__item') ?? [])];

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!open) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return;
    }
    const all = itemButtons();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const focusAt = (index: number) => all[(index + all.length) % all.length]?.focus();
    const moves: Record<string, () => void> = {
      ArrowDown: () => focusAt(at + 1),
      ArrowUp: () => focusAt(at < 0 ? -1 : at - 1),
      Home: () => focusAt(0),
      End: () => focusAt(-1),
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
    }
  };

  const regular = items.filter((item) => !item.danger);
  const dangerous = items.filter((item) => item.danger);
  const renderItem = (item: BoardMenuItem) => (
    <li key={item.key}>
      <button
        type="button"
        className={`board-menu__item${item.danger ? ' board-menu__item--danger' : ''}`}
        onClick={() => {
          close();
          item.onSelect();
        }}
      >
        {item.label}
      </button>
    </li>
  );

  return (
    <div
      ref={wrapper}
      className="board-menu"
      onKeyDown={onKeyDown}
      // Tab out of the last item (or Shift+Tab out of the button) leaves the menu: it closes behind the person.
      onBlur={(event) => {
        if (open && !(event.relatedTarget instanceof Node && wrapper.current?.contains(event.relatedTarget))) setOpen(false);
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="button button--small button--secondary board-menu__button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        {label}
        {hiddenLabel && <span className="visually-hidden"> {hiddenLabel}</span>}
        {children}
        <span className="board-menu__arrow" aria-hidden="true">
          ▾
        </span>
      </button>
      <div id={listId} className="board-menu__panel" hidden={!open}>
        {regular.length > 0 && <ul className="board-menu__list">{regular.map(renderItem)}</ul>}
        {dangerous.length > 0 && <ul className="board-menu__list board-menu__list--danger">{dangerous.map(renderItem)}</ul>}
      </div>
    </div>
  );
}
