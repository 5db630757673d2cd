import { useMemo } from 'react';
import type { Perspective } from '../../../shared/schema/exercise';
import { useBoardActions, useBoardIdentity, useBoardState } from '../../sync/BoardProvider';
import type { ExerciseActions, ExerciseState } from '../../sync/types';

/** The exercise's state, as every phase screen reads it. */
export function useExercise(): ExerciseState {
  return useBoardState((state) => state.exercise);
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
  const perspectives = useExercise().perspectives;
  return useMemo(() => new Map(perspectives.map((p: Perspective) => [p.id as string, p.name])), [perspectives]);
}

/** This person's group, if they have one. */
export function useMyGroup(): Perspective | null {
  const { participantId } = useBoardIdentity();
  const { members, perspectives } = useExercise();
  const groupId = participantId ? members[participantId]?.perspectiveId : null;
  return perspectives.find((p) => p.id === groupId) ?? null;
}

/** "1 note", "7 notes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
