import ExcelJS from 'exceljs';
import type { BoardSnapshot } from './snapshot';
import { PLAN_TABLE_COLUMNS, PLAN_TABLE_HEADINGS, type PlanTableColumn, planTableRow } from './planTable';

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
 * The plan as an Excel workbook: a sheet of actions in the template's
 * columns, and a sheet of themes with their votes and the perspectives that
 * raised them.
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
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
