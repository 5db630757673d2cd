import { parentPort, workerData } from 'node:worker_threads';
import { type ImportedPlan, PlanImportError, readPlanFile } from '../../shared/import/planFile';
import { openWorkbookArchive } from './workbookArchive';

/**
 * A worker thread that reads one uploaded plan file and answers with its
 * actions, so that however long a hostile file takes to read, the server's
 * event loop never waits for it (server/import/planImports.ts starts it,
 * bounds its memory and time, and ends it).
 */

/** What the worker answers: the plan, or the reason it is no plan (null for a failure that is ours, not the file's). */
export type PlanParseOutcome = { ok: true; plan: ImportedPlan } | { ok: false; refusal: string | null };

const answer = (outcome: PlanParseOutcome) => parentPort!.postMessage(outcome);

readPlanFile(workerData as Uint8Array, openWorkbookArchive).then(
  (plan) => answer({ ok: true, plan }),
  (error: unknown) => answer({ ok: false, refusal: error instanceof PlanImportError ? error.message : null }),
);
