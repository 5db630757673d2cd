/** What every action factory (notes, exercise, diagrams) writes through. */
export interface WritingContext {
  /** False once the connection is closed, for someone who may not edit, or while the board is locked to them. */
  canWrite(): boolean;
  /** Ends the undo step, so each action is undone on its own (docs/client.md, "Live text and undo"). */
  endStep(): void;
}

/**
 * Runs a change when the person may write, then ends its undo step; returns
 * `otherwise` without changing anything when they may not. One gate for
 * every action, so none can forget the lock or the undo step.
 */
export function writeStep(ctx: WritingContext): <T>(change: () => T, otherwise: T) => T {
  return (change, otherwise) => {
    if (!ctx.canWrite()) return otherwise;
    const result = change();
    ctx.endStep();
    return result;
  };
}
