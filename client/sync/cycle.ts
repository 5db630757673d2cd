import type * as Y from 'yjs';
import { readCycle } from '../../shared/document/cycle';
import { DocKey } from '../../shared/document/doc';
import type { ExerciseState } from './types';

/*
 * The retention cycle as the screens see it: the
 * board's stage (the workshop, or the 30-, 60- or 90-day check-in) and the
 * snapshots of the earlier boards of its cycle, which the server copied into
 * the `cycle` map when it started this board (docs/document-layout.md).
 * Nobody's browser writes it. Read as one slice of its own, like the rest of
 * the exercise (docs/client.md, "Reading the exercise"), so a tick on a step
 * never re-reads the history, and the history keeps its objects until the
 * server writes it again.
 */

/** The cycle's slice of the board document, by the root it is read from. */
export const CYCLE_BOARD_SLICES: Readonly<Record<string, (doc: Y.Doc) => Partial<ExerciseState>>> = {
  [DocKey.cycle]: (doc) => ({ cycle: readCycle(doc) }),
};
