import { useEffect, useMemo } from 'react';
import type { FacilitatorView, Perspective } from '../../shared/schema/exercise';
import { useBoardUi } from '../state/boardUi';
import { useBoardActions, useBoardIdentity, useBoardState } from './BoardProvider';
import type { ExerciseActions, ExerciseState } from './types';

/**
 * The exercise's state is read a slice at a time: each hook below subscribes
 * to one slice, and a slice (and each record in it) keeps its object until it
 * changes, so a component re-renders only for the slices it reads
 * (docs/client.md, "Reading the exercise").
 */
function useSlice<K extends keyof ExerciseState>(slice: K): ExerciseState[K] {
  return useBoardState((state) => state.exercise[slice]);
}

/** The slices kept per action, by action id. */
type PerAction = 'responses' | 'checks' | 'evaluations' | 'steps';

/** One action's record in a per-action slice, or undefined when it has none: re-renders only when that record changes. */
function useRecordOfAction<K extends PerAction>(slice: K, actionId: string): ExerciseState[K][string] | undefined {
  return useBoardState((state) => {
    const records = state.exercise[slice];
    return Object.prototype.hasOwnProperty.call(records, actionId) ? (records[actionId] as ExerciseState[K][string]) : undefined;
  });
}

/** What the facilitator steers: template, phase, settings, timer, lock. */
export function useSession(): ExerciseState['session'] {
  return useSlice('session');
}

/**
 * What the facilitator is looking at (their activity, and which driver
 * diagram), as their client last wrote it into the session; null until it
 * has. The presenter view follows it (docs/document-layout.md, `session`).
 */
export function useFacilitatorView(): FacilitatorView | null {
  return useBoardState((state) => state.exercise.session.facilitatorView);
}

/**
 * On the facilitator's screen: writes what they are looking at into the
 * session whenever they switch activity or diagram (the activity switch and
 * the diagrams panel change this screen's own UI state, client/state/boardUi.ts),
 * so the presenter view follows them. Written again when the connection
 * comes back, so a switch made offline, or a stale value a reconnect brought,
 * is put right; a second tab of the facilitator's is not fought with, since
 * only a change on this screen writes. Does nothing for anyone else.
 */
export function usePublishFacilitatorView(): void {
  const isFacilitator = useIsFacilitator();
  const activity = useBoardUi((state) => state.activity);
  const diagramId = useBoardUi((state) => state.diagramId);
  const live = useBoardState((state) => state.save.kind === 'live' || state.save.kind === 'saving');
  const { setFacilitatorView } = useExerciseActions();
  useEffect(() => {
    if (isFacilitator && live) setFacilitatorView({ activity, diagramId: activity === 'diagrams' ? diagramId : null });
  }, [isFacilitator, live, activity, diagramId, setFacilitatorView]);
}

/** The perspective lanes, in order. */
export function usePerspectives(): ExerciseState['perspectives'] {
  return useSlice('perspectives');
}

/** Everyone's group and ready flag, by participant id. */
export function useMembers(): ExerciseState['members'] {
  return useSlice('members');
}

/** Drafts not yet revealed, per lane: counts only. */
export function useDraftCounts(): ExerciseState['draftCounts'] {
  return useSlice('draftCounts');
}

/** How many people have placed a dot while votes are hidden. */
export function useVoters(): ExerciseState['voters'] {
  return useSlice('voters');
}

/**
 * How many dots everyone has placed in all while votes are hidden: one count
 * over everyone, like `useVoters`, never anyone's own (docs/exercise.md, "Anonymity").
 */
export function useDotsPlaced(): ExerciseState['dotsPlaced'] {
  return useSlice('dotsPlaced');
}

/** The themes, oldest first. */
export function useThemes(): ExerciseState['themes'] {
  return useSlice('themes');
}

/** The draft actions (the action plan's rows), oldest first. */
export function useActions(): ExerciseState['actions'] {
  return useSlice('actions');
}

/** Who agrees and who has a concern, by action id. */
export function useResponses(): ExerciseState['responses'] {
  return useSlice('responses');
}

/** Each action's next-steps check, by action id. */
export function useChecks(): ExerciseState['checks'] {
  return useSlice('checks');
}

/** Each action's evaluation plan, by action id. */
export function useEvaluations(): ExerciseState['evaluations'] {
  return useSlice('evaluations');
}

/** Each action's steps, by action id. */
export function useSteps(): ExerciseState['steps'] {
  return useSlice('steps');
}

/** The tally of everyone's dots, once voting has closed. */
export function useVoteTally(): ExerciseState['voteTally'] {
  return useSlice('voteTally');
}

/** This person's drafts. */
export function useMyDrafts(): ExerciseState['myDrafts'] {
  return useSlice('myDrafts');
}

/** This person's dots. */
export function useMyBallot(): ExerciseState['myBallot'] {
  return useSlice('myBallot');
}

/** The self-assessment's topics, in order. */
export function useAssessmentTopics(): ExerciseState['assessmentTopics'] {
  return useSlice('assessmentTopics');
}

/** This person's own ratings and evidence, by topic id: never anyone else's. */
export function useOwnRatings(): ExerciseState['myRatings'] {
  return useSlice('myRatings');
}

/** This person's rating of one topic, if they have rated it or written evidence: re-renders only when that changes. */
export function useOwnRating(topicId: string): ExerciseState['myRatings'][string] | undefined {
  return useBoardState((state) => {
    const ratings = state.exercise.myRatings;
    return Object.prototype.hasOwnProperty.call(ratings, topicId) ? ratings[topicId] : undefined;
  });
}

/** Everyone's ratings per topic, as counts and evidence, once the facilitator has revealed them; empty before. */
export function useAssessmentSpread(): ExerciseState['assessmentSpread'] {
  return useSlice('assessmentSpread');
}

/** The ratings the group agreed, by topic id. */
export function useAgreedRatings(): ExerciseState['agreedRatings'] {
  return useSlice('agreedRatings');
}

/** The rating the group agreed for one topic, if any: re-renders only when that one changes. */
export function useAgreedRating(topicId: string): ExerciseState['agreedRatings'][string] | undefined {
  return useBoardState((state) => {
    const agreed = state.exercise.agreedRatings;
    return Object.prototype.hasOwnProperty.call(agreed, topicId) ? agreed[topicId] : undefined;
  });
}

/** Whether the facilitator has revealed the self-assessment's ratings. */
export function useAssessmentRevealed(): boolean {
  return useBoardState((state) => state.exercise.session.assessmentRevealed);
}

/** How many people have rated at least one topic: one count over everyone, like `useVoters`. */
export function useRaters(): ExerciseState['raters'] {
  return useSlice('raters');
}

/** Where this person's private document stands with the server. */
export function usePrivateStatus(): ExerciseState['privateStatus'] {
  return useSlice('privateStatus');
}

/** One action's responses, if anyone has responded. */
export function useActionResponses(actionId: string): ExerciseState['responses'][string] | undefined {
  return useRecordOfAction('responses', actionId);
}

/** One action's next-steps check, if any of it is written. */
export function useActionChecks(actionId: string): ExerciseState['checks'][string] | undefined {
  return useRecordOfAction('checks', actionId);
}

/** One action's evaluation plan, if any of it is written. */
export function useActionEvaluation(actionId: string): ExerciseState['evaluations'][string] | undefined {
  return useRecordOfAction('evaluations', actionId);
}

/** One action's steps, if it has any. */
export function useActionSteps(actionId: string): ExerciseState['steps'][string] | undefined {
  return useRecordOfAction('steps', actionId);
}

/** The exercise's actions. */
export function useExerciseActions(): ExerciseActions {
  return useBoardActions().exercise;
}

/** True for the facilitator, who steers the exercise. */
export function useIsFacilitator(): boolean {
  const identity = useBoardIdentity();
  return identity.role === 'facilitator' && identity.canEdit;
}

/** Lane names by id, for labelling notes. */
export function useLaneNames(): Map<string, string> {
  const perspectives = usePerspectives();
  return useMemo(() => new Map(perspectives.map((p: Perspective) => [p.id as string, p.name])), [perspectives]);
}

/** This person's group, if they have one. */
export function useMyGroup(): Perspective | null {
  const { participantId } = useBoardIdentity();
  // Only this person's record: someone else joining a group or getting ready is no reason to re-render.
  const groupId = useBoardState((state) => {
    const { members } = state.exercise;
    return participantId && Object.prototype.hasOwnProperty.call(members, participantId) ? members[participantId]!.perspectiveId : null;
  });
  const perspectives = usePerspectives();
  return perspectives.find((p) => p.id === groupId) ?? null;
}

/** "1 note", "7 notes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The board's stage in its retention cycle and the earlier boards' snapshots, oldest first; stage 0 and no history on a board of its own. */
export function useCycle(): ExerciseState['cycle'] {
  return useSlice('cycle');
}
