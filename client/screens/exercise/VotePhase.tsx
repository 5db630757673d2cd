import { useMemo, useState } from 'react';
import { voteResultsChart } from '../../../shared/charts';
import { dotProblem, dotsUsed, rankVotes } from '../../../shared/rules/dotVoting';
import { announce } from '../../state/boardUi';
import { useBoardIdentity, useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { Chart } from '../../components/Chart';
import { Confirmation } from '../../components/Confirmation';
import { AddToDiagram } from '../diagram/AddToDiagram';
import { plural, useDotsPlaced, useExerciseActions, useIsFacilitator, useMyBallot, useSession, useThemes, useVoters, useVoteTally } from '../../sync/useExerciseState';

/** Where what "Add to the driver diagram" did shows, under the results. */
const CONFIRM_PLACE = 'vote';

/** Something people can vote on: a theme or a note. */
interface VoteItem {
  id: string;
  label: string;
  kind: 'theme' | 'note';
}

/** The items of this vote: the themes, or the notes, as the facilitator chose. */
function useVoteItems(): VoteItem[] {
  const session = useSession();
  const themes = useThemes();
  const notes = useBoardState((state) => state.notes);
  return useMemo(
    () => (session.voteTarget === 'themes' ? themes.map((t) => ({ id: t.id, label: t.title, kind: 'theme' as const })) : notes.map((n) => ({ id: n.id, label: n.text || 'An empty note', kind: 'note' as const }))),
    [session.voteTarget, themes, notes],
  );
}

/** The ranked results once voting has closed; null while votes are hidden. */
export function useVoteResults() {
  const session = useSession();
  const voteTally = useVoteTally();
  const items = useVoteItems();
  return useMemo(() => {
    if (!session.votingClosed) return null;
    const labels = new Map(items.map((item) => [item.id, item.label]));
    const kinds = new Map(items.map((item) => [item.id, item.kind]));
    return rankVotes(voteTally.items, new Set(labels.keys())).map((result) => ({
      ...result,
      label: labels.get(result.itemId) ?? '',
      kind: kinds.get(result.itemId) ?? 'theme',
    }));
  }, [session.votingClosed, voteTally, items]);
}

function Dots({ count }: { count: number }) {
  return (
    <span className="dots" aria-hidden="true">
      {'●'.repeat(count)}
    </span>
  );
}

/**
 * The width the results chart is drawn at: at that width its 14 px labels
 * read at their size beside the list on a laptop; a narrower screen shrinks
 * the picture to fit (Chart.css).
 */
const RESULTS_CHART_WIDTH = 560;

/**
 * The results as a bar chart, above the ranked list. The list is what
 * screen readers read and what gives the precise counts, so the picture is
 * decorative (Chart.tsx); it is drawn again only when the results change.
 */
function ResultsChart({ results, itemName }: { results: readonly { label: string; dots: number }[]; itemName: string }) {
  const svg = useMemo(() => voteResultsChart(results.map(({ label, dots }) => ({ label, dots })), { width: RESULTS_CHART_WIDTH, itemName }), [results, itemName]);
  return <Chart svg={svg} className="results__chart" />;
}

/** Dot voting: each person places their dots in private; the results show, ranked, when voting closes. */
export function VotePhase() {
  const session = useSession();
  const myBallot = useMyBallot();
  const voters = useVoters();
  const dotsPlaced = useDotsPlaced();
  const { canEdit } = useBoardIdentity();
  const canChange = useCanChangeBoard();
  const isFacilitator = useIsFacilitator();
  const actions = useExerciseActions();
  const items = useVoteItems();
  const results = useVoteResults();
  const [problem, setProblem] = useState<string | null>(null);
  const left = session.voteBudget - dotsUsed(myBallot);

  const change = (item: VoteItem, delta: 1 | -1) => {
    const refusal = delta > 0 ? dotProblem(myBallot, item.id, session.voteBudget, session.voteCap) : null;
    if (refusal) {
      setProblem(refusal);
      return;
    }
    if (actions.changeVote(item.id, delta)) {
      setProblem(null);
      const mine = (myBallot[item.id] ?? 0) + delta;
      announce(`${plural(mine, 'dot')} on “${item.label}”. ${plural(left - delta, 'dot')} left.`);
    }
  };

  return (
    <section className="phase-panel" aria-label="Vote">
      {results ? (
        <>
          <h3>Results</h3>
          {results.length > 0 && <ResultsChart results={results} itemName={session.voteTarget === 'themes' ? 'theme' : 'note'} />}
          <ol className="results">
            {results.map((result) => (
              <li key={result.itemId} className="results__item">
                <span className="results__rank">{result.rank}.</span> <span className="results__label">{result.label}</span>{' '}
                <span className="results__dots">
                  <Dots count={result.dots} /> {plural(result.dots, 'dot')} from {plural(result.voters, 'person', 'people')}
                </span>
                {canChange && <AddToDiagram source={{ kind: result.kind, id: result.itemId, label: result.label }} place={CONFIRM_PLACE} />}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <>
          <p className="vote__hidden">
            Votes stay hidden until the facilitator closes voting. {plural(dotsPlaced, 'dot')} placed by {plural(voters, 'person', 'people')} so far.
          </p>
          {canEdit && (
            <p className="vote__left" role="status">
              You have {left} of {session.voteBudget} dots left (at most {session.voteCap} on one item).
            </p>
          )}
          <p className="vote__problem" role="alert">
            {problem}
          </p>
          {items.length === 0 && <p>There is nothing to vote on yet.</p>}
          <ul className="vote__items">
            {items.map((item) => {
              const mine = myBallot[item.id] ?? 0;
              return (
                <li key={item.id} className="vote__item">
                  <span className="vote__label">{item.label}</span>
                  <span className="vote__mine">
                    <Dots count={mine} /> <span className="visually-hidden">Your dots: </span>
                    {mine}
                  </span>
                  {canEdit && (
                    <span className="vote__buttons">
                      <button type="button" className="button button--small" onClick={() => change(item, 1)} disabled={session.locked}>
                        Add a dot<span className="visually-hidden"> to “{item.label}”</span>
                      </button>
                      <button type="button" className="button button--small button--secondary" onClick={() => change(item, -1)} disabled={mine === 0 || session.locked}>
                        Remove a dot<span className="visually-hidden"> from “{item.label}”</span>
                      </button>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <Confirmation place={CONFIRM_PLACE} />
      {isFacilitator && (
        <button type="button" className="button" onClick={() => actions.setVotingClosed(!session.votingClosed)}>
          {session.votingClosed ? 'Reopen voting' : 'Close voting and show the results'}
        </button>
      )}
    </section>
  );
}
