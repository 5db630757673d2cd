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

/** Where a plan stands when someone wants to add an action to it. */
export interface PlanForAddition {
  /** The facilitator has marked the set agreed. */
  actionsAgreed: boolean;
  /** How many actions the plan holds now. */
  actionCount: number;
}

/**
 * Why an action cannot be added to the plan as it stands, in words for the
 * person who tried; null when it can. An agreed plan is the set the room
 * agreed: any new action (a sixth, or one more of four without an owner or a
 * timescale) would make that agreement untrue, so the agreement must be
 * reopened first, which only the facilitator can do (docs/exercise.md).
 */
export function actionAdditionProblem(plan: PlanForAddition, isFacilitator: boolean): string | null {
  if (!plan.actionsAgreed) return null;
  if (!isFacilitator) return 'The actions are agreed: only the facilitator can reopen the agreement to add another.';
  const full =
    plan.actionCount >= MAX_AGREED_ACTIONS
      ? ` The plan already has ${plan.actionCount}, the most an agreed plan may hold: remove or merge one before agreeing again.`
      : '';
  return `The actions are agreed. Adding one reopens the agreement: mark them agreed again once each has an owner and a timescale.${full}`;
}
