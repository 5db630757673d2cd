import type * as Y from 'yjs';
import {
  addAction,
  addActionSteps,
  deleteAction,
  deleteActionStep,
  readActionSteps,
  updateActionStep,
  readActionResponses,
  readActions,
  readEvaluationPlans,
  readNextStepChecks,
  respondToAction,
  setEvaluationStep,
  setNextStepCheck,
  updateAction,
} from '../../shared/document/actions';
import { readProgress } from '../../shared/document/drafts';
import { addNote, deleteNote, readNotes, updateNote } from '../../shared/document/notes';
import { changePhase, markActionsAgreed, readActionAdditionProblem } from '../../shared/document/phases';
import {
  addPerspective,
  readMembers,
  readPerspectives,
  removePerspective,
  renamePerspective,
  setGroup,
  setReady,
} from '../../shared/document/perspectives';
import { chooseTemplate, readSession, setLocked, setSessionFlag, summonEveryone, updateSettings } from '../../shared/document/session';
import { addTheme, deleteTheme, groupNotes, moveNoteToTheme, readThemes, renameTheme } from '../../shared/document/themes';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { balanceGroups } from '../../shared/rules/laneBalance';
import { clearTimer, extendTimer, pauseTimer, setTimer, setTimerSound, startTimer } from '../../shared/document/timer';
import { changeOwnVote, readOwnBallot, readVoteTally } from '../../shared/document/votes';
import type { Role } from '../../shared/schema/api';
import type { ParticipantId, PerspectiveId } from '../../shared/schema/ids';
import { serverNow } from '../state/serverClock';
import type { ExerciseActions, ExerciseState, PrivateStatus } from './types';

/** Reads the exercise out of the board document and this person's private one. */
export function readExerciseState(doc: Y.Doc, privateDoc: Y.Doc | null, privateStatus: PrivateStatus): ExerciseState {
  const progress = readProgress(doc);
  return {
    session: readSession(doc),
    perspectives: readPerspectives(doc),
    members: Object.fromEntries(readMembers(doc)),
    draftCounts: progress.drafts,
    voters: progress.voters,
    themes: readThemes(doc),
    actions: readActions(doc),
    responses: Object.fromEntries(readActionResponses(doc)),
    checks: Object.fromEntries(readNextStepChecks(doc)),
    evaluations: Object.fromEntries(readEvaluationPlans(doc)),
    steps: Object.fromEntries(readActionSteps(doc)),
    voteTally: readVoteTally(doc),
    myDrafts: privateDoc ? readNotes(privateDoc) : [],
    myBallot: privateDoc ? readOwnBallot(privateDoc) : {},
    privateStatus,
  };
}

/** What the exercise actions work on. */
export interface ExerciseContext {
  doc: Y.Doc;
  /** Null for a viewer, who has no private document. */
  privateDoc: Y.Doc | null;
  origin: object;
  role: Role;
  participant: { participantId: string; displayName: string } | null;
  /** False once the connection is closed, or for someone who may not edit. */
  canWrite(): boolean;
  /** Ends the undo step, so each action is undone on its own. */
  endStep(): void;
}

/**
 * The exercise's actions for one connection. Each checks, as the server
 * will, that this person may take it, so the screen never shows a change
 * the server would refuse.
 */
export function createExerciseActions(ctx: ExerciseContext): ExerciseActions {
  const { doc, privateDoc, origin } = ctx;
  const isFacilitator = () => ctx.role === 'facilitator' && ctx.canWrite();
  const asFacilitator = (change: () => void): void => {
    if (isFacilitator()) change();
  };
  const write = <T>(change: () => T, otherwise: T): T => {
    if (!ctx.canWrite()) return otherwise;
    const result = change();
    ctx.endStep();
    return result;
  };
  const me = () => (ctx.participant?.participantId ?? null) as ParticipantId | null;
  const limits = () => {
    const session = readSession(doc);
    return { budget: session.voteBudget, cap: session.voteCap };
  };

  return {
    chooseTemplate: (template) => asFacilitator(() => chooseTemplate(doc, template, origin)),
    updateSettings: (settings) => asFacilitator(() => updateSettings(doc, settings, origin)),
    renamePerspective: (id, name) => asFacilitator(() => renamePerspective(doc, id, name, origin)),
    addPerspective: (name) => asFacilitator(() => addPerspective(doc, name, origin)),
    removePerspective: (id) => asFacilitator(() => removePerspective(doc, id, origin)),
    changePhase: (phase) => (isFacilitator() ? changePhase(doc, phase, 'facilitator', origin) : 'Only the facilitator moves the workshop between phases.'),
    setLocked: (locked) => asFacilitator(() => setLocked(doc, locked, origin)),
    summon: (place) => asFacilitator(() => summonEveryone(doc, place, origin)),
    setGroup: (participantId, perspectiveId) => {
      if (!isFacilitator() && participantId !== me()) return;
      write(() => setGroup(doc, participantId as ParticipantId, perspectiveId, origin), undefined);
    },
    balanceGroups: (participantIds) =>
      asFacilitator(() => {
        const placed = balanceGroups(readPerspectives(doc), readMembers(doc), participantIds);
        doc.transact(() => {
          for (const [id, group] of placed) setGroup(doc, id as ParticipantId, group, origin);
        }, origin);
      }),
    setReady: (ready) => {
      const self = me();
      if (self) write(() => setReady(doc, self, ready, origin), undefined);
    },
    addDraft: (perspectiveId: PerspectiveId, text: string) => {
      const participant = ctx.participant;
      if (!privateDoc || !participant || !ctx.canWrite() || !text.trim()) return null;
      return addNote(
        privateDoc,
        { text: text.trim(), x: 0, y: 0, perspectiveId, authorId: participant.participantId as ParticipantId, authorName: participant.displayName },
        origin,
      );
    },
    updateDraft: (id, text) => {
      if (privateDoc && ctx.canWrite()) updateNote(privateDoc, id, { text }, origin);
    },
    deleteDraft: (id) => {
      if (privateDoc && ctx.canWrite()) deleteNote(privateDoc, id, origin);
    },
    addTheme: (title, noteIds) => write(() => addTheme(doc, { title, noteIds }, origin), null),
    renameTheme: (id, title) => write(() => renameTheme(doc, id, title, origin), false),
    deleteTheme: (id) => write(() => deleteTheme(doc, id, origin), undefined),
    moveNoteToTheme: (noteId, themeId) => write(() => moveNoteToTheme(doc, noteId, themeId, origin), false),
    groupNotes: (draggedId, targetId) => write(() => groupNotes(doc, draggedId, targetId, origin), null),
    changeVote: (itemId, delta) => {
      if (!privateDoc || !ctx.canWrite() || readSession(doc).votingClosed) return false;
      return changeOwnVote(privateDoc, itemId, delta, limits(), origin);
    },
    setVotingClosed: (closed) => asFacilitator(() => setSessionFlag(doc, 'votingClosed', closed, origin)),
    // An agreed plan takes no new action until the facilitator reopens it (docs/exercise.md).
    addAction: (themeId, topic) => (readActionAdditionProblem(doc, ctx.role) ? null : write(() => addAction(doc, { themeId, topic }, origin), null)),
    updateAction: (id, changes) => write(() => updateAction(doc, id, changes, origin), false),
    deleteAction: (id) => write(() => deleteAction(doc, id, origin), undefined),
    addActionStep: (id, text) => write(() => addActionSteps(doc, id, [{ text }], origin), []),
    updateActionStep: (id, stepId, changes) => write(() => updateActionStep(doc, id, stepId, changes, origin), undefined),
    deleteActionStep: (id, stepId) => write(() => deleteActionStep(doc, id, stepId, origin), undefined),
    respondToAction: (id, response) => {
      const self = me();
      if (self) write(() => respondToAction(doc, id, self, response, origin), undefined);
    },
    setNextStepCheck: (id, question, check) => write(() => setNextStepCheck(doc, id, question, check, origin), undefined),
    setEvaluationStep: (id, step, text) => write(() => setEvaluationStep(doc, id, step, text, origin), undefined),
    markActionsAgreed: (agreed) =>
      isFacilitator() ? markActionsAgreed(doc, agreed, origin) : ['Only the facilitator marks the actions agreed.'],
    setTimer: (durationMs, sound) => asFacilitator(() => setTimer(doc, durationMs, sound, origin)),
    setTimerSound: (sound) => asFacilitator(() => setTimerSound(doc, sound, origin)),
    startTimer: () => asFacilitator(() => startTimer(doc, serverNow(), origin)),
    pauseTimer: () => asFacilitator(() => pauseTimer(doc, serverNow(), origin)),
    extendTimer: (extraMs) => asFacilitator(() => extendTimer(doc, extraMs, serverNow(), origin)),
    clearTimer: () => asFacilitator(() => clearTimer(doc, origin)),
    snapshot: () => readBoardSnapshot(doc),
  };
}
