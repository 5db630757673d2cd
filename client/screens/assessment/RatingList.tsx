import { memo, useEffect, useId, useRef, useState } from 'react';
import { EVIDENCE_MAX_CHARS, type AssessmentTopic, type Rating } from '../../../shared/schema/assessment';
import type { TopicId } from '../../../shared/schema/ids';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { useAgreedRating, useExerciseActions, useOwnRating, useOwnRatings } from '../../sync/useExerciseState';
import { AgreedLine } from './AgreedLine';
import { RatingButtons } from './RatingButtons';

/**
 * One line of evidence, kept in this field while the person types and
 * written to their private document as they go, so nothing typed waits on a
 * button (docs/exercise.md, "Nothing typed is lost"). What the document says
 * comes back into the field only while the person is not typing in it (their
 * other tab, say).
 */
function EvidenceField({ topicId, topicTitle, stored, disabled }: { topicId: TopicId; topicTitle: string; stored: string; disabled: boolean }) {
  const { setEvidence } = useExerciseActions();
  const [text, setText] = useState(stored);
  const field = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    if (document.activeElement !== field.current) setText(stored);
  }, [stored]);
  return (
    <div className="assessment-topic__evidence">
      <label className="field__label assessment-topic__evidence-label" htmlFor={id}>
        Evidence (optional)<span className="visually-hidden"> for “{topicTitle}”</span>
      </label>
      <input
        ref={field}
        id={id}
        className="field__input"
        type="text"
        value={text}
        maxLength={EVIDENCE_MAX_CHARS}
        disabled={disabled}
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          setEvidence(topicId, event.target.value);
        }}
      />
    </div>
  );
}

/**
 * One topic to rate. Memoised, and reading only its own rating
 * (`useOwnRating`), so a tap on one topic redraws that topic alone
 * (docs/client.md, "Reading the exercise").
 */
const TopicToRate = memo(function TopicToRate({ topic, number, canRate }: { topic: AssessmentTopic; number: number; canRate: boolean }) {
  const own = useOwnRating(topic.id);
  const agreed = useAgreedRating(topic.id);
  const { rate } = useExerciseActions();
  const titleId = useId();
  // No announcement of its own: a screen reader already says which radio is checked, and the count below is a status region.
  const choose = (rating: Rating) => rate(topic.id, rating);
  return (
    <li className="assessment-topic">
      {/* The colours are named by the title alone, not its number: the group is "Flexible working", as the topic is known. */}
      <h3 className="assessment-topic__title">
        <span className="assessment-topic__number">{number}.</span> <span id={titleId}>{topic.title}</span>
      </h3>
      {canRate ? (
        <>
          <RatingButtons labelledBy={titleId} value={own?.rating ?? null} onChange={choose} />
          <EvidenceField topicId={topic.id} topicTitle={topic.title} stored={own?.evidence ?? ''} disabled={false} />
        </>
      ) : null}
      {agreed && <AgreedLine agreed={agreed} />}
    </li>
  );
});

/**
 * Every topic, to rate in private: a colour per topic in one tap and an
 * optional line of evidence, with how many are rated so far. Ratings go to
 * this person's private document, which no other browser receives until the
 * facilitator reveals them, and then only as counts.
 */
export function RatingList({ topics }: { topics: AssessmentTopic[] }) {
  const canRate = useCanChangeBoard();
  const ratings = useOwnRatings();
  const rated = topics.filter((topic) => ratings[topic.id]?.rating).length;
  return (
    <>
      {canRate && (
        <p className="assessment__progress" role="status">
          You have rated {rated} of {topics.length} {topics.length === 1 ? 'topic' : 'topics'}.
        </p>
      )}
      <ol className="assessment-topics" aria-label="Topics to rate">
        {topics.map((topic, index) => (
          <TopicToRate key={topic.id} topic={topic} number={index + 1} canRate={canRate} />
        ))}
      </ol>
    </>
  );
}
