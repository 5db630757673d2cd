import type * as Y from 'yjs';
import { DocKey, PrivateDocKey } from '../../shared/document/doc';
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
import { chooseTemplate, readSession, setFacilitatorView, setLocked, setSessionFlag, summonEveryone, updateSettings } from '../../shared/document/session';
import { addTheme, deleteTheme, groupNotes, moveNoteToTheme, readThemes, renameTheme } from '../../shared/document/themes';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { balanceGroups } from '../../shared/rules/laneBalance';
import { clearTimer, extendTimer, pauseTimer, setTimer, setTimerSound, startTimer } from '../../shared/document/timer';
import { changeOwnVote, readOwnBallot, readVoteTally } from '../../shared/document/votes';
import type { Role } from '../../shared/schema/api';
import type { ParticipantId, PerspectiveId } from '../../shared/schema/ids';
import { serverNow } from '../state/serverClock';
import { emptyExerciseState } from './boardStore';
import { ASSESSMENT_BOARD_SLICES, ASSESSMENT_PRIVATE_SLICES, createAssessmentActions } from './assessment';
import { CYCLE_BOARD_SLICES } from './cycle';
import { keepUnchanged } from './keepUnchanged';
import type { ExerciseActions, ExerciseState, PrivateStatus } from './types';
import { writeStep } from './writeStep';

/**
 * Each top-level root of the board document and the slices of the exercise
 * state read from it. A transaction that changed none of a root's records
 * leaves its slices as they were (docs/client.md, "Reading the exercise").
 */
const BOARD_SLICES: Readonly<Record<string, (doc: Y.Doc) => Partial<ExerciseState>>> = {
  [DocKey.session]: (doc) => ({ session: readSession(doc) }),
  [DocKey.perspectives]: (doc) => ({ perspectives: readPerspectives(doc) }),
  [DocKey.members]: (doc) => ({ members: Object.fromEntries(readMembers(doc)) }),
  [DocKey.progress]: (doc) => {
    const progress = readProgress(doc);
    return { draftCounts: progress.drafts, voters: progress.voters, dotsPlaced: progress.dots, raters: progress.raters };
  },
  [DocKey.themes]: (doc) => ({ themes: readThemes(doc) }),
  [DocKey.actions]: (doc) => ({ actions: readActions(doc) }),
  [DocKey.actionResponses]: (doc) => ({ responses: Object.fromEntries(readActionResponses(doc)) }),
  [DocKey.actionChecks]: (doc) => ({ checks: Object.fromEntries(readNextStepChecks(doc)) }),
  [DocKey.actionEvaluations]: (doc) => ({ evaluations: Object.fromEntries(readEvaluationPlans(doc)) }),
  [DocKey.actionSteps]: (doc) => ({ steps: Object.fromEntries(readActionSteps(doc)) }),
  [DocKey.votes]: (doc) => ({ voteTally: readVoteTally(doc) }),
  ...ASSESSMENT_BOARD_SLICES,
  ...CYCLE_BOARD_SLICES,
};

/** The same for this person's private document; without one (a viewer) its slices are empty. */
const PRIVATE_SLICES: Readonly<Record<string, (privateDoc: Y.Doc | null) => Partial<ExerciseState>>> = {
  [PrivateDocKey.drafts]: (privateDoc) => ({ myDrafts: privateDoc ? readNotes(privateDoc) : [] }),
  [PrivateDocKey.votes]: (privateDoc) => ({ myBallot: privateDoc ? readOwnBallot(privateDoc) : {} }),
  ...ASSESSMENT_PRIVATE_SLICES,
};

/** The roots of the records a transaction changed (`recordKeysChangedBy` names them `<root>/<key>`) that hold slices. */
function slicedRoots(records: readonly string[], slices: Readonly<Record<string, unknown>>, into: Set<string>): void {
  for (const record of records) {
    const slash = record.indexOf('/');
    const root = slash < 0 ? record : record.slice(0, slash);
    if (Object.prototype.hasOwnProperty.call(slices, root)) into.add(root);
  }
}

/**
 * Reads the exercise out of the board document and this person's private
 * one, a slice at a time: only the slices whose roots a transaction changed
 * are read again, and what reads the same as before keeps its object, down
 * to each record (docs/client.md, "Reading the exercise").
 */
export class ExerciseStateReader {
  private readonly changedBoardRoots = new Set<string>();
  private readonly changedPrivateRoots = new Set<string>();
  /** The documents last read: a new one (after a refused change) is read whole. */
  private boardDoc: Y.Doc | null = null;
  private privateDoc: Y.Doc | null | undefined = undefined;

  /** Notes what a board transaction changed, as `recordKeysChangedBy` gives it. */
  noteBoardChanges(records: readonly string[]): void {
    slicedRoots(records, BOARD_SLICES, this.changedBoardRoots);
  }

  /** Notes what a transaction on the private document changed, as `recordKeysChangedBy` gives it. */
  notePrivateChanges(records: readonly string[]): void {
    slicedRoots(records, PRIVATE_SLICES, this.changedPrivateRoots);
  }

  /** The state now: `previous` itself when nothing in it changed, else a copy sharing every unchanged part. */
  read(doc: Y.Doc, privateDoc: Y.Doc | null, privateStatus: PrivateStatus, previous: ExerciseState): ExerciseState {
    if (doc !== this.boardDoc) {
      this.boardDoc = doc;
      for (const root of Object.keys(BOARD_SLICES)) this.changedBoardRoots.add(root);
    }
    if (privateDoc !== this.privateDoc) {
      this.privateDoc = privateDoc;
      for (const root of Object.keys(PRIVATE_SLICES)) this.changedPrivateRoots.add(root);
    }
    const fresh: Partial<ExerciseState> = {};
    for (const root of this.changedBoardRoots) Object.assign(fresh, BOARD_SLICES[root]!(doc));
    for (const root of this.changedPrivateRoots) Object.assign(fresh, PRIVATE_SLICES[root]!(privateDoc));
    this.changedBoardRoots.clear();
    this.changedPrivateRoots.clear();
    return keepUnchanged(previous, { ...previous, ...fresh, privateStatus });
  }
}

/** Reads the whole exercise out of the board document and this person's private one. */
export function readExerciseState(doc: Y.Doc, privateDoc: Y.Doc | null, privateStatus: PrivateStatus): ExerciseState {
  return new ExerciseStateReader().read(doc, privateDoc, privateStatus, emptyExerciseState());
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
  const write = writeStep(ctx);
  const me = () => (ctx.participant?.participantId ?? null) as ParticipantId | null;
  const limits = () => {
    const session = readSession(doc);
    return { budget: session.voteBudget, cap: session.voteCap };
  };

  return {
    ...createAssessmentActions(ctx),
    chooseTemplate: (template) => asFacilitator(() => chooseTemplate(doc, template, origin)),
    updateSettings: (settings) => asFacilitator(() => updateSettings(doc, settings, origin)),
    renamePerspective: (id, name) => asFacilitator(() => renamePerspective(doc, id, name, origin)),
    addPerspective: (name) => asFacilitator(() => addPerspective(doc, name, origin)),
    removePerspective: (id) => asFacilitator(() => removePerspective(doc, id, origin)),
    changePhase: (phase) => (isFacilitator() ? changePhase(doc, phase, 'facilitator', origin) : 'Only the facilitator moves the workshop between phases.'),
    setLocked: (locked) => asFacilitator(() => setLocked(doc, locked, origin)),
    summon: (place) => asFacilitator(() => summonEveryone(doc, place, origin)),
    setFacilitatorView: (view) => asFacilitator(() => setFacilitatorView(doc, view, origin)),
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
