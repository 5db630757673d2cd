import { type BoardSnapshot, hasCycleHistory } from '../export/snapshot';
import { type ActionProgress, actionProgress, describePlanProgress, planProgressChart } from './planProgress';
import { describeThemeComparison, type ThemeComparisonData, themeComparisonChart } from './themeComparison';
import { describeVoteResults, type VoteResultRow, voteResultsChart } from './voteResults';
import { cycleHistoryChart, type CycleHistoryData, describeCycleHistory } from './cycleHistory';

/** The charts a plan can carry, named as the Word export and the server pass their pictures about. */
export const PLAN_CHART_NAMES = ['themeComparison', 'voteResults', 'planProgress', 'cycleHistory'] as const;
export type PlanChartName = (typeof PLAN_CHART_NAMES)[number];

/** A chart of the plan: its picture as SVG, a caption, and the same in words. */
export interface PlanChart {
  name: PlanChartName;
  caption: string;
  svg: string;
  description: string;
}

/**
 * The votes on themes, most dots first, once voting has closed on themes
 * (the snapshot holds no votes before, nor per note); empty otherwise.
 */
export function voteResultsFromSnapshot(snapshot: Pick<BoardSnapshot, 'themes' | 'voting'>): VoteResultRow[] {
  if (!snapshot.voting.closed || snapshot.voting.target !== 'themes') return [];
  return snapshot.themes
    .filter((theme) => theme.votes !== null)
    .map((theme) => ({ label: theme.title, dots: theme.votes!, rank: theme.rank ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.rank - b.rank || b.dots - a.dots)
    .map(({ label, dots }) => ({ label, dots }));
}

/** The themes × perspectives matrix from the snapshot: each theme's notes counted by the lane that holds them. */
export function themeComparisonFromSnapshot(snapshot: Pick<BoardSnapshot, 'themes' | 'perspectives'>): ThemeComparisonData {
  const laneOfNote = new Map<string, number>();
  snapshot.perspectives.forEach((lane, index) => {
    for (const note of lane.notes) laneOfNote.set(note.id, index);
  });
  return {
    perspectives: snapshot.perspectives.map((lane) => lane.name),
    themes: snapshot.themes.map((theme) => {
      const counts = snapshot.perspectives.map(() => 0);
      for (const note of theme.notes) {
        const lane = laneOfNote.get(note.id);
        if (lane !== undefined) counts[lane]! += 1;
      }
      return { title: theme.title, notesPerPerspective: counts };
    }),
  };
}

/** Every action of the snapshot with its progress and steps. */
export function planProgressFromSnapshot(snapshot: Pick<BoardSnapshot, 'actions'>): ActionProgress[] {
  return snapshot.actions.map((action) => actionProgress(action, action.steps));
}

/** "What changed" across the cycle from the snapshot: one column per stage, each topic's agreed ratings, the colours per stage. */
export function cycleHistoryFromSnapshot(snapshot: Pick<BoardSnapshot, 'cycle'>): CycleHistoryData {
  return { stages: snapshot.cycle.stages, topics: snapshot.cycle.ratings, counts: snapshot.cycle.counts };
}

/**
 * The charts that apply to a board: the theme comparison on an exercise
 * board whose themes hold notes, the vote results once voting on themes has
 * closed, the plan's progress whenever there are actions, and the
 * self-assessment at each stage of the cycle once the board has an agreed
 * rating or an earlier stage (docs/plan-export.md, "Charts"). A chart with
 * nothing to show is left out rather than drawn empty.
 */
export function planCharts(snapshot: BoardSnapshot): PlanChart[] {
  const charts: PlanChart[] = [];
  if (snapshot.template === 'four-perspectives' && snapshot.themes.some((theme) => theme.kind !== 'empty')) {
    const comparison = themeComparisonFromSnapshot(snapshot);
    charts.push({
      name: 'themeComparison',
      caption: 'Themes across the perspectives: where each theme’s notes came from',
      svg: themeComparisonChart(comparison),
      description: describeThemeComparison(comparison),
    });
  }
  const votes = voteResultsFromSnapshot(snapshot);
  if (votes.length > 0) {
    charts.push({ name: 'voteResults', caption: 'Vote results: dots per theme', svg: voteResultsChart(votes), description: describeVoteResults(votes) });
  }
  if (snapshot.actions.length > 0) {
    const progress = planProgressFromSnapshot(snapshot);
    charts.push({ name: 'planProgress', caption: 'Progress of the action plan', svg: planProgressChart(progress), description: describePlanProgress(progress) });
  }
  if (hasCycleHistory(snapshot)) {
    const history = cycleHistoryFromSnapshot(snapshot);
    charts.push({ name: 'cycleHistory', caption: 'The self-assessment at each stage of the cycle', svg: cycleHistoryChart(history), description: describeCycleHistory(history) });
  }
  return charts;
}
