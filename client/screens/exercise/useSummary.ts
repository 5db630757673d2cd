import { useMemo } from 'react';
import type { BoardSnapshot, SnapshotNote } from '../../../shared/export/snapshot';
import { compareThemes } from '../../../shared/rules/comparison';
import type { Action, ActionStep } from '../../../shared/schema/exercise';
import type { Note } from '../../../shared/schema/records';
import { useBoardState } from '../../sync/BoardProvider';
import { useActions, useMembers, usePerspectives, useResponses, useSession, useSteps, useThemes, useVoteTally } from '../../sync/useExerciseState';

/** What the Done screen shows: the parts of the board's snapshot it needs, worked out from the store. */
export interface Summary {
  participantCount: BoardSnapshot['participantCount'];
  actionsAgreed: boolean;
  actions: (Action & { steps: ActionStep[] })[];
  themes: Pick<BoardSnapshot['themes'][number], 'id' | 'title' | 'kind' | 'perspectives' | 'silentPerspectives' | 'votes'>[];
  perspectives: BoardSnapshot['perspectives'];
}

/**
 * The workshop's summary, as the exports' snapshot has it (`readBoardSnapshot`
 * in shared/export/snapshot.ts, which counts the people and the dots the same
 * way), read from the store so the screen follows the board as it changes.
 */
export function useSummary(): Summary {
  const session = useSession();
  const perspectives = usePerspectives();
  const members = useMembers();
  const themes = useThemes();
  const actions = useActions();
  const responses = useResponses();
  const steps = useSteps();
  const voteTally = useVoteTally();
  const notes = useBoardState((state) => state.notes);
  const { anonymous, actionsAgreed, votingClosed, voteTarget } = session;

  return useMemo(() => {
    const laneName = new Map(perspectives.map((p) => [p.id as string, p.name]));
    const toNote = (note: Note): SnapshotNote => ({
      id: note.id,
      text: note.text,
      authorName: anonymous || !note.authorName ? null : note.authorName,
    });
    // Everyone registered, everyone who responded to an action and every author, each once; never fewer than voted.
    const people = new Set<string>(Object.keys(members));
    for (const entry of Object.values(responses)) for (const id of [...entry.agree, ...entry.concern]) people.add(id);
    for (const note of notes) if (note.authorId) people.add(note.authorId);
    // Dots are shown once voting has closed, and only when people voted on themes.
    const dotsOnThemes = votingClosed && voteTarget === 'themes';
    return {
      participantCount: Math.max(people.size, voteTally.voters),
      actionsAgreed,
      actions: actions.map((action) => ({ ...action, steps: steps[action.id] ?? [] })),
      themes: compareThemes(themes, notes, perspectives).themes.map((c) => ({
        id: c.theme.id,
        title: c.theme.title,
        kind: c.kind,
        perspectives: c.contributing.map((id) => laneName.get(id) ?? id),
        silentPerspectives: c.silent.map((id) => laneName.get(id) ?? id),
        votes: dotsOnThemes ? (voteTally.items[c.theme.id]?.dots ?? 0) : null,
      })),
      perspectives: perspectives.map((p) => ({ id: p.id, name: p.name, notes: notes.filter((n) => n.perspectiveId === p.id).map(toNote) })),
    };
  }, [anonymous, actionsAgreed, votingClosed, voteTarget, perspectives, members, themes, actions, responses, steps, voteTally, notes]);
}
