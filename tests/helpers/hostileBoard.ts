import * as Y from 'yjs';
import { DocKey, newRecord, topMap } from '../../shared/document/doc';

/**
 * How deep the hostile records nest: 20,000 Y.Maps fit one 243 KB update,
 * inside every size limit, and overflow the stack of anything that walks
 * them recursively (`Y.Map.toJSON` among them).
 */
export const HOSTILE_DEPTH = 20_000;

/**
 * Hangs a chain of Y.Maps `depth` levels deep under `key`, one level at a
 * time inside a transaction, as a hostile client's edits would arrive
 * (integrating a chain built beforehand would itself recurse).
 */
export function nestMaps(parent: Y.Map<unknown>, key: string, depth: number): void {
  let at = parent;
  let field = key;
  for (let level = 0; level < depth; level++) {
    const child = new Y.Map<unknown>();
    at.set(field, child);
    at = child;
    field = 'deeper';
  }
}

/** A record map with the given fields, added under `key` of a top-level map. */
function putRecord(doc: Y.Doc, name: string, key: string, fields: Record<string, unknown>): Y.Map<unknown> {
  const record = new Y.Map<unknown>();
  topMap(doc, name).set(key, record);
  for (const [field, value] of Object.entries(fields)) record.set(field, value);
  return record;
}

/** What of the hostile board must still read: the records written as the layout says (and the action without `createdAt`). */
export const GOOD = {
  notes: ['Flexible rotas for carers', 'Protected time for training'],
  theme: 'Flexibility',
  actions: ['Pilot self-rostering on ward 7', 'Write the flexible working policy'],
  steps: ['Ask the ward manager', 'Book the room'],
} as const;

/** A note as the layout has it, in the staff lane (preloaded on a four-perspectives board). */
const note = (id: string, text: string, createdAt: number, themeId: string | null = null) => ({
  id,
  text,
  x: 100 + createdAt,
  y: 100,
  colour: 'yellow',
  authorId: null,
  authorName: 'Pat',
  perspectiveId: 'staff',
  themeId,
  createdAt,
  updatedAt: createdAt,
});

/**
 * Writes onto a board, in one transaction, what a hostile participant could:
 * good notes, a theme, actions and steps (one action without `createdAt`,
 * which older readers dropped), and beside them records that do not read: a
 * note whose text is Y.Maps nested `HOSTILE_DEPTH` deep, a record that is
 * such a chain whole in every record map, a note's text as a Y.Text or a
 * Y.Array, a theme's title and an action's topic as a Y.Array, a step whose
 * text is a Y.Array, a check written as a nested Y.Map, a timescale nested in
 * objects.
 */
export function writeHostileRecords(doc: Y.Doc): void {
  doc.transact(() => {
    putRecord(doc, DocKey.notes, 'good-1', note('good-1', GOOD.notes[0], 1, 'theme-1'));
    putRecord(doc, DocKey.notes, 'good-2', note('good-2', GOOD.notes[1], 2));
    nestMaps(putRecord(doc, DocKey.notes, 'deep-text', note('deep-text', 'placeholder', 3)), 'text', HOSTILE_DEPTH);
    const yText = new Y.Text('written as Y.Text');
    putRecord(doc, DocKey.notes, 'ytext', { ...note('ytext', '', 4), text: yText });
    putRecord(doc, DocKey.notes, 'yarray', { ...note('yarray', '', 5), text: Y.Array.from(['a', 'b']) });
    putRecord(doc, DocKey.notes, 'number', { ...note('number', '', 6), text: 42 });
    putRecord(doc, DocKey.notes, 'other-key', note('not-other-key', 'filed under another id', 7));

    putRecord(doc, DocKey.themes, 'theme-1', { id: 'theme-1', title: GOOD.theme, createdAt: 1 });
    putRecord(doc, DocKey.themes, 'theme-yarray', { id: 'theme-yarray', title: Y.Array.from(['no']), createdAt: 2 });

    // Written before the layout had createdAt, or by a client that left it out.
    putRecord(doc, DocKey.actions, 'action-1', {
      id: 'action-1',
      themeId: 'theme-1',
      topic: 'Flexible working',
      action: GOOD.actions[0],
      owner: 'Ward manager',
      timescale: { kind: 'duration', amount: 3, unit: 'months' },
      success: 'Fewer leavers',
      status: 'under-way',
      importedFrom: null,
    });
    const nestedTimescale: Record<string, unknown> = { kind: 'text', text: 'soon' };
    let at = nestedTimescale;
    for (let level = 0; level < 50; level++) at = (at.more = {}) as Record<string, unknown>;
    putRecord(doc, DocKey.actions, 'action-2', {
      id: 'action-2',
      themeId: null,
      topic: Y.Array.from(['not a string']),
      action: GOOD.actions[1],
      owner: 'HR',
      timescale: nestedTimescale,
      success: '',
      status: 'not-started',
      importedFrom: null,
      createdAt: 10,
    });

    const steps = topMap(doc, DocKey.actionSteps);
    steps.set('action-1/s1', newRecord({ text: new Y.Text(GOOD.steps[0]), done: true, order: 1 }));
    steps.set('action-1/s2', newRecord({ text: new Y.Text(GOOD.steps[1]), done: false, order: 2 }));
    const stepAsMap = new Y.Map<unknown>();
    steps.set('action-1/s3', stepAsMap);
    stepAsMap.set('text', Y.Array.from(['a step whose text is a Y.Array']));
    stepAsMap.set('done', true);
    stepAsMap.set('order', 3);
    steps.set('action-1/s4', { done: true, order: 4 });
    nestMaps(steps as Y.Map<unknown>, 'action-1/s5', HOSTILE_DEPTH);

    const checks = topMap(doc, DocKey.actionChecks);
    checks.set('action-1/owner', { done: true, note: 'Agreed at the board' });
    const checkAsMap = new Y.Map<unknown>();
    checks.set('action-1/smart', checkAsMap);
    checkAsMap.set('done', true);

    for (const name of [DocKey.notes, DocKey.themes, DocKey.actions, DocKey.perspectives, DocKey.members, DocKey.diagrams, DocKey.driverNodes, DocKey.actionEvaluations, DocKey.actionResponses]) {
      nestMaps(topMap(doc, name), 'deep-record', HOSTILE_DEPTH);
    }
  });
}
