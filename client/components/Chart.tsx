import { memo, useMemo } from 'react';
import { svgDataUrl } from '../../shared/charts';
import './Chart.css';

/**
 * A chart of shared/charts/ as a picture: the SVG string as an `<img>`
 * (docs/plan-export.md, "Charts"), scaled down to fit its box.
 *
 * The picture is always decorative (`alt=""`): the words that say the same
 * are always somewhere a screen reader reaches, so nobody hears it twice.
 * On the ordinary screens they are the text the chart sits beside (the
 * results list, the comparison, the plan's summary), so no `description` is
 * passed. On the presenter view the chart is all there is, so its
 * `describe…()` text is passed and becomes a visually hidden caption.
 *
 * Callers draw the SVG inside `useMemo`, keyed on the data it shows; this
 * component is memoised on the string too, so typing elsewhere on the page
 * neither redraws nor re-encodes it.
 */
export const Chart = memo(function Chart({
  svg,
  description,
  className,
  imageClassName,
}: {
  svg: string;
  /** The chart in words, for a screen where no text beside it says the same. */
  description?: string;
  className?: string;
  imageClassName?: string;
}) {
  const src = useMemo(() => svgDataUrl(svg), [svg]);
  const image = <img className={['chart__image', imageClassName].filter(Boolean).join(' ')} src={src} alt="" />;
  const classes = ['chart', className].filter(Boolean).join(' ');
  // A figure only when it has a caption: an empty figure is announced as one, with nothing in it.
  if (!description) return <div className={classes}>{image}</div>;
  return (
    <figure className={classes}>
      {image}
      <figcaption className="visually-hidden">{description}</figcaption>
    </figure>
  );
});
