import { type Action, MAX_AGREED_ACTIONS, MIN_AGREED_ACTIONS } from '../schema/exercise';

/** What an action still lacks before anyone can act on it: warnings to show beside it. */
export function actionWarnings(action: Pick<Action, 'owner' | 'timescale' | 'success'>): string[] {
  const warnings: string[] = [];
  if (!action.owner.trim()) warnings.push('No owner: who makes sure it happens?');
  if (!action.timescale) warnings.push('No timescale: by when?');
  if (!action.success.trim()) warnings.push('No success criteria: how will you know it worked?');
  return warnings;
}

/**
 * Why the set of actions cannot be marked agreed yet, in words for the
 * screen; empty when it can. The guide's rule: three to five actions, and
 * each needs an owner and a timescale before anyone can act on it.
 */
export function agreementProblems(actions: readonly Action[]): string[] {
  const problems: string[] = [];
  if (actions.length < MIN_AGREED_ACTIONS) {
    const missing = MIN_AGREED_ACTIONS - actions.length;
    problems.push(`Agree at least ${MIN_AGREED_ACTIONS} actions: add ${missing} more.`);
  }
  if (actions.length > MAX_AGREED_ACTIONS) {
    const extra = actions.length - MAX_AGREED_ACTIONS;
    problems.push(`Agree at most ${MAX_AGREED_ACTIONS} actions: remove or merge ${extra}.`);
  }
  actions.forEach((action, index) => {
    const name = action.action.trim() || action.topic.trim() || `Action ${index + 1}`;
    const lacks = [!action.owner.trim() && 'an owner', !action.timescale && 'a timescale'].filter(Boolean);
    if (lacks.length > 0) problems.push(`“${name}” needs ${lacks.join(' and ')}.`);
  });
  return problems;
}
