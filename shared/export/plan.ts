import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { type BoardSnapshot, hasAssessment, hasCycleHistory, workshopDate } from './snapshot';
import { ACTION_STATUSES, DURATION_UNITS } from '../schema/exercise';
import { RATINGS } from '../schema/assessment';
import { cycleStageSchema } from '../schema/cycle';
import { describeTimescale } from '../rules/planText';
import {
  actionAtStageCell,
  agreedRatingCell,
  PLAN_TABLE_COLUMNS,
  PLAN_TABLE_HEADINGS,
  planTableRow,
  ratersSentence,
  stageColumnHeading,
  stageRatingCell,
} from './planTable';
import type { ChartPictures, DiagramPicture } from './docx';
import { markdownText } from './markdown';

/**
 * The retention action plan, made from one BoardSnapshot by pure functions,
 * in the forms a trust uses. The columns are the guide's template, in its
 * order: Topic and objective | Action | Owner | Timescales | Steps to take |
 * Success criteria, then Progress for the check-ins.
 */

/** The formats `GET /api/boards/<id>/plan.<format>` serves. */
export const PLAN_FORMATS = ['csv', 'xlsx', 'docx', 'md', 'json', 'ics'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** What each format is served as. */
export const PLAN_MEDIA_TYPES: Record<PlanFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
};

/** A byte-order mark, so Excel reads the file as UTF-8 (names with accents, “curly quotes”). */
const UTF8_BOM = '\uFEFF';

/**
 * What a spreadsheet may run as a formula: a cell that starts with =, +, -
 * or @, also after spaces or line ends (spreadsheets skip them), or that
 * starts with a tab or a carriage return.
 */
export const FORMULA_LIKE = /^(?:\s*[=+\-@]|[\t\r])/;

/**
 * A formula-like cell gets a leading apostrophe, which spreadsheets show as
 * text. Plans are typed by many people; none of them should be able to run
 * something on the computer of whoever opens the file.
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_LIKE.test(cell) ? `'${cell}` : cell;
}

/**
 * RFC 4180 CSV: the action table alone, as the template has it, so the file
 * imports back exactly (docs/plan-export.md). The self-assessment and "what
 * changed" are other tables, in the workbook, the document, the Markdown
 * and the JSON. UTF-8 with a byte-order mark, CRLF line ends, every cell
 * quoted, formulas neutralised.
 */
function planToCsv(snapshot: BoardSnapshot): string {
  const header = PLAN_TABLE_COLUMNS.map((column) => PLAN_TABLE_HEADINGS[column]);
  const rows = snapshot.actions.map((action) => planTableRow(action, 'data').map(neutraliseFormula));
  return UTF8_BOM + stringify([header, ...rows], { quoted: true, quoted_empty: true, record_delimiter: '\r\n' });
}

/**
 * A Markdown table: headings in our own words (column names and stage
 * names, written as they are), then rows whose cells hold participants'
 * text, each escaped by `markdownText`.
 */
function markdownTable(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${headings.join(' | ')} |`,
    `| ${headings.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((cell) => markdownText(cell, 'br')).join(' | ')} |`),
    '',
  ];
}

/** The self-assessment as Markdown: each topic's agreed rating and note, and the counts of each colour while revealed. */
function assessmentMarkdown(snapshot: BoardSnapshot): string[] {
  const { topics, revealed, raters } = snapshot.assessment;
  const lines = ['## Self-assessment', ''];
  if (revealed && raters !== null) lines.push(ratersSentence(raters), '');
  lines.push(
    ...markdownTable(
      ['Topic', 'Agreed rating', 'Note', ...(revealed ? ['Red', 'Amber', 'Green'] : [])],
      topics.map((topic) => [
        topic.title,
        agreedRatingCell(topic.agreed),
        topic.note,
        ...(revealed ? [topic.spread?.red ?? 0, topic.spread?.amber ?? 0, topic.spread?.green ?? 0].map(String) : []),
      ]),
    ),
  );
  return lines;
}

/** "What changed" as Markdown: each topic's agreed rating at each stage, then each action's progress at each stage. */
function whatChangedMarkdown(snapshot: BoardSnapshot): string[] {
  const { stages, ratings, actions } = snapshot.cycle;
  const stageHeadings = stages.map((stage, index) => stageColumnHeading(stage, index, stages.length));
  const lines = ['## What changed', '', '### The self-assessment at each stage', ''];
  lines.push(...markdownTable(['Topic', ...stageHeadings], ratings.map((topic) => [topic.topic, ...topic.byStage.map(stageRatingCell)])));
  if (actions.length > 0) {
    lines.push('### The actions at each stage', '');
    lines.push(...markdownTable([PLAN_TABLE_HEADINGS.action, ...stageHeadings], actions.map((action) => [action.label, ...action.byStage.map(actionAtStageCell)])));
  }
  return lines;
}

/**
 * The plan as a Markdown document: the action table, the self-assessment and
 * what changed across the cycle (when the board has them), the themes, and
 * each driver diagram as a nested list.
 */
function planToMarkdown(snapshot: BoardSnapshot): string {
  const lines = [
    `# ${markdownText(snapshot.title, 'space') || 'Retention action plan'}`,
    '',
    `Workshop of ${workshopDate(snapshot)}; ${snapshot.participantCount} ${snapshot.participantCount === 1 ? 'person' : 'people'} took part.${snapshot.actionsAgreed ? ' The actions below were agreed.' : ' The actions below are drafts, not yet agreed.'}`,
    '',
    '## Actions',
    '',
    `| ${PLAN_TABLE_COLUMNS.map((column) => PLAN_TABLE_HEADINGS[column]).join(' | ')} |`,
    `| ${PLAN_TABLE_COLUMNS.map(() => '---').join(' | ')} |`,
    ...snapshot.actions.map((action) => `| ${planTableRow(action, 'words').map((cell) => markdownText(cell, 'br')).join(' | ')} |`),
    '',
  ];
  if (hasAssessment(snapshot)) lines.push(...assessmentMarkdown(snapshot));
  if (hasCycleHistory(snapshot)) lines.push(...whatChangedMarkdown(snapshot));
  if (snapshot.themes.length > 0) {
    lines.push('## Themes', '');
    for (const theme of snapshot.themes) {
      const perspectives = markdownText(theme.perspectives.join(', '), 'br');
      const seen = theme.kind === 'similarity' ? `shared by ${perspectives}` : theme.kind === 'difference' ? `seen only by ${perspectives}` : 'no notes';
      const votes = theme.votes === null ? '' : ` (${theme.votes} ${theme.votes === 1 ? 'dot' : 'dots'})`;
      lines.push(`- **${markdownText(theme.title, 'br')}**: ${seen}${votes}`);
    }
    lines.push('');
  }
  for (const diagram of snapshot.diagrams) lines.push('## Driver diagram', '', diagram.markdown);
  lines.push('Based on the NHS Employers retention guide.', '');
  return lines.join('\n');
}

/** The version of the plan's JSON; raise it when its shape changes, and document the change in docs/plan-export.md. */
const PLAN_JSON_VERSION = 3;

const planTimescaleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  z.object({ kind: z.literal('duration'), amount: z.number().int().positive(), unit: z.enum(DURATION_UNITS) }),
  z.object({ kind: z.literal('text'), text: z.string() }),
]);

const planActionSchema = z.object({
  topic: z.string(),
  action: z.string(),
  owner: z.string(),
  /** Null when not set; `timescaleText` says it in words. */
  timescale: planTimescaleSchema.nullable(),
  timescaleText: z.string(),
  steps: z.array(z.object({ text: z.string(), done: z.boolean() })),
  success: z.string(),
  status: z.enum(ACTION_STATUSES),
  theme: z.string().nullable(),
  changeIdea: z.string().nullable(),
  agree: z.number().int(),
  concern: z.number().int(),
  /** The check-in's note on it (ACTION_REVIEW_LABEL); '' for none. */
  review: z.string(),
});

const colourCountsSchema = z.object({ red: z.number().int().nonnegative(), amber: z.number().int().nonnegative(), green: z.number().int().nonnegative() });

/** The self-assessment: topics in the board's order; counts of each colour only while revealed, never a rating by person. */
const planAssessmentSchema = z.object({
  revealed: z.boolean(),
  raters: z.number().int().nonnegative().nullable(),
  topics: z.array(
    z.object({
      title: z.string(),
      agreed: z.enum(RATINGS).nullable(),
      note: z.string(),
      spread: colourCountsSchema.nullable(),
    }),
  ),
});

/** The retention cycle: the board's stage, one column per stage (oldest first, this board last), and each row across them. */
const planCycleSchema = z.object({
  stage: cycleStageSchema,
  stages: z.array(cycleStageSchema).min(1),
  ratings: z.array(z.object({ topic: z.string(), byStage: z.array(z.enum(RATINGS).nullable()) })),
  counts: z.array(colourCountsSchema.extend({ stage: cycleStageSchema })),
  actions: z.array(
    z.object({
      action: z.string(),
      byStage: z.array(
        z
          .object({ status: z.enum(ACTION_STATUSES), stepsDone: z.number().int().nonnegative(), stepsTotal: z.number().int().nonnegative(), note: z.string() })
          .nullable(),
      ),
    }),
  ),
});

/** The plan's JSON, as documented in docs/plan-export.md; validated when written and when imported. */
export const planJsonSchema = z.object({
  format: z.literal('retain-action-plan'),
  version: z.literal(PLAN_JSON_VERSION),
  title: z.string(),
  workshopDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  exportedAt: z.string(),
  participantCount: z.number().int().nonnegative(),
  actionsAgreed: z.boolean(),
  actions: z.array(planActionSchema),
  themes: z.array(
    z.object({
      title: z.string(),
      kind: z.enum(['similarity', 'difference', 'empty']),
      perspectives: z.array(z.string()),
      votes: z.number().int().nullable(),
    }),
  ),
  assessment: planAssessmentSchema,
  cycle: planCycleSchema,
});

/** The plan as versioned JSON (see docs/plan-export.md). */
function planToJson(snapshot: BoardSnapshot): string {
  const plan = planJsonSchema.parse({
    format: 'retain-action-plan',
    version: PLAN_JSON_VERSION,
    title: snapshot.title,
    workshopDate: workshopDate(snapshot),
    exportedAt: new Date(snapshot.takenAt).toISOString(),
    participantCount: snapshot.participantCount,
    actionsAgreed: snapshot.actionsAgreed,
    actions: snapshot.actions.map((action) => ({
      topic: action.topic,
      action: action.action,
      owner: action.owner,
      timescale: action.timescale,
      timescaleText: describeTimescale(action.timescale),
      steps: action.steps,
      success: action.success,
      status: action.status,
      theme: action.themeTitle,
      changeIdea: action.changeIdea,
      agree: action.agree,
      concern: action.concern,
      review: action.review,
    })),
    themes: snapshot.themes.map((theme) => ({ title: theme.title, kind: theme.kind, perspectives: theme.perspectives, votes: theme.votes })),
    assessment: {
      revealed: snapshot.assessment.revealed,
      raters: snapshot.assessment.raters,
      topics: snapshot.assessment.topics.map(({ title, agreed, note, spread }) => ({ title, agreed, note, spread })),
    },
    cycle: {
      stage: snapshot.cycle.stage,
      stages: snapshot.cycle.stages,
      ratings: snapshot.cycle.ratings.map((topic) => ({ topic: topic.topic, byStage: topic.byStage })),
      counts: snapshot.cycle.counts,
      actions: snapshot.cycle.actions.map((action) => ({ action: action.label, byStage: action.byStage })),
    },
  });
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/**
 * The plan in one of the served formats: text, or the bytes of a workbook.
 * The workbook, document and calendar writers are loaded on first use: their
 * libraries (exceljs above all) would otherwise hold tens of megabytes of the
 * server's memory from start-up, for downloads most boards never make.
 */
export async function exportPlan(
  snapshot: BoardSnapshot,
  format: PlanFormat,
  options: {
    /** The board's id: the calendar's events are named by it. */
    boardId: string;
    checkInStart?: Date;
    /** The Word document's pictures, drawn by the server (server/http/diagramPictures.ts): each driver diagram by id, each chart by name. */
    diagramPictures?: ReadonlyMap<string, DiagramPicture>;
    chartPictures?: ChartPictures;
  },
): Promise<string | Uint8Array> {
  switch (format) {
    case 'csv':
      return planToCsv(snapshot);
    case 'xlsx':
      return (await import('./xlsx')).planToXlsx(snapshot);
    case 'docx':
      return (await import('./docx')).planToDocx(snapshot, options.diagramPictures, options.chartPictures);
    case 'md':
      return planToMarkdown(snapshot);
    case 'json':
      return planToJson(snapshot);
    case 'ics':
      return (await import('./ics')).planToIcs(snapshot, options.boardId, options.checkInStart);
  }
}
