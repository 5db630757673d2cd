import { readBoardSnapshot } from '../../shared/export/snapshot';
import { exportPlan, type PlanFormat, PLAN_FORMATS, PLAN_MEDIA_TYPES } from '../../shared/export/plan';
import { HttpError, readBody, sendValidatedJson } from './respond';
import { MAX_PLAN_FILE_BYTES, PlanImportError } from '../../shared/import/planFile';
import { importPlanActions } from '../../shared/document/actions';
import { planImportResultSchema } from '../../shared/schema/api';
import { drawChartPictures, drawDiagramPictures } from './diagramPictures';
import type { BoardCall, HttpContext } from './router';

/** A file name from the board's title: letters, digits and dashes. */
function fileName(title: string, format: PlanFormat): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'retain';
  return `${slug}-action-plan.${format}`;
}

/** The router's check of a download's `:format`, before access: a format there is none of is 404, whoever asks. */
export function checkPlanFormat(format: string): void {
  if (!(PLAN_FORMATS as readonly string[]).includes(format)) throw new HttpError(404, `No plan in that format. Ask for ${PLAN_FORMATS.join(', ')}.`);
}

/**
 * `GET /api/boards/<id>/plan.<format>` (any of PLAN_FORMATS) with any of the
 * board's tokens: the board's action plan as a download. The board is read
 * from its room (loading it if nobody has it open), so the file holds what
 * everyone sees now. `?start=YYYY-MM-DD` moves the calendar's check-ins.
 */
export async function downloadPlan(ctx: HttpContext, { res, url, params, access }: BoardCall): Promise<void> {
  // One of PLAN_FORMATS: the router ran checkPlanFormat on it before access.
  const planFormat = params.format as PlanFormat;
  const start = url.searchParams.get('start');
  if (start !== null && !/^\d{4}-\d{2}-\d{2}$/.test(start)) throw new HttpError(400, 'Give the check-ins’ start as YYYY-MM-DD.');
  const snapshot = await ctx.rooms.use(access.board, access.board.id, async (room) => readBoardSnapshot(room.doc));
  const exported = await exportPlan(snapshot, planFormat, {
    boardId: access.board.id,
    checkInStart: start ? new Date(`${start}T00:00:00Z`) : undefined,
    diagramPictures: planFormat === 'docx' ? await drawDiagramPictures(snapshot) : undefined,
    chartPictures: planFormat === 'docx' ? await drawChartPictures(snapshot) : undefined,
  });
  const body = typeof exported === 'string' ? exported : Buffer.from(exported);
  res.writeHead(200, {
    'Content-Type': PLAN_MEDIA_TYPES[planFormat],
    'Content-Length': Buffer.byteLength(body),
    'Content-Disposition': `attachment; filename="${fileName(snapshot.title, planFormat)}"`,
    // What staff said about their employer: never kept by a proxy or the browser's cache.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/**
 * `POST /api/boards/<id>/plan/import?name=<file name>` with the facilitator's
 * token and a plan file as the body (our JSON, CSV or XLSX): adds the plan's
 * actions to the board, for a check-in that reviews progress against it.
 * The server parses the file, so a spreadsheet library never ships to phones;
 * it does so in a worker thread with bounded memory and time, at most
 * `importsPerHour` times an hour for one client address (429 past that).
 */
export async function importPlan(ctx: HttpContext, { req, res, url, access }: BoardCall): Promise<void> {
  // Anyone may create a board and so be its facilitator: the limit counts every import an address starts.
  await ctx.planImports.admit(req);
  const body = await readBody(req, MAX_PLAN_FILE_BYTES);
  let plan;
  try {
    plan = await ctx.planImports.parse(body);
  } catch (error) {
    if (error instanceof PlanImportError) throw new HttpError(400, error.message);
    throw error;
  }
  // The file name is shown to everyone on the board: no control characters, and not too long.
  const name = [...(url.searchParams.get('name') ?? '')].filter((c) => c >= ' ' && c !== '\u007f').join('').trim().slice(0, 120) || 'an imported plan';
  const source = plan.description ? `${name} (${plan.description})` : name;
  let result = { added: 0, skipped: 0 };
  await ctx.rooms.use(access.board, access.board.id, (room) =>
    room.transact((doc, origin) => {
      result = importPlanActions(doc, { source, actions: plan.actions }, Date.now(), origin);
    }),
  );
  sendValidatedJson(res, 200, planImportResultSchema, { ...result, source });
}
