import type { AgreedRating, AssessmentSpread, AssessmentTopic, OwnRating, Rating, TopicSpread } from '../schema/assessment';
import type { TopicId } from '../schema/ids';

/**
 * The rules of the traffic-light self-assessment (docs/exercise.md,
 * "Self-assessment"): counting ratings, how far a group disagrees on a
 * topic, the order the revealed topics are discussed in, and which agreed
 * topics need work. Pure functions, shared by the server's reveal and the screens.
 */

/** How many of each colour; ratings with no colour yet are not counted. */
export interface RatingCounts {
  red: number;
  amber: number;
  green: number;
}

export function countRatings(ratings: Iterable<Rating | null>): RatingCounts {
  const counts: RatingCounts = { red: 0, amber: 0, green: 0 };
  for (const rating of ratings) if (rating !== null) counts[rating] += 1;
  return counts;
}

/**
 * How spread the colours are: the variance of the ratings read as red = 0,
 * amber = 1, green = 2. It is 0 when everyone chose the same colour (or
 * nobody rated), ½ for an even split between neighbouring colours, and 1,
 * the most, for an even split between red and green.
 */
export function disagreement(spread: RatingCounts): number {
  const total = spread.red + spread.amber + spread.green;
  if (total === 0) return 0;
  const mean = (spread.amber + 2 * spread.green) / total;
  return (spread.red * mean ** 2 + spread.amber * (1 - mean) ** 2 + spread.green * (2 - mean) ** 2) / total;
}

/**
 * The topics with the most disagreement first, so a group discusses first
 * where it differs most; topics that disagree equally keep the order given
 * (the topic order). A topic with no spread counts as full agreement.
 */
export function orderByDisagreement<T extends { topicId: string }>(topics: T[], spreads: Record<string, RatingCounts>): T[] {
  const NONE: RatingCounts = { red: 0, amber: 0, green: 0 };
  return topics
    .map((topic, index) => ({ topic, index, score: disagreement(spreads[topic.topicId] ?? NONE) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ topic }) => topic);
}

/**
 * The topics the group agreed are red, then those agreed amber, each in the
 * topic order: where action planning starts (docs/exercise.md,
 * "Self-assessment"). Topics agreed green, or not agreed, are left out.
 */
export function topicsNeedingWork(topics: AssessmentTopic[], agreed: Map<TopicId, AgreedRating>): AssessmentTopic[] {
  const rated = (rating: Rating) => topics.filter((topic) => agreed.get(topic.id)?.rating === rating);
  return [...rated('red'), ...rated('amber')];
}

/** One person's ratings as the server gathers them at the reveal: the name is '' on an anonymous board. */
export interface RaterRatings {
  ratings: ReadonlyMap<TopicId, OwnRating>;
  authorName: string;
}

/** Whether someone has given a colour to at least one of the topics that exist: who `raters` counts. */
export function hasRated(ratings: ReadonlyMap<TopicId, OwnRating>, topicIds: ReadonlySet<string>): boolean {
  for (const [topicId, rating] of ratings) if (rating.rating !== null && topicIds.has(topicId)) return true;
  return false;
}

/**
 * The spread the server publishes at the reveal: per existing topic the
 * count of each colour and every line of evidence given, and how many people
 * rated. Ratings of topics that no longer exist are left out. Evidence lines
 * are sorted by their text (then name), so their order says nothing of whose
 * private document they came from (docs/exercise.md, "Anonymity").
 */
export function buildAssessmentSpread(topicIds: Iterable<TopicId>, raters: Iterable<RaterRatings>): AssessmentSpread {
  const existing = new Set<string>(topicIds);
  const topics: Record<string, TopicSpread> = {};
  for (const topicId of existing) topics[topicId] = { red: 0, amber: 0, green: 0, evidence: [] };
  let count = 0;
  for (const { ratings, authorName } of raters) {
    if (hasRated(ratings, existing)) count += 1;
    for (const [topicId, { rating, evidence }] of ratings) {
      const spread = topics[topicId];
      if (!spread) continue;
      if (rating !== null) spread[rating] += 1;
      const text = evidence.trim();
      if (text) spread.evidence.push({ text, authorName });
    }
  }
  for (const spread of Object.values(topics)) {
    spread.evidence.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.authorName < b.authorName ? -1 : a.authorName > b.authorName ? 1 : 0));
  }
  return { raters: count, topics };
}
