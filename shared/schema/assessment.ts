import { z } from 'zod';
import type { TopicId } from './ids';
import { DISPLAY_NAME_MAX_CHARS } from './records';

/**
 * The records of the traffic-light self-assessment (docs/exercise.md,
 * "Self-assessment"; the workshop guide's starting tool): a board's topics,
 * each person's private rating of each, the spread the server publishes when
 * the facilitator reveals them, and the rating the group agrees per topic.
 */

/** The three colours a topic can be rated, from worst to best. */
export const RATINGS = ['red', 'amber', 'green'] as const;
export type Rating = (typeof RATINGS)[number];

/** What each colour means, in the product's own words. */
export const RATING_LABELS: Record<Rating, string> = {
  red: 'Red – not tackled yet',
  amber: 'Amber – started, more to do',
  green: 'Green – working well',
};

export const ASSESSMENT_TOPIC_MAX_CHARS = 300;
export const EVIDENCE_MAX_CHARS = 500;
export const AGREED_NOTE_MAX_CHARS = 2000;
/** The most topics a board holds: the fourteen defaults and plenty of the board's own. */
export const MAX_ASSESSMENT_TOPICS = 40;
/**
 * The most entries a private `ratings` map may hold. A person rates at most
 * the board's topics, but a topic deleted after they rated it leaves its
 * entry behind, so twice the topics leaves room for that without letting a
 * tampered client fill the document with ratings of nothing.
 */
export const MAX_OWN_RATINGS = MAX_ASSESSMENT_TOPICS * 2;

/**
 * The fourteen topics every board starts with: the guide's list, reworded
 * briefly (docs/exercise.md, "Self-assessment"). The facilitator may rename,
 * reorder, delete and add to them per board.
 */
export const DEFAULT_ASSESSMENT_TOPICS: readonly string[] = [
  'Organisational culture and compassionate, inclusive leadership',
  'Knowing our workforce data, including why people leave',
  'Listening to staff and acting on what they tell us',
  'Welcoming new starters, from application through induction',
  'Helping international colleagues feel they belong',
  'Health and wellbeing at work',
  'Development and career conversations',
  'Support for staff later in their careers',
  'Flexible routes into retirement',
  'Flexible working',
  'Planning for barriers to change from the outset',
  'A clear action plan that puts staff experience first',
  'Adapting what we do as we measure its impact',
  'Recognition and reward',
];

const finite = z.number().finite();
const count = z.number().int().min(0);
const topicId = z.string().min(1).max(64).brand<'TopicId'>();

/**
 * A topic record of `assessmentTopics`. Its title is what the facilitator
 * wrote, so a topic without one does not read; the rest default.
 */
export const assessmentTopicSchema = z.object({
  id: topicId,
  title: z.string().min(1).max(ASSESSMENT_TOPIC_MAX_CHARS),
  // Topics are shown in ascending order.
  order: finite.catch(0),
  createdAt: finite.catch(0),
});

/** One topic people rate ("Flexible working"). */
export interface AssessmentTopic {
  id: TopicId;
  title: string;
  order: number;
}

/**
 * A person's rating of one topic, in their private document: a colour (or
 * none yet, when they wrote evidence first) and a line of evidence. Strict,
 * so the write guard refuses any other key; a reader skips one that does
 * not read.
 */
export const ownRatingSchema = z.strictObject({
  rating: z.enum(RATINGS).nullable(),
  evidence: z.string().max(EVIDENCE_MAX_CHARS),
});

export interface OwnRating {
  rating: Rating | null;
  evidence: string;
}

/** One line of evidence as revealed: its text, and who wrote it ('' on an anonymous board). */
export const evidenceLineSchema = z.strictObject({
  text: z.string().max(EVIDENCE_MAX_CHARS),
  authorName: z.string().max(DISPLAY_NAME_MAX_CHARS),
});

/** One topic's ratings once revealed: how many of each colour, and the evidence given. */
export const topicSpreadSchema = z.strictObject({
  red: count,
  amber: count,
  green: count,
  evidence: z.array(evidenceLineSchema),
});

export interface TopicSpread {
  red: number;
  amber: number;
  green: number;
  /** authorName is '' on an anonymous board. */
  evidence: { text: string; authorName: string }[];
}

/**
 * The board's `assessmentSpread`, written by the server alone when the
 * facilitator reveals the ratings: its two keys. Never a rating by person.
 */
export const assessmentSpreadSchema = z.object({
  raters: count,
  topics: z.record(z.string().max(64), topicSpreadSchema),
});

export interface AssessmentSpread {
  /** How many people rated at least one topic that exists. */
  raters: number;
  topics: Record<string /* TopicId */, TopicSpread>;
}

/** The rating the group agreed for one topic, with the facilitator's note of why. Strict, like the private rating. */
export const agreedRatingSchema = z.strictObject({
  rating: z.enum(RATINGS),
  note: z.string().max(AGREED_NOTE_MAX_CHARS),
  agreedAt: finite,
});

export interface AgreedRating {
  rating: Rating;
  note: string;
  agreedAt: number;
}
