import { RATINGS, type Rating } from '../../../shared/schema/assessment';
import './SpreadBar.css';

/**
 * A topic's spread as one bar in three colours, each as long as its count.
 * Decorative: the counts are always written beside it in words
 * (`describeCounts`), which is what a screen reader reads, so colour is
 * never the only way the spread is told (WCAG 1.4.1). Shared by the board's
 * results and the presenter view.
 */
export function SpreadBar({ counts, className = '' }: { counts: Record<Rating, number>; className?: string }) {
  const total = counts.red + counts.amber + counts.green;
  return (
    <span className={`spread-bar ${className}`} aria-hidden="true">
      {total === 0 ? (
        <span className="spread-bar__none" />
      ) : (
        RATINGS.filter((rating) => counts[rating] > 0).map((rating) => (
          <span key={rating} className={`spread-bar__part spread-bar__part--${rating}`} style={{ flexGrow: counts[rating] }} />
        ))
      )}
    </span>
  );
}
