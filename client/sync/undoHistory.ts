import * as Y from 'yjs';
import { DocKey, topMap } from '../../shared/document/doc';

/** Typing with pauses shorter than this is one undo step (docs/client.md, "Live text and undo"). */
const TEXT_UNDO_CAPTURE_MS = 500;

/** The parts of the board whose changes undo takes back. */
const UNDOABLE_ROOTS = [DocKey.notes, DocKey.board, DocKey.themes, DocKey.actions, DocKey.actionSteps, DocKey.diagrams, DocKey.driverNodes];

/**
 * One person's undo and redo on one board document. Only changes made with
 * the connection's own origin are taken back, never anyone else's. Every
 * action is a step of its own (`endStep`), except a burst of typing in one
 * shared-text field, which is one step (`typing`).
 */
export class UndoHistory {
  private readonly manager: Y.UndoManager;
  /** The shared-text field last typed into, so typing in another one starts a new step. */
  private lastTypedField: string | null = null;

  /** @param changed called whenever what can be undone or redone may have changed. */
  constructor(doc: Y.Doc, origin: object, changed: () => void) {
    this.manager = new Y.UndoManager(
      UNDOABLE_ROOTS.map((name) => topMap(doc, name)),
      { trackedOrigins: new Set([origin]), captureTimeout: TEXT_UNDO_CAPTURE_MS },
    );
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) {
      this.manager.on(event, changed);
    }
  }

  canUndo(): boolean {
    return this.manager.canUndo();
  }

  canRedo(): boolean {
    return this.manager.canRedo();
  }

  undo(): void {
    this.manager.undo();
  }

  redo(): void {
    this.manager.redo();
  }

  /** Ends the current step, so the next change is undone on its own. */
  endStep(): void {
    this.manager.stopCapturing();
  }

  /** Before typing into a field (`<root>/<record>/<field>`): typing in another field than last time starts a new step. */
  typing(field: string): void {
    if (field !== this.lastTypedField) this.endStep();
    this.lastTypedField = field;
  }

  destroy(): void {
    this.manager.destroy();
  }
}
