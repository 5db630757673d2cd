import * as Y from 'yjs';
import {
  AGREED_NOTE_MAX_CHARS,
  type AgreedRating,
  agreedRatingSchema,
  ASSESSMENT_TOPIC_MAX_CHARS,
  type AssessmentSpread,
  type AssessmentTopic,
  assessmentTopicSchema,
  DEFAULT_ASSESSMENT_TOPICS,
  EVIDENCE_MAX_CHARS,
  MAX_ASSESSMENT_TOPICS,
  MAX_OWN_RATINGS,
  type OwnRating,
  ownRatingSchema,
  type Rating,
  type TopicSpread,
  topicSpreadSchema,
} from '../schema/assessment';
import { newRecordId, type TopicId } from '../schema/ids';
import { DocKey, newRecord, PrivateDocKey, readFlatObject, readRecords, topMap } from './doc';
import { valueDepthBeyond } from './layout';

/**
 * The traffic-light self-assessment in the document (docs/exercise.md,
 * "Self-assessment"; docs/document-layout.md, schema 7):
 * - the board's topics, `assessmentTopics`, which the facilitator edits;
 * - each person's ratings, `ratings` in their private document, which only
 *   they and the server read;
 * - the spread, `assessmentSpread`, which the server publishes while the
 *   facilitator has the ratings revealed: counts and evidence, never a
 *   rating by person;
 * - the agreed rating per topic, `assessmentAgreed`, which the facilitator records.
 * Every reader validates what it reads and skips what does not read
 * (docs/document-layout.md, "Reading a board").
 */

/** Keys of the value maps (ratings, agreed ratings, the spread's topics) are ids: longer ones never read. */
const KEY_MAX_CHARS = 64;

/** Every topic that reads, in the facilitator's order (ties by when they were added, then by id). */
export function readAssessmentTopics(doc: Y.Doc): AssessmentTopic[] {
  return readRecords(doc, DocKey.assessmentTopics, assessmentTopicSchema)
    .sort((a, b) => a.order - b.order || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map(({ id, title, order }) => ({ id, title, order }));
}

function cleanTitle(title: string): string {
  return title.trim().slice(0, ASSESSMENT_TOPIC_MAX_CHARS);
}

/** Adds a topic after the others; null when its title is blank or the board already has the most topics it may. */
export function addAssessmentTopic(doc: Y.Doc, title: string, origin: unknown = null): TopicId | null {
  const cleaned = cleanTitle(title);
  // Counted as stored, not as read: the write guard counts the map's entries (server/rooms/policies.ts).
  if (!cleaned || topMap(doc, DocKey.assessmentTopics).size >= MAX_ASSESSMENT_TOPICS) return null;
  const topics = readAssessmentTopics(doc);
  const order = topics.length === 0 ? 0 : Math.max(...topics.map((topic) => topic.order)) + 1;
  const id = newRecordId<TopicId>();
  doc.transact(() => {
    topMap(doc, DocKey.assessmentTopics).set(id, newRecord({ id, title: cleaned, order, createdAt: Date.now() }));
  }, origin);
  return id;
}

/** Renames a topic; false when it is gone or the title is blank. */
export function renameAssessmentTopic(doc: Y.Doc, id: TopicId, title: string, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.assessmentTopics).get(id);
  const cleaned = cleanTitle(title);
  if (!(record instanceof Y.Map) || !cleaned) return false;
  if (record.get('title') !== cleaned) doc.transact(() => record.set('title', cleaned), origin);
  return true;
}

/**
 * Deletes a topic and the rating agreed for it. People's private ratings of
 * it stay in their documents (nobody else may write those), but are no
 * longer counted: the spread and `progress.raters` count existing topics only.
 */
export function deleteAssessmentTopic(doc: Y.Doc, id: TopicId, origin: unknown = null): void {
  doc.transact(() => {
    topMap(doc, DocKey.assessmentTopics).delete(id);
    topMap(doc, DocKey.assessmentAgreed).delete(id);
  }, origin);
}

/** Moves a topic to a position in the order (clamped to the list), renumbering only the topics whose place changed. */
export function moveAssessmentTopic(doc: Y.Doc, id: TopicId, toIndex: number, origin: unknown = null): void {
  const topics = readAssessmentTopics(doc);
  const from = topics.findIndex((topic) => topic.id === id);
  if (from < 0) return;
  const to = Math.min(Math.max(Math.round(Number.isFinite(toIndex) ? toIndex : from), 0), topics.length - 1);
  if (to === from) return;
  const [moved] = topics.splice(from, 1);
  topics.splice(to, 0, moved!);
  const map = topMap(doc, DocKey.assessmentTopics);
  doc.transact(() => {
    topics.forEach((topic, index) => {
      const record = map.get(topic.id);
      if (record instanceof Y.Map && record.get('order') !== index) record.set('order', index);
    });
  }, origin);
}

/**
 * The id of the n-th default topic (from 1). Fixed rather than random, so
 * the same default topic has the same id on every board: a later board of a
 * cycle can match its topics with an earlier one's.
 */
export function defaultTopicId(n: number): TopicId {
  return `default-${String(n).padStart(2, '0')}` as TopicId;
}

/**
 * Gives a board the fourteen default topics (`DEFAULT_ASSESSMENT_TOPICS`),
 * only when it has no topic that reads: board creation and the migration to
 * schema 7 call it, and neither must undo a facilitator's own list.
 */
export function seedDefaultAssessmentTopics(doc: Y.Doc, origin: unknown = null): void {
  if (readAssessmentTopics(doc).length > 0) return;
  doc.transact(() => {
    const map = topMap(doc, DocKey.assessmentTopics);
    DEFAULT_ASSESSMENT_TOPICS.forEach((title, index) => {
      const id = defaultTopicId(index + 1);
      // createdAt 0: the defaults are part of the board, not added by anyone at a time.
      map.set(id, newRecord({ id, title, order: index, createdAt: 0 }));
    });
  }, origin);
}

/**
 * One value of a value map as a flat object validated by `schema`, or null.
 * `readFlatObject` looks at the value's own keys only, so a value a tampered
 * client nested deeply costs one look.
 */
function readFlatValue<T>(value: unknown, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T | null {
  const flat = readFlatObject(value);
  if (!flat) return null;
  const parsed = schema.safeParse(flat);
  return parsed.success ? parsed.data : null;
}

/**
 * This person's ratings, from their private document, by topic id. Entries
 * that do not read (a key too long, a colour that is none of the three, a
 * field too many) are left out. The server reads everyone's at the reveal.
 */
export function readOwnRatings(privateDoc: Y.Doc): Map<TopicId, OwnRating> {
  const ratings = new Map<TopicId, OwnRating>();
  for (const [key, value] of topMap(privateDoc, PrivateDocKey.ratings).entries()) {
    if (key.length > KEY_MAX_CHARS) continue;
    const rating = readFlatValue(value, ownRatingSchema);
    if (rating) ratings.set(key as TopicId, rating);
  }
  return ratings;
}

/**
 * Writes one topic's rating in the private document; an entry with neither
 * a colour nor evidence is removed. A new entry past `MAX_OWN_RATINGS` is
 * not written: the server would refuse it (server/rooms/policies.ts).
 */
function writeOwnRating(privateDoc: Y.Doc, topicId: TopicId, next: OwnRating, origin: unknown): void {
  const map = topMap(privateDoc, PrivateDocKey.ratings);
  if (topicId.length === 0 || topicId.length > KEY_MAX_CHARS) return;
  if (!map.has(topicId) && map.size >= MAX_OWN_RATINGS) return;
  const current = readOwnRatings(privateDoc).get(topicId);
  if (current && current.rating === next.rating && current.evidence === next.evidence) return;
  privateDoc.transact(() => {
    if (next.rating === null && next.evidence === '') map.delete(topicId);
    else map.set(topicId, { rating: next.rating, evidence: next.evidence });
  }, origin);
}

/** Sets (or with null clears) this person's colour for a topic, keeping their evidence. */
export function setOwnRating(privateDoc: Y.Doc, topicId: TopicId, rating: Rating | null, origin: unknown = null): void {
  const current = readOwnRatings(privateDoc).get(topicId);
  writeOwnRating(privateDoc, topicId, { rating, evidence: current?.evidence ?? '' }, origin);
}

/** Sets this person's line of evidence for a topic, clipped to `EVIDENCE_MAX_CHARS`, keeping their colour. */
export function setOwnEvidence(privateDoc: Y.Doc, topicId: TopicId, evidence: string, origin: unknown = null): void {
  const current = readOwnRatings(privateDoc).get(topicId);
  writeOwnRating(privateDoc, topicId, { rating: current?.rating ?? null, evidence: evidence.slice(0, EVIDENCE_MAX_CHARS) }, origin);
}

/** A count as stored: a whole number of at least 0; anything else reads as 0. */
function storedCount(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/** The keys of the board's `assessmentSpread`: the server writes these and nothing else. */
const SpreadKey = { raters: 'raters', topics: 'topics' } as const;

/** The deepest a published topic spread nests: its object, the evidence list, each line. */
const SPREAD_DEPTH = 3;

/**
 * The spread the server published, or `{ raters: 0, topics: {} }` before the
 * reveal. A topic whose spread does not read is left out.
 */
export function readAssessmentSpread(doc: Y.Doc): AssessmentSpread {
  const map = topMap(doc, DocKey.assessmentSpread);
  const topics: Record<string, TopicSpread> = {};
  const written = map.get(SpreadKey.topics);
  if (written !== null && typeof written === 'object' && !Array.isArray(written) && !(written instanceof Y.AbstractType)) {
    for (const [topicId, value] of Object.entries(written as Record<string, unknown>)) {
      if (topicId.length > KEY_MAX_CHARS || valueDepthBeyond(value, SPREAD_DEPTH)) continue;
      const parsed = topicSpreadSchema.safeParse(value);
      if (parsed.success) topics[topicId] = parsed.data;
    }
  }
  return { raters: storedCount(map.get(SpreadKey.raters)), topics };
}

/** Publishes the spread on the board (the server, while the ratings are revealed), replacing whatever was there. */
export function publishAssessmentSpread(doc: Y.Doc, spread: AssessmentSpread, origin: unknown = null): void {
  doc.transact(() => {
    const map = topMap(doc, DocKey.assessmentSpread);
    map.clear();
    map.set(SpreadKey.raters, spread.raters);
    map.set(SpreadKey.topics, structuredClone(spread.topics));
  }, origin);
}

/** Takes the spread off the board again (the facilitator hid the ratings). */
export function withdrawAssessmentSpread(doc: Y.Doc, origin: unknown = null): void {
  const map = topMap(doc, DocKey.assessmentSpread);
  if (map.size === 0) return;
  doc.transact(() => map.clear(), origin);
}

/** The agreed rating of each topic that has one and reads. */
export function readAgreedRatings(doc: Y.Doc): Map<TopicId, AgreedRating> {
  const agreed = new Map<TopicId, AgreedRating>();
  for (const [key, value] of topMap(doc, DocKey.assessmentAgreed).entries()) {
    if (key.length > KEY_MAX_CHARS) continue;
    const rating = readFlatValue(value, agreedRatingSchema);
    if (rating) agreed.set(key as TopicId, rating);
  }
  return agreed;
}

/** Records the group's rating of a topic with a note (clipped to `AGREED_NOTE_MAX_CHARS`), or removes it with null. */
export function setAgreedRating(doc: Y.Doc, topicId: TopicId, agreed: { rating: Rating; note: string } | null, origin: unknown = null): void {
  if (topicId.length === 0 || topicId.length > KEY_MAX_CHARS) return;
  doc.transact(() => {
    const map = topMap(doc, DocKey.assessmentAgreed);
    if (agreed === null) map.delete(topicId);
    else map.set(topicId, { rating: agreed.rating, note: agreed.note.slice(0, AGREED_NOTE_MAX_CHARS), agreedAt: Date.now() });
  }, origin);
}
