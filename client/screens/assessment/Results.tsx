import { memo, useId, useMemo, useState, type RefObject } from 'react';
import { AGREED_NOTE_MAX_CHARS, type AssessmentTopic, type Rating, type TopicSpread } from '../../../shared/schema/assessment';
import { orderByDisagreement } from '../../../shared/rules/assessment';
import { announce } from '../../state/boardUi';
import { useAgreedRating, useAssessmentSpread, useExerciseActions, useIsFacilitator, useSession } from '../../sync/useExerciseState';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { AgreedLine } from './AgreedLine';
import { RatingButtons } from './RatingButtons';
import { describeCounts, describeRaters, ratingWords } from './ratingWords';
import { SpreadBar } from './SpreadBar';

const NO_RATINGS: TopicSpread = { red: 0, amber: 0, green: 0, evidence: [] };

/**
 * The facilitator's "Agree a rating" for one topic: a colour and a note,
 * saved together with the button, since the note is the group's reasoning
 * and half of one should not reach the projector.
 */
function AgreeForm({ topic }: { topic: AssessmentTopic }) {
  const agreed = useAgreedRating(topic.id);
  const { agree } = useExerciseActions();
  const [rating, setRating] = useState<Rating | null>(agreed?.rating ?? null);
  const [note, setNote] = useState(agreed?.note ?? '');
  const legendId = useId();
  const noteId = useId();
  const save = () => {
    if (!rating) return;
    agree(topic.id, rating, note.trim());
    announce(`Agreed “${topic.title}” as ${ratingWords(rating).colour.toLowerCase()}.`);
  };
  return (
    <details className="assessment-agree">
      <summary className="assessment-agree__summary">
        {agreed ? 'Change the agreed rating' : 'Agree a rating'}
        <span className="visually-hidden"> for “{topic.title}”</span>
      </summary>
      <form
        className="assessment-agree__form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <p className="assessment-agree__label" id={legendId}>
          The rating the group agreed for “{topic.title}”
        </p>
        <RatingButtons labelledBy={legendId} value={rating} onChange={setRating} size="small" />
        <div className="field">
          <label className="field__label" htmlFor={noteId}>
            Note (why, or what to do next)
          </label>
          <input id={noteId} className="field__input" type="text" value={note} maxLength={AGREED_NOTE_MAX_CHARS} autoComplete="off" onChange={(event) => setNote(event.target.value)} />
        </div>
        <div className="assessment-agree__buttons">
          <button type="submit" className="button button--small" aria-disabled={!rating}>
            Save the agreed rating
          </button>
          {agreed && (
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => {
                agree(topic.id, null, '');
                setRating(null);
                setNote('');
                announce(`Removed the agreed rating of “${topic.title}”.`);
              }}
            >
              Remove it
            </button>
          )}
        </div>
      </form>
    </details>
  );
}

/** One topic's revealed spread: counts in words, the bar, the evidence, and the agreed rating. */
const TopicResult = memo(function TopicResult({ topic, spread, anonymous, canAgree }: { topic: AssessmentTopic; spread: TopicSpread; anonymous: boolean; canAgree: boolean }) {
  const agreed = useAgreedRating(topic.id);
  const rated = spread.red + spread.amber + spread.green;
  return (
    <li className="assessment-result">
      <h4 className="assessment-result__title">{topic.title}</h4>
      <p className="assessment-result__counts">
        <SpreadBar counts={spread} className="assessment-result__bar" />
        <span>{rated === 0 ? 'Nobody rated this topic.' : describeCounts(spread)}</span>
      </p>
      {spread.evidence.length > 0 && (
        <ul className="assessment-result__evidence" aria-label={`Evidence for “${topic.title}”`}>
          {spread.evidence.map((line, index) => (
            <li key={index}>
              {line.text}
              {/* On an anonymous board the server sends no names (docs/exercise.md, "Anonymity"). */}
              {!anonymous && line.authorName && <span className="assessment-result__author"> – {line.authorName}</span>}
            </li>
          ))}
        </ul>
      )}
      {agreed && <AgreedLine agreed={agreed} />}
      {canAgree && <AgreeForm topic={topic} />}
    </li>
  );
});

/**
 * The ratings once revealed: each topic's spread, the topics where people
 * disagree most first (`orderByDisagreement`, shared/rules/assessment.ts),
 * since that is where the group has most to talk about; then the agreed
 * rating, which the facilitator records per topic.
 */
export function Results({ topics, headingRef }: { topics: AssessmentTopic[]; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const spread = useAssessmentSpread();
  const session = useSession();
  const isFacilitator = useIsFacilitator();
  const canChange = useCanChangeBoard();
  const ordered = useMemo(
    () => orderByDisagreement(topics.map((topic) => ({ topicId: topic.id as string, topic })), spread.topics),
    [topics, spread.topics],
  );
  return (
    <section className="assessment-results" aria-labelledby="assessment-results-heading">
      <h3 id="assessment-results-heading" className="assessment-results__heading" ref={headingRef} tabIndex={-1}>
        Everyone’s ratings
      </h3>
      <p className="assessment-results__intro">
        {describeRaters(spread.raters)}. The topics where people disagree most come first.
      </p>
      <ol className="assessment-results__list">
        {ordered.map(({ topic }) => (
          <TopicResult key={topic.id} topic={topic} spread={spread.topics[topic.id] ?? NO_RATINGS} anonymous={session.anonymous} canAgree={isFacilitator && canChange} />
        ))}
      </ol>
    </section>
  );
}
