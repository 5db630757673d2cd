import { useMemo, useRef } from 'react';
import { orderByDisagreement } from '../../../shared/rules/assessment';
import type { TopicSpread } from '../../../shared/schema/assessment';
import { useAgreedRatings, useAssessmentRevealed, useAssessmentSpread, useAssessmentTopics, useRaters } from '../../sync/useExerciseState';
import { describeCounts, describeRaters, ratingWords } from '../assessment/ratingWords';
import { SpreadBar } from '../assessment/SpreadBar';
import { useAutoScroll } from './useAutoScroll';

const NO_RATINGS: TopicSpread = { red: 0, amber: 0, green: 0, evidence: [] };

/**
 * The self-assessment on the projector. Before the reveal only
 * how many have rated, never a rating; after it each topic's spread, the
 * topics where people disagree most first (`orderByDisagreement`), as a bar
 * with its counts in words, and beside it the rating the group agreed, as
 * the facilitator records it. Evidence stays on people's own screens: it is
 * too long to read from the back of a room. A list longer than the screen
 * scrolls by itself (useAutoScroll), never the page.
 */
export function PresenterAssessment() {
  const revealed = useAssessmentRevealed();
  const raters = useRaters();
  const topics = useAssessmentTopics();
  const spread = useAssessmentSpread();
  const agreed = useAgreedRatings();
  const list = useRef<HTMLOListElement>(null);
  useAutoScroll(list);
  const ordered = useMemo(() => orderByDisagreement(topics.map((topic) => ({ topicId: topic.id as string, topic })), spread.topics), [topics, spread.topics]);

  if (!revealed) {
    return (
      <div className="presenter-assessment presenter-assessment--waiting">
        <p className="presenter-assessment__raters">{describeRaters(raters)}</p>
        <p className="presenter-assessment__hint">Everyone rates each of the {topics.length} topics red, amber or green on their own screen. Nobody sees a rating until the facilitator reveals them.</p>
      </div>
    );
  }
  return (
    <div className="presenter-assessment">
      <p className="presenter-assessment__summary">{describeRaters(spread.raters)}. Most disagreement first.</p>
      <ol ref={list} className="presenter-assessment__list" aria-label="Each topic’s ratings">
        {ordered.map(({ topic }) => {
          const counts = spread.topics[topic.id] ?? NO_RATINGS;
          const agreedRating = agreed[topic.id];
          return (
            <li key={topic.id} className="presenter-assessment__topic">
              <span className="presenter-assessment__title">{topic.title}</span>
              <SpreadBar counts={counts} className="presenter-assessment__bar" />
              <span className="presenter-assessment__counts">{describeCounts(counts)}</span>
              <span className={`presenter-assessment__agreed ${agreedRating ? `presenter-assessment__agreed--${agreedRating.rating}` : ''}`}>
                {agreedRating ? `Agreed: ${ratingWords(agreedRating.rating).colour}` : 'Not agreed yet'}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
