import { useId } from 'react';
import { RATING_LABELS, RATINGS, type Rating } from '../../../shared/schema/assessment';
import { ratingWords } from './ratingWords';

interface RatingButtonsProps {
  /** The id of the element that names the group: the topic's title. */
  labelledBy: string;
  value: Rating | null;
  onChange(rating: Rating): void;
  disabled?: boolean;
  /** Larger, for the rating list; smaller for the facilitator's "Agree a rating". */
  size?: 'large' | 'small';
}

/**
 * The three colours as native radio buttons in a radio group named by the
 * topic: one tap (or click, or arrow key) chooses a colour: rating fourteen topics on a
 * phone must be quick. Each option's whole box is its label, at least the
 * touch target size (`--target-size`, client/styles/_base.scss), and shows
 * the colour's word and meaning beside the colour, so colour is never the
 * only signal; the chosen one also gets a tick and a thick border.
 */
export function RatingButtons({ labelledBy, value, onChange, disabled = false, size = 'large' }: RatingButtonsProps) {
  const name = useId();
  return (
    <div className={`rating-options rating-options--${size}`} role="radiogroup" aria-labelledby={labelledBy}>
      {RATINGS.map((rating) => {
        const { colour, meaning } = ratingWords(rating);
        return (
          <label key={rating} className={`rating-option rating-option--${rating}`}>
            <input
              className="rating-option__input"
              type="radio"
              name={name}
              value={rating}
              checked={value === rating}
              disabled={disabled}
              onChange={() => onChange(rating)}
              aria-label={RATING_LABELS[rating]}
            />
            <span className="rating-option__box" aria-hidden="true">
              <span className="rating-option__swatch" />
              <span className="rating-option__colour">{colour}</span>
              {meaning && <span className="rating-option__meaning">{meaning}</span>}
            </span>
          </label>
        );
      })}
    </div>
  );
}
