import { ACTION_STATUS_LABELS, ACTION_STATUSES, type ActionStatus } from '../schema/exercise';
import {
  type ChartOptions,
  chartWidth,
  countOf,
  describedLabel,
  FONT_SIZE,
  fitLine,
  formatCount,
  NHS_COLOURS,
  PADDING,
  px,
  rowLimit,
  safeCount,
  SMALL_FONT_SIZE,
  svgDocument,
  svgText,
  svgTextLines,
  textWidth,
  wrapLines,
} from './svg';

/** One action of the plan as the progress chart reads it: what it is, where it is up to, and its steps ticked off. */
export interface ActionProgress {
  label: string;
  status: ActionStatus;
  stepsDone: number;
  stepsTotal: number;
}

/** An action's row from the plan's fields: its Action, else its topic, and its steps' ticks. */
export function actionProgress(action: { action: string; topic: string; status: ActionStatus }, steps: readonly { done: boolean }[]): ActionProgress {
  return {
    label: action.action.trim() ? action.action : action.topic,
    status: action.status,
    stepsDone: steps.filter((step) => step.done).length,
    stepsTotal: steps.length,
  };
}

/**
 * A colour for each progress value of the schema (shared/schema/exercise.ts):
 * grey not yet begun, NHS blue under way, green done, red stuck. Each holds
 * white text at 4.5:1 or more, and the legend names every one in words.
 */
export const STATUS_COLOURS: Record<ActionStatus, string> = {
  'not-started': NHS_COLOURS.grey,
  'under-way': NHS_COLOURS.blue,
  done: NHS_COLOURS.green,
  stuck: NHS_COLOURS.red,
};

const STACK_HEIGHT = 32;
const LEGEND_HEIGHT = 28;
const ROW_HEIGHT = 40;
const STEP_BAR_HEIGHT = 16;
const LABEL_SHARE = 0.34;
const VALUE_WIDTH = 190;

/** How many actions hold each progress value, in the schema's order. */
export function countByStatus(actions: readonly ActionProgress[]): Record<ActionStatus, number> {
  const counts = Object.fromEntries(ACTION_STATUSES.map((status) => [status, 0])) as Record<ActionStatus, number>;
  for (const action of actions) counts[ACTION_STATUSES.includes(action.status) ? action.status : 'not-started'] += 1;
  return counts;
}

/** An action's steps as safe counts: never more done than there are. */
function stepCounts(action: ActionProgress): { done: number; total: number } {
  const total = safeCount(action.stepsTotal);
  return { done: Math.min(total, safeCount(action.stepsDone)), total };
}

/**
 * The plan's progress: one bar split by progress value (each part as long as
 * its share of the actions, its count written in it when it fits), a legend
 * naming each value with its count, and, when any action has steps, a row
 * for each action with its ticked steps as a share of its steps.
 */
export function planProgressChart(actions: readonly ActionProgress[], options: ChartOptions = {}): string {
  const width = chartWidth(options, 480);
  const body: string[] = [];
  const counts = countByStatus(actions);
  const barWidth = width - 2 * PADDING;
  let y = PADDING;

  if (actions.length === 0) {
    body.push(svgText('No actions yet.', { x: PADDING, y: y + STACK_HEIGHT / 2 + FONT_SIZE * 0.35, fill: NHS_COLOURS.text }));
    y += STACK_HEIGHT;
  } else {
    let x = PADDING;
    for (const status of ACTION_STATUSES) {
      const length = (counts[status] / actions.length) * barWidth;
      if (length === 0) continue;
      body.push(`<rect class="segment" data-status="${status}" data-count="${counts[status]}" x="${px(x)}" y="${px(y)}" width="${px(length)}" height="${STACK_HEIGHT}" fill="${STATUS_COLOURS[status]}"/>`);
      const countText = formatCount(counts[status]);
      if (textWidth(countText, FONT_SIZE) + 8 <= length) {
        body.push(svgText(countText, { x: x + length / 2, y: y + STACK_HEIGHT / 2 + FONT_SIZE * 0.35, 'text-anchor': 'middle', 'font-weight': 'bold', fill: NHS_COLOURS.white }));
      }
      x += length;
    }
    y += STACK_HEIGHT;
  }

  // The legend: every value, with its count, so the colours are never the only way to read the bar.
  y += 8;
  const legendItemWidth = barWidth / ACTION_STATUSES.length;
  ACTION_STATUSES.forEach((status, index) => {
    const x = PADDING + index * legendItemWidth;
    body.push(
      `<rect x="${px(x)}" y="${px(y + (LEGEND_HEIGHT - 14) / 2)}" width="14" height="14" fill="${STATUS_COLOURS[status]}"/>`,
      svgText(fitLine(`${ACTION_STATUS_LABELS[status]}: ${formatCount(counts[status])}`, legendItemWidth - 26, FONT_SIZE), { x: x + 20, y: y + LEGEND_HEIGHT / 2 + FONT_SIZE * 0.35, fill: NHS_COLOURS.text }),
    );
  });
  y += LEGEND_HEIGHT;

  if (actions.some((action) => stepCounts(action).total > 0)) {
    y += PADDING;
    body.push(svgText('Steps ticked off, by action', { x: PADDING, y: y + FONT_SIZE, 'font-weight': 'bold', fill: NHS_COLOURS.text }));
    y += FONT_SIZE + 8;
    const labelWidth = Math.round(width * LABEL_SHARE);
    const trackStart = PADDING + labelWidth + PADDING;
    const trackWidth = width - PADDING - VALUE_WIDTH - trackStart;
    const shown = actions.slice(0, rowLimit(options));
    for (const action of shown) {
      const centre = y + ROW_HEIGHT / 2;
      const label = wrapLines(action.label, labelWidth, FONT_SIZE, 2);
      body.push(svgTextLines(label.length > 0 ? label : ['(unnamed action)'], PADDING, centre, FONT_SIZE));
      const { done, total } = stepCounts(action);
      const status = ACTION_STATUS_LABELS[action.status] ?? ACTION_STATUS_LABELS['not-started'];
      if (total > 0) {
        const barTop = centre - STEP_BAR_HEIGHT / 2;
        body.push(
          `<rect class="track" x="${px(trackStart)}" y="${px(barTop)}" width="${px(trackWidth)}" height="${STEP_BAR_HEIGHT}" fill="${NHS_COLOURS.paleGrey}" stroke="${NHS_COLOURS.grey}" stroke-width="1"/>`,
          `<rect class="steps-done" data-done="${done}" data-total="${total}" x="${px(trackStart)}" y="${px(barTop)}" width="${px((done / total) * trackWidth)}" height="${STEP_BAR_HEIGHT}" fill="${NHS_COLOURS.green}"/>`,
        );
      } else {
        body.push(svgText('No steps', { x: trackStart, y: centre + SMALL_FONT_SIZE * 0.35, 'font-size': SMALL_FONT_SIZE, fill: NHS_COLOURS.grey }));
      }
      const value = total > 0 ? `${formatCount(done)} of ${countOf(total, 'step')} · ${status}` : status;
      body.push(svgText(fitLine(value, VALUE_WIDTH - 12, SMALL_FONT_SIZE), { x: width - PADDING - VALUE_WIDTH + 12, y: centre + SMALL_FONT_SIZE * 0.35, 'font-size': SMALL_FONT_SIZE, fill: NHS_COLOURS.text }));
      y += ROW_HEIGHT;
    }
    const hidden = actions.length - shown.length;
    if (hidden > 0) {
      body.push(svgText(`and ${countOf(hidden, 'more action')}, listed in the text`, { x: PADDING, y: y + FONT_SIZE, fill: NHS_COLOURS.grey }));
      y += ROW_HEIGHT / 2;
    }
  }
  return svgDocument({ width, height: y + PADDING, title: 'Progress of the action plan', description: describePlanProgress(actions), body });
}

/** The plan's progress in words: how many actions hold each value, then each action's steps. */
export function describePlanProgress(actions: readonly ActionProgress[]): string {
  if (actions.length === 0) return 'Progress of the action plan: no actions yet.';
  const counts = countByStatus(actions);
  const byStatus = ACTION_STATUSES.map((status) => `${formatCount(counts[status])} ${ACTION_STATUS_LABELS[status].toLowerCase()}`).join(', ');
  const sentences = [`Progress of the action plan: ${countOf(actions.length, 'action')}, ${byStatus}.`];
  if (actions.some((action) => stepCounts(action).total > 0)) {
    const steps = actions.map((action) => {
      const { done, total } = stepCounts(action);
      const label = describedLabel(action.label, '(unnamed action)');
      return total > 0 ? `${label}: ${formatCount(done)} of ${countOf(total, 'step')} done` : `${label}: no steps`;
    });
    sentences.push(`Steps ticked off: ${steps.join('; ')}.`);
  }
  return sentences.join(' ');
}
