import type { Rating } from '../../../shared/schema/assessment';
import { ratingWords } from '../assessment/ratingWords';

/** An agreed rating as a mark in its colour with its name in words (WCAG 1.4.1), or a dash said as "not agreed". */
export function RatingMark({ rating }: { rating: Rating | null }) {
  if (!rating) {
    return (
      <span className="cycle-mark cycle-mark--none">
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">Not agreed</span>
      </span>
    );
  }
  return <span className={`cycle-mark cycle-mark--${rating}`}>{ratingWords(rating).colour}</span>;
}
