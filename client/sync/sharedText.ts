import * as Y from 'yjs';
import { editTextField, readTextField, type TextFieldAddress } from '../../shared/document/text';
import { topMap } from '../../shared/document/doc';

/**
 * One shared-text field (docs/document-layout.md, "Shared text") bound for
 * an <input> or <textarea>: what it holds, word when it changes, edits as
 * the smallest insert and delete, and the caret kept as Yjs relative
 * positions, which stay beside the same characters whatever others type
 * before them.
 */
export interface SharedTextField {
  read(): string;
  /** Calls `listener` after every change to the field, this device's own included. Returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Writes what the input now holds; `caret` is where its caret is after the person's edit. */
  edit(next: string, caret: number | undefined): void;
  /** A selection as positions that survive others' edits. */
  anchor(start: number, end: number): SelectionAnchor | null;
  /** Where an anchored selection is now, or null when its characters are gone with the text. */
  resolve(anchor: SelectionAnchor): { start: number; end: number } | null;
}

/** A selection held as relative positions in one `Y.Text`. */
export interface SelectionAnchor {
  text: Y.Text;
  start: Y.RelativePosition;
  end: Y.RelativePosition;
}

/** What a bound field writes with: the connection's document (which a resync replaces), its origin, and whether it may write. */
export interface SharedTextContext {
  doc(): Y.Doc;
  origin: object;
  canWrite(): boolean;
  /** Called before each edit with the field it goes to, so a burst of typing in one field never shares an undo step with another field. */
  beforeEdit(address: TextFieldAddress): void;
  /** Calls `listener` each time the connection replaces its document (after a refused change, docs/client.md "The locked board"). Returns the unsubscribe. */
  onDocumentReplaced(listener: () => void): () => void;
}

/** Binds one shared-text field of the board. */
export function bindSharedText(context: SharedTextContext, address: TextFieldAddress): SharedTextField {
  const text = () => readTextField(context.doc(), address);
  const record = () => topMap(context.doc(), address.root).get(address.record);
  return {
    read: () => text()?.toString() ?? '',
    subscribe(listener) {
      const onTransaction = (transaction: Y.Transaction) => {
        const current = text();
        const holder = record();
        const changed = transaction.changed as Map<unknown, unknown>;
        if ((current && changed.has(current)) || (holder instanceof Y.Map && changed.has(holder))) listener();
      };
      // The document listened to follows the connection's: a field bound before a resync hears the new one.
      let doc = context.doc();
      doc.on('afterTransaction', onTransaction);
      const stopFollowing = context.onDocumentReplaced(() => {
        doc.off('afterTransaction', onTransaction);
        doc = context.doc();
        doc.on('afterTransaction', onTransaction);
        listener();
      });
      return () => {
        stopFollowing();
        doc.off('afterTransaction', onTransaction);
      };
    },
    edit(next, caret) {
      if (!context.canWrite()) return;
      context.beforeEdit(address);
      editTextField(context.doc(), address, next, caret, context.origin);
    },
    anchor(start, end) {
      const current = text();
      if (!current) return null;
      return { text: current, start: Y.createRelativePositionFromTypeIndex(current, start), end: Y.createRelativePositionFromTypeIndex(current, end) };
    },
    resolve(anchor) {
      const doc = context.doc();
      if (text() !== anchor.text) return null;
      const start = Y.createAbsolutePositionFromRelativePosition(anchor.start, doc);
      const end = Y.createAbsolutePositionFromRelativePosition(anchor.end, doc);
      return start && end ? { start: start.index, end: end.index } : null;
    },
  };
}
