/**
 * Retain's charts: pure functions from plain data to a standalone SVG
 * string, each with a function that says the same in words for screen
 * readers. The screens show the SVG as an image beside its text
 * (`svgDataUrl`); the Word export has the server draw it as a PNG with resvg,
 * as it does the driver diagram (docs/plan-export.md, "Charts").
 */
export { type ChartOptions, NHS_COLOURS, svgDataUrl } from './svg';
export { describeVoteResults, type VoteChartOptions, type VoteResultRow, voteResultsChart } from './voteResults';
export { describeThemeComparison, type ThemeComparisonData, themeComparisonChart, themeComparisonFromBoard } from './themeComparison';
export { type ActionProgress, actionProgress, countByStatus, describePlanProgress, planProgressChart, STATUS_COLOURS } from './planProgress';
export {
  cycleHistoryFromSnapshot,
  PLAN_CHART_NAMES,
  type PlanChart,
  type PlanChartName,
  planCharts,
  planProgressFromSnapshot,
  themeComparisonFromSnapshot,
  voteResultsFromSnapshot,
} from './planCharts';
export { type CycleHistoryData, cycleHistoryChart, describeCycleHistory, RATING_COLOURS } from './cycleHistory';
