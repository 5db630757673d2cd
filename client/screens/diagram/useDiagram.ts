import { useMemo } from 'react';
import { buildDriverTree, type DriverTree } from '../../../shared/rules/driverTree';
import type { Diagram } from '../../../shared/schema/driverRecords';
import { useBoardActions, useBoardState } from '../../sync/BoardProvider';
import type { DiagramActions } from '../../sync/types';
import { useBoardUi } from '../../state/boardUi';

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

/**
 * Promotes a theme (as a driver) or a note (as a change idea) into the
 * diagram on screen, starting one if the board has none. A note goes under
 * the driver its theme became, when there is one. Returns what happened, for
 * announcing.
 */
export function usePromoteToDiagram(): (source: { kind: 'theme' | 'note'; id: string; themeId?: string | null }) => string {
  const shown = useShownDiagram();
  const nodes = useBoardState((state) => state.diagrams.nodes);
  const actions = useDiagramActions();
  return (source) => {
    const diagramId = shown?.diagram.id ?? actions.addDiagram('Driver diagram');
    if (!diagramId) return 'Could not add it to a driver diagram.';
    const driver =
      source.kind === 'note' && source.themeId
        ? nodes.find((n) => n.diagramId === diagramId && !n.deleted && n.sourceKind === 'theme' && n.sourceId === source.themeId)
        : undefined;
    const added = actions.promote(diagramId as never, (driver?.id ?? null) as never, { kind: source.kind, id: source.id as never });
    if (!added) return 'Could not add it to a driver diagram.';
    return driver ? 'Added to the driver diagram as a change idea under its theme.' : 'Added to the driver diagram under the aim.';
  };
}
