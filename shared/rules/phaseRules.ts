import { type Phase, PHASES, type Session } from '../schema/exercise';
import type { Role } from '../schema/api';

/**
 * The rules of the exercise's phases, over plain data: what each phase is
 * for, their order, and what moving forward needs. No Y.Doc here, so the
 * screens use these directly; shared/document applies them to a document.
 */

/** What each phase is called, and what to do in it, for everyone and for the facilitator. */
export const PHASE_GUIDE: Record<Phase, { title: string; todo: string; facilitatorTodo: string }> = {
  setup: {
    title: 'Set up',
    todo: 'The facilitator is setting up the exercise. Join your group when asked.',
    facilitatorTodo: 'Check the perspectives, choose how groups form, then start the writing.',
  },
  write: {
    title: 'Write, in private',
    todo: 'Write what good retention looks like from your group’s perspective, one idea a note. Only you can read your notes until the reveal.',
    facilitatorTodo: 'People write in private. Watch the counts and the ready check, then reveal.',
  },
  reveal: {
    title: 'Reveal',
    todo: 'Every note is on the board. Read the other perspectives.',
    facilitatorTodo: 'Give everyone time to read all four lanes, then move on to comparing.',
  },
  compare: {
    title: 'Compare',
    todo: 'Group notes that say the same thing into themes: drag a note onto another note or a theme, or use “Move to theme”.',
    facilitatorTodo: 'Help the group name the themes. The comparison shows what the perspectives share and where they differ.',
  },
  vote: {
    title: 'Vote',
    todo: 'Place your dots on what matters most. Nobody sees the votes until voting closes.',
    facilitatorTodo: 'Close voting when everyone has placed their dots; the results are then ranked.',
  },
  actions: {
    title: 'Agree actions',
    todo: 'Draft actions from the top themes, then signal agree or concern on each.',
    facilitatorTodo: 'Agree three to five actions, each with an owner and a timescale.',
  },
  done: {
    title: 'Done',
    todo: 'The summary of the workshop: the agreed actions, the themes and the four perspectives.',
    facilitatorTodo: 'The summary of the workshop: the agreed actions, the themes and the four perspectives.',
  },
};

/** The phase after this one, or null at the end. */
export function nextPhase(phase: Phase): Phase | null {
  return PHASES[PHASES.indexOf(phase) + 1] ?? null;
}

/** The phase before this one, or null at the start. */
export function previousPhase(phase: Phase): Phase | null {
  return PHASES[PHASES.indexOf(phase) - 1] ?? null;
}

/** True when the drafts have been (or are being) revealed by this phase. */
export function phaseRevealsDrafts(phase: Phase): boolean {
  return PHASES.indexOf(phase) >= PHASES.indexOf('reveal');
}

/** What the phase rules look at. */
export interface PhaseContext {
  session: Session;
  perspectiveCount: number;
  noteCount: number;
  themeCount: number;
  actionProblems: string[];
}

/**
 * Why the board cannot move to `target`, in words for the facilitator, or
 * null when it can. Moving back is always allowed (to revisit, or to let
 * people write more); moving forward needs what the next phase works on.
 */
export function phaseChangeProblem(context: PhaseContext, target: Phase, role: Role): string | null {
  if (role !== 'facilitator') return 'Only the facilitator moves the workshop between phases.';
  const { session } = context;
  if (session.template !== 'four-perspectives') return 'This board is a blank board: it has no phases.';
  const from = PHASES.indexOf(session.phase);
  const to = PHASES.indexOf(target);
  if (to <= from) return null;
  if (to >= PHASES.indexOf('write') && context.perspectiveCount === 0) return 'Add at least one perspective first.';
  if (to >= PHASES.indexOf('vote') && session.voteTarget === 'themes' && context.themeCount === 0) {
    return 'Group the notes into at least one theme before voting on themes.';
  }
  if (to >= PHASES.indexOf('vote') && session.voteTarget === 'notes' && context.noteCount === 0) {
    return 'There are no notes to vote on yet.';
  }
  if (to >= PHASES.indexOf('done') && !session.actionsAgreed) {
    return context.actionProblems.length > 0
      ? `The actions are not agreed yet. ${context.actionProblems.join(' ')}`
      : 'Mark the actions as agreed first.';
  }
  return null;
}

