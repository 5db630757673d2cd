import type * as Y from 'yjs';
import type { Phase } from '../schema/exercise';
import type { Role } from '../schema/api';
import { type PhaseContext, phaseChangeProblem } from '../rules/phaseRules';
import { readActions } from './actions';
import { actionAdditionProblem, agreementProblems } from '../rules/actionReadiness';
import { readPerspectives } from './perspectives';
import { readSession, setSessionFlag, writePhase } from './session';
import { readNotes } from './notes';
import { readThemes } from './themes';

/** Reads what the phase rules need from a board. */
export function readPhaseContext(doc: Y.Doc): PhaseContext {
  return {
    session: readSession(doc),
    perspectiveCount: readPerspectives(doc).length,
    noteCount: readNotes(doc).length,
    themeCount: readThemes(doc).length,
    actionProblems: agreementProblems(readActions(doc)),
  };
}

/** Moves the workshop to a phase if the rules allow it; returns the problem otherwise. */
export function changePhase(doc: Y.Doc, target: Phase, role: Role, origin: unknown = null): string | null {
  const problem = phaseChangeProblem(readPhaseContext(doc), target, role);
  if (problem) return problem;
  writePhase(doc, target, origin);
  return null;
}

/**
 * Marks the set of actions agreed, when it holds three to five actions each
 * with an owner and a timescale; returns the problems otherwise.
 */
export function markActionsAgreed(doc: Y.Doc, agreed: boolean, origin: unknown = null): string[] {
  if (agreed) {
    const problems = agreementProblems(readActions(doc));
    if (problems.length > 0) return problems;
  }
  setSessionFlag(doc, 'actionsAgreed', agreed, origin);
  return [];
}

/**
 * Why this person cannot add an action to the board's plan now, or null when
 * they can: the 3-to-5 rule of an agreed plan (`actionAdditionProblem`),
 * applied to a document. Every path that adds an action checks it.
 */
export function readActionAdditionProblem(doc: Y.Doc, role: Role): string | null {
  const plan = { actionsAgreed: readSession(doc).actionsAgreed, actionCount: readActions(doc).length };
  return actionAdditionProblem(plan, role === 'facilitator');
}
