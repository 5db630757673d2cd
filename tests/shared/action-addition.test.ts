import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAction, importPlanActions, readActions, updateAction } from '../../shared/document/actions';
import { markActionsAgreed, readActionAdditionProblem } from '../../shared/document/phases';
import { readSession } from '../../shared/document/session';
import { actionAdditionProblem } from '../../shared/rules/actionReadiness';

function agreedBoard(actionCount: number): Y.Doc {
  const doc = new Y.Doc();
  for (let i = 0; i < actionCount; i++) {
    const id = addAction(doc, { topic: `Topic ${i}`, now: i });
    updateAction(doc, id, { owner: 'HR lead', timescale: { kind: 'duration', amount: 3, unit: 'months' } });
  }
  expect(markActionsAgreed(doc, true)).toEqual([]);
  return doc;
}

describe('adding an action to the plan keeps the 3-to-5 rule', () => {
  it('lets anyone add an action while the plan is not agreed', () => {
    expect(actionAdditionProblem({ actionsAgreed: false, actionCount: 5 }, false)).toBeNull();
    expect(actionAdditionProblem({ actionsAgreed: false, actionCount: 9 }, true)).toBeNull();
  });

  it('asks the facilitator to reopen an agreed plan of five, and says five is the most', () => {
    const problem = actionAdditionProblem({ actionsAgreed: true, actionCount: 5 }, true);
    expect(problem).toMatch(/reopens the agreement/);
    expect(problem).toMatch(/the most an agreed plan may hold/);
  });

  it('asks the facilitator to reopen an agreed plan of three too, since the new action has no owner or timescale', () => {
    const problem = actionAdditionProblem({ actionsAgreed: true, actionCount: 3 }, true);
    expect(problem).toMatch(/reopens the agreement/);
    expect(problem).not.toMatch(/the most/);
  });

  it('tells a participant that only the facilitator can reopen an agreed plan', () => {
    expect(actionAdditionProblem({ actionsAgreed: true, actionCount: 4 }, false)).toBe(
      'The actions are agreed: only the facilitator can reopen the agreement to add another.',
    );
  });

  it('reads the rule from a board document for each role', () => {
    const doc = agreedBoard(5);
    expect(readActionAdditionProblem(doc, 'participant')).toMatch(/only the facilitator/);
    expect(readActionAdditionProblem(doc, 'facilitator')).toMatch(/reopens the agreement/);
    markActionsAgreed(doc, false);
    expect(readActionAdditionProblem(doc, 'participant')).toBeNull();
  });

  it('reopens the agreement when a plan is imported into an agreed board', () => {
    const doc = agreedBoard(5);
    const plan = { topic: 'Rotas', action: 'Publish rotas ahead', owner: 'Ward manager', timescale: null, steps: [], success: '', status: 'not-started' as const };
    expect(importPlanActions(doc, { source: 'plan.csv', actions: [plan] }, 1000)).toEqual({ added: 1, skipped: 0 });
    expect(readActions(doc)).toHaveLength(6);
    expect(readSession(doc).actionsAgreed).toBe(false);
  });

});
