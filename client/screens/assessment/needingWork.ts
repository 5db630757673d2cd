import { useMemo } from 'react';
import { topicsNeedingWork } from '../../../shared/rules/assessment';
import type { AgreedRating, AssessmentTopic, Rating } from '../../../shared/schema/assessment';
import type { TopicId } from '../../../shared/schema/ids';
import { useAgreedRatings, useAssessmentTopics } from '../../sync/useExerciseState';
import { ratingWords } from './ratingWords';

/** A topic of the self-assessment with the colour the group agreed for it. */
export interface RatedTopic {
  topic: AssessmentTopic;
  rating: Rating;
  /** The colour in words ("Red"), never shown by colour alone (WCAG 1.4.1). */
  colour: string;
}

function agreedMap(agreed: Record<string, AgreedRating>): Map<TopicId, AgreedRating> {
  return new Map(Object.entries(agreed) as [TopicId, AgreedRating][]);
}

/**
 * The topics the group agreed red, then amber, each in the topic order
 * (`topicsNeedingWork`): where themes and actions start.
 */
export function useTopicsNeedingWork(): RatedTopic[] {
  const topics = useAssessmentTopics();
  const agreed = useAgreedRatings();
  return useMemo(() => {
    const map = agreedMap(agreed);
    return topicsNeedingWork(topics, map).map((topic) => {
      const rating = map.get(topic.id)!.rating;
      return { topic, rating, colour: ratingWords(rating).colour };
    });
  }, [topics, agreed]);
}

/** How a title is compared with another: trimmed, case-insensitive. */
export function sameTitle(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
}

/**
 * The self-assessment topic an action serves: the one whose title its
 * "Topic and objective" says (trimmed, case-insensitive), with the colour the
 * group agreed for it, if any. Undefined when the text names no topic.
 */
export function useServedTopic(text: string): { topic: AssessmentTopic; colour: string | null } | undefined {
  const topics = useAssessmentTopics();
  const agreed = useAgreedRatings();
  if (!text.trim()) return undefined;
  const topic = topics.find((candidate) => sameTitle(candidate.title, text));
  if (!topic) return undefined;
  const rating = Object.prototype.hasOwnProperty.call(agreed, topic.id) ? agreed[topic.id]?.rating : undefined;
  return { topic, colour: rating ? ratingWords(rating).colour : null };
}
