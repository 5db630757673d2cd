import { useMemo } from 'react';
import { driverDiagramToSvg, layoutDriverDiagram, LEVEL_NAMES } from '../../../shared/export/diagram';
import { svgDataUrl } from '../../../shared/charts';
import { buildDriverTree } from '../../../shared/rules/driverTree';
import { useBoardState } from '../../sync/BoardProvider';

/**
 * The driver diagram the facilitator shows (their `facilitatorView.diagramId`,
 * else the board's first, as the diagrams screen picks: client/screens/diagram/useDiagram.ts),
 * fitted to the screen. It is drawn as the SVG download is
 * (`driverDiagramToSvg`, shared/export/diagram.ts), the whole tree unfolded,
 * and shown as an image scaled to fit: the diagrams screen's picture
 * (PictureView) is a canvas to build on, with drag handles, fold buttons and
 * text fields, and a presenter view has no controls. A screen reader hears
 * the aim and each box, level by level.
 */
export function PresenterDiagram({ diagramId }: { diagramId: string | null }) {
  const { diagrams, nodes } = useBoardState((state) => state.diagrams);
  const diagram = diagrams.find((d) => d.id === diagramId) ?? diagrams[0] ?? null;
  const drawn = useMemo(() => {
    if (!diagram) return null;
    const layout = layoutDriverDiagram(diagram, buildDriverTree(diagram, nodes));
    return { svg: driverDiagramToSvg(diagram, layout), boxes: layout.nodes };
  }, [diagram, nodes]);
  if (!diagram || !drawn) return <p className="presenter__empty">The board has no driver diagram yet.</p>;
  return (
    <figure className="presenter-diagram">
      <img className="presenter-diagram__image" src={svgDataUrl(drawn.svg)} alt="" />
      <figcaption className="visually-hidden">
        Driver diagram “{diagram.title}”.
        <ul>
          {drawn.boxes.map((box) => (
            <li key={box.id}>
              {LEVEL_NAMES[box.level]}: {box.text || 'empty'}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
