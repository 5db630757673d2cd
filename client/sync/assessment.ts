import type * as Y from 'yjs';
import {
  addAssessmentTopic,
  deleteAssessmentTopic,
  moveAssessmentTopic,
  readAgreedRatings,
  readAssessmentSpread,
  readAssessmentTopics,
  readOwnRatings,
  renameAssessmentTopic,
  setAgreedRating,
  setOwnEvidence,
  setOwnRating,
} from '../../shared/document/assessment';
import { DocKey, PrivateDocKey } from '../../shared/document/doc';
import { setSessionFlag } from '../../shared/document/session';
import type { Role } from '../../shared/schema/api';
import type { ExerciseState, AssessmentActions } from './types';
import { writeStep, type WritingContext } from './writeStep';

/*
 * The self-assessment as the screens see it: the board's topics,
 * the spread the server publishes at the reveal and the ratings the group
 * agreed, and this person's own ratings from their private document, which
 * nobody else ever receives (docs/exercise.md, "Private writing: a document
 * per person"). Read a slice per root, like the rest of the exercise
 * (docs/client.md, "Reading the exercise").
 */

/** The self-assessment's slices of the board document, by the root each is read from. */
export const ASSESSMENT_BOARD_SLICES: Readonly<Record<string, (doc: Y.Doc) => Partial<ExerciseState>>> = {
  [DocKey.assessmentTopics]: (doc) => ({ assessmentTopics: readAssessmentTopics(doc) }),
  [DocKey.assessmentSpread]: (doc) => ({ assessmentSpread: readAssessmentSpread(doc) }),
  [DocKey.assessmentAgreed]: (doc) => ({ agreedRatings: Object.fromEntries(readAgreedRatings(doc)) }),
};

/** This person's ratings, from their private document; a viewer has none. */
export const ASSESSMENT_PRIVATE_SLICES: Readonly<Record<string, (privateDoc: Y.Doc | null) => Partial<ExerciseState>>> = {
  [PrivateDocKey.ratings]: (privateDoc) => ({ myRatings: privateDoc ? Object.fromEntries(readOwnRatings(privateDoc)) : {} }),
};

/** What the self-assessment's actions work on. */
export interface AssessmentContext extends WritingContext {
  doc: Y.Doc;
  /** Null for a viewer, who has no private document. */
  privateDoc: Y.Doc | null;
  origin: object;
  role: Role;
}

/**
 * The self-assessment's actions for one connection. Rating is this person's
 * own, in their private document; everything on the board (the reveal, the
 * agreed ratings, the topics) is the facilitator's, and does nothing for
 * anyone else, as the server would refuse it.
 */
export function createAssessmentActions(ctx: AssessmentContext): AssessmentActions {
  const { doc, privateDoc, origin } = ctx;
  const write = writeStep(ctx);
  const asFacilitator = <T>(change: () => T, otherwise: T): T => (ctx.role === 'facilitator' ? write(change, otherwise) : otherwise);
  // Ratings, like dots, are held back while the board is locked (docs/client.md, "The locked board").
  const asRater = (change: (own: Y.Doc) => void): void => {
    if (privateDoc) write(() => change(privateDoc), undefined);
  };
  return {
    rate: (topicId, rating) => asRater((own) => setOwnRating(own, topicId, rating, origin)),
    setEvidence: (topicId, evidence) => asRater((own) => setOwnEvidence(own, topicId, evidence, origin)),
    // The server publishes (or withdraws) the spread when it sees this flag change, as it reveals drafts.
    revealAssessment: (revealed) => asFacilitator(() => setSessionFlag(doc, 'assessmentRevealed', revealed, origin), undefined),
    agree: (topicId, rating, note) => asFacilitator(() => setAgreedRating(doc, topicId, rating ? { rating, note } : null, origin), undefined),
    addTopic: (title) => asFacilitator(() => addAssessmentTopic(doc, title, origin), null),
    renameTopic: (topicId, title) => asFacilitator(() => renameAssessmentTopic(doc, topicId, title, origin), false),
    deleteTopic: (topicId) => asFacilitator(() => deleteAssessmentTopic(doc, topicId, origin), undefined),
    moveTopic: (topicId, toIndex) => asFacilitator(() => moveAssessmentTopic(doc, topicId, toIndex, origin), undefined),
  };
}
