import { useMemo } from 'react';
import { describeThemeComparison, describeVoteResults, themeComparisonChart, themeComparisonFromBoard, voteResultsChart } from '../../../shared/charts';
import { compareThemes } from '../../../shared/rules/comparison';
import type { Phase } from '../../../shared/schema/exercise';
import { useBoardState } from '../../sync/BoardProvider';
import { plural, useDotsPlaced, usePerspectives, useSession, useThemes, useVoters } from '../../sync/useExerciseState';
import { useVoteResults } from '../exercise/VotePhase';
import { JoinPanel } from './JoinPanel';
import { PresenterActions } from './PresenterActions';
import { Chart } from '../../components/Chart';
import { PresenterLaneCounts, PresenterLanes } from './PresenterNotes';

/*
 * The charts are drawn narrower than the screen and scaled up to fit it, so
 * that their 14 px labels (shared/charts/svg.ts) come out large enough to
 * read across a room.
 */
const CHART_WIDTH = 960;

/** Compare: the themes as a matrix of themes × perspectives, what several share and what one alone saw (docs/exercise.md, "Compare"). */
function PresenterComparison() {
  const themes = useThemes();
  const perspectives = usePerspectives();
  const notes = useBoardState((state) => state.notes);
  const data = useMemo(() => themeComparisonFromBoard(compareThemes(themes, notes, perspectives), perspectives), [themes, notes, perspectives]);
  // Until the group names a theme, the lanes as they were revealed.
  if (themes.length === 0) return <PresenterLanes />;
  return <Chart className="presenter-chart" imageClassName="presenter-chart__image" svg={themeComparisonChart(data, { width: CHART_WIDTH, maxRows: 12 })} description={describeThemeComparison(data)} />;
}

/**
 * Vote: while voting is open, only how many dots are placed and by how many
 * people, each a count over everyone (the server publishes no more before it
 * closes: docs/exercise.md, "Anonymity"); once it closes, the results as a
 * bar chart, most dots first.
 */
function PresenterVote() {
  const session = useSession();
  const voters = useVoters();
  const dotsPlaced = useDotsPlaced();
  const results = useVoteResults();
  if (!results) {
    return (
      <div className="presenter-fact">
        <p className="presenter-fact__main">
          <span className="presenter-fact__number">{dotsPlaced}</span> {dotsPlaced === 1 ? 'dot' : 'dots'} placed{' '}
          {voters === 0 ? 'yet' : `by ${plural(voters, 'person', 'people')}`}
        </p>
        <p className="presenter-fact__detail">
          Everyone has {plural(session.voteBudget, 'dot')}. The results show when the facilitator closes voting.
        </p>
      </div>
    );
  }
  const rows = results.map((result) => ({ label: result.label, dots: result.dots }));
  const itemName = session.voteTarget === 'themes' ? 'theme' : 'note';
  const dots = rows.reduce((sum, row) => sum + row.dots, 0);
  return (
    <div className="presenter-results">
      <p className="presenter-results__total">{plural(dots, 'dot')} placed</p>
      <Chart className="presenter-chart" imageClassName="presenter-chart__image" svg={voteResultsChart(rows, { width: CHART_WIDTH, maxRows: 10, itemName })} description={describeVoteResults(rows, { itemName })} />
    </div>
  );
}

/** What the room sees of the exercise in each phase (issue: "Per phase"). */
export function PresenterPhase({ phase, joinCode }: { phase: Phase; joinCode: string | null }) {
  switch (phase) {
    case 'setup':
      return <JoinPanel code={joinCode} />;
    case 'write':
      return (
        <div className="presenter-split">
          <PresenterLaneCounts />
          <JoinPanel code={joinCode} showDone compact />
        </div>
      );
    case 'reveal':
      return <PresenterLanes />;
    case 'compare':
      return <PresenterComparison />;
    case 'vote':
      return <PresenterVote />;
    case 'actions':
    case 'done':
      return <PresenterActions />;
  }
}
