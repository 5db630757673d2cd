import { type KeyboardEvent, type Ref, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import './ActionMenu.css';

/** One thing the menu does. */
export interface MenuItem {
  key: string;
  label: string;
  onSelect(): void;
  /** Marks the item that is already so (the note's own theme), as a checked radio item. */
  current?: boolean;
}

/** A labelled run of items, such as the themes a note can move to. */
export interface MenuGroup {
  key: string;
  label: string;
  items: MenuItem[];
}

export type MenuEntry = MenuItem | MenuGroup;

const isGroup = (entry: MenuEntry): entry is MenuGroup => 'items' in entry;

/** What the owner of a menu can ask of it. */
export interface ActionMenuHandle {
  /** Puts focus on the menu's button (after a move re-creates the note, say). */
  focusButton(): void;
}

interface ActionMenuProps {
  /** The button's accessible name, which says what the menu acts on: "Actions for note: …". */
  label: string;
  /** What the button shows; the accessible name begins with it (WCAG 2.5.3, label in name). */
  buttonText: string;
  entries: MenuEntry[];
  handle?: Ref<ActionMenuHandle>;
  className?: string;
}

/**
 * A menu button, as the WAI-ARIA Authoring Practices' menu button pattern
 * has it: one button per note or theme instead of a row of controls on each
 * ("a compact board").
 *
 * - The button has aria-haspopup="menu" and aria-expanded. Enter, Space or
 *   Down Arrow open the menu on its first item, Up Arrow on its last.
 * - In the menu, Up and Down Arrow move (wrapping), Home and End jump, a
 *   letter moves to the next item starting with it, Enter or Space chooses.
 * - Escape closes it and puts focus back on the button; so does choosing an
 *   item (the item's action may then move focus on, as a move to a theme
 *   does). Tab closes it and lets focus go on its way; so does a click
 *   outside.
 *
 * Items are not in the tab order (tabIndex -1, roving focus), and the menu
 * is only in the page while it is open, so a board of many notes carries one
 * button per note, not a list of themes per note.
 */
export function ActionMenu({ label, buttonText, entries, handle, className }: ActionMenuProps) {
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);

  useImperativeHandle(handle, () => ({ focusButton: () => button.current?.focus() }), []);

  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];

  useEffect(() => {
    if (!open) return;
    const all = items();
    (open === 'last' ? all[all.length - 1] : all[0])?.focus();
    // A press anywhere outside closes the menu, as a native one would.
    const closeOutside = (event: PointerEvent) => {
      if (event.target instanceof Node && !wrapper.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const choose = (item: MenuItem) => {
    close(true);
    item.onSelect();
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    // The note around the menu must not take these keys as "pick up the note".
    event.stopPropagation();
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const focusAt = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focusAt(at + 1);
        break;
      case 'ArrowUp':
        focusAt(at - 1);
        break;
      case 'Home':
        focusAt(0);
        break;
      case 'End':
        focusAt(all.length - 1);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        close(false);
        return;
      default: {
        if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey || event.key === ' ') return;
        const letter = event.key.toLowerCase();
        const order = [...all.slice(at + 1), ...all.slice(0, at + 1)];
        order.find((item) => item.textContent?.trim().toLowerCase().startsWith(letter))?.focus();
        break;
      }
    }
    event.preventDefault();
  };

  const renderItem = (item: MenuItem, radio: boolean) => (
    <li
      key={item.key}
      role={radio ? 'menuitemradio' : 'menuitem'}
      aria-checked={radio ? Boolean(item.current) : undefined}
      tabIndex={-1}
      className="action-menu__item"
      onClick={() => choose(item)}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        event.stopPropagation();
        choose(item);
      }}
    >
      {radio && (
        <span className="action-menu__check" aria-hidden="true">
          {item.current ? '✓' : ''}
        </span>
      )}
      {item.label}
    </li>
  );

  return (
    <div
      ref={wrapper}
      className={`action-menu${className ? ` ${className}` : ''}`}
      // A press on the menu must not start a drag of the note it sits on.
      onPointerDown={(event) => event.stopPropagation()}
      onKeyDown={(event) => {
        // Nor may Space or Enter on the button pick the note up.
        if (event.key === ' ' || event.key === 'Enter') event.stopPropagation();
      }}
    >
      <button
        ref={button}
        type="button"
        className="action-menu__button"
        aria-haspopup="menu"
        aria-expanded={Boolean(open)}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => (open ? close(true) : setOpen('first'))}
        onKeyDown={onButtonKeyDown}
      >
        {buttonText}
        <span aria-hidden="true" className="action-menu__arrow">
          ▾
        </span>
      </button>
      {open && (
        <ul ref={menu} id={menuId} role="menu" aria-label={label} className="action-menu__menu" onKeyDown={onMenuKeyDown}>
          {entries.map((entry, index) =>
            isGroup(entry) ? (
              <li key={entry.key} role="none">
                {index > 0 && <div role="separator" className="action-menu__separator" />}
                <p className="action-menu__group-label" id={`${menuId}-${entry.key}`} aria-hidden="true">
                  {entry.label}
                </p>
                <ul role="group" aria-labelledby={`${menuId}-${entry.key}`} className="action-menu__group">
                  {entry.items.map((item) => renderItem(item, entry.items.some((candidate) => candidate.current !== undefined)))}
                </ul>
              </li>
            ) : (
              renderItem(entry, false)
            ),
          )}
        </ul>
      )}
    </div>
  );
}
