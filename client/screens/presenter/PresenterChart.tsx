import { svgDataUrl } from '../../../shared/charts';

/**
 * A chart of shared/charts/ on the projector: the picture, scaled to fit its
 * box, beside the same in words for screen readers (the picture's alt text
 * is empty because the words are right there; docs/plan-export.md, "Charts").
 */
export function PresenterChart({ svg, description }: { svg: string; description: string }) {
  return (
    <figure className="presenter-chart">
      <img className="presenter-chart__image" src={svgDataUrl(svg)} alt="" />
      <figcaption className="visually-hidden">{description}</figcaption>
    </figure>
  );
}
