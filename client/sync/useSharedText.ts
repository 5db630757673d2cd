import { type ChangeEvent, type SyntheticEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DocKey } from '../../shared/document/doc';
import type { TextFieldAddress } from '../../shared/document/text';
import { stepKey } from '../../shared/document/actions';
import type { ActionId, ActionStepId, DiagramId, DriverNodeId, ThemeId } from '../../shared/schema/ids';
import type { ActionTextField } from '../../shared/schema/exercise';
import { useSharedTextField } from './BoardProvider';
import type { SelectionAnchor } from './sharedText';

export type { TextFieldAddress };

type TextInput = HTMLInputElement | HTMLTextAreaElement;

/** The address of one written column of an action, for `useSharedText`. */
export function actionTextField(id: ActionId, field: ActionTextField): TextFieldAddress {
  return { root: DocKey.actions, record: id, field };
}

/** The address of a step's text, for `useSharedText`. */
export function stepTextField(actionId: ActionId, stepId: ActionStepId): TextFieldAddress {
  return { root: DocKey.actionSteps, record: stepKey(actionId, stepId), field: 'text' };
}

/** The address of a theme's title, for `useSharedText`. */
export function themeTitleField(id: ThemeId): TextFieldAddress {
  return { root: DocKey.themes, record: id, field: 'title' };
}

/** The address of a diagram's title, aim or aim's measure, for `useSharedText`. */
export function diagramTextField(id: DiagramId, field: 'title' | 'aim' | 'aimMeasure'): TextFieldAddress {
  return { root: DocKey.diagrams, record: id, field };
}

/** The address of a driver node's text or measure, for `useSharedText`. */
export function driverNodeTextField(id: DriverNodeId, field: 'text' | 'measure'): TextFieldAddress {
  return { root: DocKey.driverNodes, record: id, field };
}

/** The props that bind an <input> or <textarea> to a shared-text field. */
export interface SharedTextProps<Element extends TextInput> {
  ref: React.RefObject<Element | null>;
  value: string;
  onChange(event: ChangeEvent<Element>): void;
  onSelect(event: SyntheticEvent<Element>): void;
  /** Marks the field as the board's, so Ctrl+Z in it is the board's undo (client/screens/shell/useBoardUndo.ts). */
  'data-shared-text': true;
}

/**
 * Binds an <input> or <textarea> to a shared-text field, so that several
 * people type into it at once and each keeps their caret (see
 * client/sync/sharedText.ts). Where the board has no live document (a
 * component test's session), the field shows `fallback` and reports each
 * change to `onFallbackChange`.
 */
export function useSharedText<Element extends TextInput>(
  address: TextFieldAddress,
  fallback: string,
  onFallbackChange: (next: string) => void,
): SharedTextProps<Element> {
  const { root, record, field: name } = address;
  const stableAddress = useMemo(() => ({ root, record, field: name }), [root, record, name]);
  const field = useSharedTextField(stableAddress);
  const ref = useRef<Element | null>(null);
  const anchor = useRef<SelectionAnchor | null>(null);
  const [value, setValue] = useState(() => field?.read() ?? fallback);

  const remember = useCallback(() => {
    const input = ref.current;
    if (field && input) anchor.current = field.anchor(input.selectionStart ?? 0, input.selectionEnd ?? 0);
  }, [field]);

  useEffect(() => {
    if (!field) return undefined;
    setValue(field.read());
    return field.subscribe(() => {
      const next = field.read();
      const input = ref.current;
      // Someone else's text arrived: put it in the input now and the caret back beside the same characters.
      if (input && input.value !== next) {
        const focused = input.ownerDocument.activeElement === input;
        const selection = focused && anchor.current ? field.resolve(anchor.current) : null;
        input.value = next;
        if (selection) input.setSelectionRange(selection.start, selection.end);
        if (focused) remember();
      }
      setValue(next);
    });
  }, [field, remember]);

  if (!field) return { ref, value: fallback, onChange: (event) => onFallbackChange(event.target.value), onSelect: () => undefined, 'data-shared-text': true };
  return {
    'data-shared-text': true,
    ref,
    value,
    onChange: (event) => {
      const input = event.target;
      setValue(input.value);
      field.edit(input.value, input.selectionEnd ?? undefined);
      remember();
    },
    onSelect: remember,
  };
}
