import { useMemo } from 'react';
import { buildDriverTree, type DriverTree } from '../../../shared/rules/driverTree';
import type { Diagram } from '../../../shared/schema/driverRecords';
import { useBoardActions, useBoardState, useBoardStateReader } from '../../sync/BoardProvider';
import type { DiagramActions } from '../../sync/types';
import { boardUiStore, useBoardUi } from '../../state/boardUi';

/** The diagram on screen (the chosen one, else the first) and its tree; null when the board has none. */
export function useShownDiagram(): { diagram: Diagram; tree: DriverTree } | null {
  const { diagrams, nodes } = useBoardState((state) => state.diagrams);
  const chosen = useBoardUi((state) => state.diagramId);
  const diagram = diagrams.find((d) => d.id === chosen) ?? diagrams[0] ?? null;
  return useMemo(() => (diagram ? { diagram, tree: buildDriverTree(diagram, nodes) } : null), [diagram, nodes]);
}

/** The driver diagram actions. */
export function useDiagramActions(): DiagramActions {
  return useBoardActions().diagrams;
}

/** What can be put into a driver diagram from the board: a note or a theme, with the words that name it. */
export interface DiagramSource {
  kind: 'theme' | 'note';
  id: string;
  /** The note's text or the theme's title, to say what went where. */
  label: string;
}

const LEVEL_WORDS = { aim: 'the aim', primary: 'a primary driver', secondary: 'a secondary driver', change: 'a change idea' } as const;

function quote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 60 ? `“${trimmed.slice(0, 60)}…”` : `“${trimmed}”`;
}

/**
 * Puts a theme (as a primary driver) or a note (as a change idea) into the
 * diagram chosen on the diagrams screen (else the first), starting one if the board has none; where it goes is
 * `promoteToDiagram`'s rule (shared/document/drivers.ts, after
 * docs/driver-diagram.md). Returns what happened, in words to show.
 */
export function usePromoteToDiagram(): (source: DiagramSource) => string {
  // Read when used, not subscribed to: every note on a busy board offers this, and none need redraw when a diagram changes.
  const readBoard = useBoardStateReader();
  const actions = useDiagramActions();
  return (source) => {
    const { diagrams } = readBoard().diagrams;
    const chosen = boardUiStore.getState().diagramId;
    const shown = diagrams.find((d) => d.id === chosen) ?? diagrams[0];
    const diagramId = shown?.id ?? actions.addDiagram('Driver diagram');
    const done = diagramId ? actions.promote(diagramId as never, { kind: source.kind, id: source.id as never }) : null;
    const what = quote(source.label || (source.kind === 'note' ? 'an empty note' : 'a theme'));
    if (!done) return `Could not add ${what} to the driver diagram.`;
    const level = LEVEL_WORDS[done.level];
    if (done.already) return `${what} is already in the driver diagram, as ${level}.`;
    const under = done.parentText === null ? '' : done.parentText.trim() ? `, under ${quote(done.parentText)}` : ', under a driver still to be named';
    return `Added ${what} to the driver diagram as ${level}${under}.`;
  };
}
