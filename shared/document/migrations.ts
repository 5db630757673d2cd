import * as Y from 'yjs';
import type { ActionId } from '../schema/ids';
import { parseStepsCell, parseTimescale } from '../rules/planText';
import { addActionSteps } from './actions';
import { DocKey, newRecord, readFlatObject, SHARED_TEXT_FIELDS, topMap } from './doc';
import { CURRENT_SCHEMA_VERSION } from '../schema/version';
import { readSchemaVersion, writeSchemaVersion } from './board';
import { sessionMap } from './session';
import { seedDefaultAssessmentTopics } from './assessment';

/** One forward step of the document layout, from one schema version to the next. */
export interface Migration {
  from: number;
  to: number;
  /** What changed, for the log and for docs/document-layout.md. */
  description: string;
  run(doc: Y.Doc): void;
}

/**
 * Every migration, in order; each version adds one entry here and a frozen
 * fixture in tests/fixtures/.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    to: 2,
    description: 'adds the exercise (session, perspectives, members, themes, votes, actions); a version-1 board becomes a blank board',
    run(doc) {
      // Version-1 notes have no lane or theme; readers take the missing fields as null.
      sessionMap(doc).set('template', 'blank');
    },
  },
  {
    from: 2,
    to: 3,
    description: 'adds driver diagrams (diagrams, driverNodes); nothing to change in an existing board',
    run() {},
  },
  {
    from: 3,
    to: 4,
    description: 'adds the next-steps check and the evaluation plan of each action (actionChecks, actionEvaluations); nothing to change in an existing board',
    run() {},
  },
  {
    from: 4,
    to: 5,
    description:
      'makes the plan structured: an action’s timescale becomes a date or a duration (text that reads as neither is kept as text), its steps become a checklist (actionSteps, one step per line of the old text), and it gains a progress status',
    run(doc) {
      for (const [id, record] of topMap(doc, DocKey.actions).entries()) {
        if (!(record instanceof Y.Map)) continue;
        const timescale = record.get('timescale');
        if (typeof timescale === 'string') record.set('timescale', parseTimescale(timescale));
        const steps = record.get('steps');
        if (typeof steps === 'string') addActionSteps(doc, id as ActionId, parseStepsCell(steps), MIGRATION_ORIGIN);
        record.delete('steps');
        if (record.get('status') === undefined) record.set('status', 'not-started');
        if (record.get('importedFrom') === undefined) record.set('importedFrom', null);
      }
    },
  },
  {
    from: 5,
    to: 6,
    description:
      'makes co-edited text live: the written fields of actions, themes, diagrams and driver nodes become Y.Text, and each step becomes a record whose text is a Y.Text',
    run(doc) {
      for (const [root, fields] of SHARED_TEXT_FIELDS) {
        if (root === DocKey.actionSteps) continue;
        for (const record of topMap(doc, root).values()) {
          if (!(record instanceof Y.Map)) continue;
          for (const field of fields.keys()) {
            const value: unknown = record.get(field);
            if (typeof value === 'string') record.set(field, new Y.Text(value));
          }
        }
      }
      const steps = topMap(doc, DocKey.actionSteps);
      for (const [key, value] of [...steps.entries()]) {
        const step = readFlatObject(value);
        // A value that is no plain step was never read as one; the load-time repair removes it.
        if (!step || typeof step.text !== 'string') continue;
        steps.set(key, newRecord({ text: new Y.Text(step.text), done: step.done === true, order: typeof step.order === 'number' ? step.order : 0 }));
      }
    },
  },
  {
    from: 6,
    to: 7,
    description:
      'adds the traffic-light self-assessment (assessmentTopics, assessmentSpread, assessmentAgreed, session.assessmentRevealed, progress.raters, and ratings in private documents); a board gets the fourteen default topics',
    run(doc) {
      // Every board has the self-assessment, an older one too; the rest of schema 7 starts empty and reads as such.
      seedDefaultAssessmentTopics(doc, MIGRATION_ORIGIN);
    },
  },
  {
    from: 7,
    to: 8,
    description:
      'adds the retention cycle (cycle: the board’s stage and the snapshots of the earlier boards of its cycle, written by the server when it starts a check-in); nothing to change in an existing board, which reads as a workshop with no history',
    run() {},
  },
];

/** Why a document could not be brought to the current version. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** What a migration run did. */
export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/** The transaction origin of migration writes, so they are never mistaken for a person's edit. */
const MIGRATION_ORIGIN = Symbol('migration');

/**
 * Brings a document forward to the target schema version, one migration at a
 * time, each in its own transaction. Runs on the server at load, before the
 * first client syncs. Never goes backwards: a document from a newer release
 * is refused so that this release cannot damage it.
 */
export function migrateDoc(
  doc: Y.Doc,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = CURRENT_SCHEMA_VERSION,
): MigrationResult {
  const from = readSchemaVersion(doc);
  if (from === null) throw new MigrationError('The document has no schema version: it was never initialised.');
  if (from > target) {
    throw new MigrationError(`The document has schema version ${from}, newer than this release's ${target}.`);
  }
  const applied: string[] = [];
  let version = from;
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step || step.to <= version) {
      throw new MigrationError(`No migration from schema version ${version} towards ${target}.`);
    }
    doc.transact(() => {
      step.run(doc);
      writeSchemaVersion(doc, step.to, MIGRATION_ORIGIN);
    }, MIGRATION_ORIGIN);
    applied.push(step.description);
    version = step.to;
  }
  return { from, to: version, applied };
}
