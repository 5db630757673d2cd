import type { AgreedRating } from '../../../shared/schema/assessment';
import { ratingWords } from './ratingWords';

/** The rating the group agreed for a topic, in words beside its colour, with the facilitator's note. Everyone sees it. */
export function AgreedLine({ agreed }: { agreed: AgreedRating }) {
  const { colour, meaning } = ratingWords(agreed.rating);
  return (
    <p className="assessment-agreed">
      <span className={`assessment-agreed__tag assessment-agreed__tag--${agreed.rating}`}>
        Agreed: {colour}
        {meaning && <span className="assessment-agreed__meaning"> – {meaning}</span>}
      </span>
      {agreed.note.trim() && <span className="assessment-agreed__note">{agreed.note}</span>}
    </p>
  );
}
