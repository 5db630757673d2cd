import ExcelJS from 'exceljs';
import type { BoardSnapshot } from './snapshot';
import {
  ACTION_NOT_AT_STAGE,
  agreedRatingCell,
  PLAN_TABLE_COLUMNS,
  PLAN_TABLE_HEADINGS,
  type PlanTableColumn,
  planTableRow,
  stageColumnHeading,
  stageRatingCell,
  stepsDoneText,
} from './planTable';
import { ACTION_REVIEW_LABEL, ACTION_STATUS_LABELS } from '../schema/exercise';

/** Column widths, in characters, so long text wraps where people can read it. */
const ACTION_COLUMN_WIDTHS: Record<PlanTableColumn, number> = { topic: 34, action: 40, owner: 24, timescale: 16, steps: 40, success: 34, status: 14 };

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF005EB8' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };
const WRAP_TOP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' };

/** A sheet with a bold, coloured, frozen header row, wrapped text and a filter on every column. */
function addSheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; width: number }[], rows: (string | number | null)[][]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({ header: column.header, width: column.width }));
  // Cells are written as text values, never as formulas, whatever they start with.
  for (const row of rows) sheet.addRow(row);
  sheet.getRow(1).eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.font = HEADER_FONT;
    cell.alignment = WRAP_TOP;
  });
  sheet.eachRow((row, index) => {
    if (index > 1) row.eachCell((cell) => (cell.alignment = WRAP_TOP));
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

/**
 * The plan as an Excel workbook, a sheet per view (docs/plan-export.md):
 * - Actions: the template's columns, then Progress;
 * - Themes: their votes and the perspectives that raised them;
 * - Self-assessment: each topic's agreed rating and note, and while the
 *   ratings are revealed how many rated it each colour (counts only);
 * - What changed: each topic's agreed rating at each stage of the cycle;
 * - Action progress: each action's progress, steps done and check-in note
 *   at each stage.
 * Every sheet is written, with its header row, even when the board has
 * nothing for it yet, so a reader (or a macro) finds the same sheets in
 * every workbook. Names stay within Excel's 31 characters.
 */
export async function planToXlsx(snapshot: BoardSnapshot): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Retain';
  workbook.created = new Date(snapshot.takenAt);
  workbook.modified = new Date(snapshot.takenAt);
  workbook.title = snapshot.title;
  addSheet(
    workbook,
    'Actions',
    PLAN_TABLE_COLUMNS.map((column) => ({ header: PLAN_TABLE_HEADINGS[column], width: ACTION_COLUMN_WIDTHS[column] })),
    snapshot.actions.map((action) => planTableRow(action, 'data')),
  );
  addSheet(
    workbook,
    'Themes',
    [
      { header: 'Theme', width: 34 },
      { header: 'Seen as', width: 14 },
      { header: 'Raised by', width: 34 },
      { header: 'Said nothing', width: 34 },
      { header: 'Votes', width: 8 },
      { header: 'Rank', width: 8 },
      { header: 'Notes', width: 60 },
    ],
    snapshot.themes.map((theme) => [
      theme.title,
      theme.kind === 'similarity' ? 'Similarity' : theme.kind === 'difference' ? 'Difference' : 'No notes',
      theme.perspectives.join(', '),
      theme.silentPerspectives.join(', '),
      theme.votes,
      theme.rank,
      theme.notes.map((note) => note.text).join('\n'),
    ]),
  );
  const { topics } = snapshot.assessment;
  addSheet(
    workbook,
    'Self-assessment',
    [
      { header: 'Topic', width: 44 },
      { header: 'Agreed rating', width: 28 },
      { header: 'Note', width: 60 },
      { header: 'Red', width: 8 },
      { header: 'Amber', width: 8 },
      { header: 'Green', width: 8 },
    ],
    // The counts are empty, not 0, while the ratings are not revealed: the board shows none then.
    topics.map((topic) => [topic.title, agreedRatingCell(topic.agreed), topic.note, topic.spread?.red ?? null, topic.spread?.amber ?? null, topic.spread?.green ?? null]),
  );
  const { stages } = snapshot.cycle;
  const stageHeadings = stages.map((stage, index) => stageColumnHeading(stage, index, stages.length));
  addSheet(
    workbook,
    'What changed',
    [{ header: 'Topic', width: 44 }, ...stageHeadings.map((header) => ({ header, width: 20 }))],
    snapshot.cycle.ratings.map((topic) => [topic.topic, ...topic.byStage.map(stageRatingCell)]),
  );
  addSheet(
    workbook,
    'Action progress',
    [
      { header: PLAN_TABLE_HEADINGS.action, width: 40 },
      ...stageHeadings.flatMap((stage) => [
        { header: `${stage}: ${PLAN_TABLE_HEADINGS.status}`, width: 16 },
        { header: `${stage}: Steps done`, width: 16 },
        { header: `${stage}: ${ACTION_REVIEW_LABEL}`, width: 40 },
      ]),
    ],
    snapshot.cycle.actions.map((action) => [
      action.label,
      ...action.byStage.flatMap((at) => (at ? [ACTION_STATUS_LABELS[at.status], stepsDoneText(at), at.note] : [ACTION_NOT_AT_STAGE, null, null])),
    ]),
  );
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
