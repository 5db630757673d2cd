import type { AgreedRating, AssessmentTopic } from '../../../shared/schema/assessment';
import type { Action } from '../../../shared/schema/exercise';
import { sameTitle } from '../assessment/needingWork';
import { ratingWords } from '../assessment/ratingWords';

/** Cards under one heading of the plan grouped by topic. */
export interface PlanGroup {
  key: string;
  /** The heading: a self-assessment topic with its agreed colour in words, an action's own topic text, or "No topic yet". */
  heading: string;
  /** Its actions in the plan's order, each with its place in the plan, so a card keeps its number. */
  items: { action: Action; index: number }[];
}

/**
 * The plan's actions grouped by what they serve (docs/client.md, "The action
 * plan and a check-in's agenda"): first a group per self-assessment topic an action serves (its
 * "Topic and objective" is the topic's title, as `useServedTopic` reads it),
 * in the board's topic order, each heading saying the agreed colour in words
 * (never by colour alone, WCAG 1.4.1); then actions whose topic names no
 * assessment topic, one group per topic text in the order the plan first has
 * it; then those with no topic. Groups with no action are left out.
 */
export function groupByTopic(planned: readonly Action[], topics: readonly AssessmentTopic[], agreed: Readonly<Record<string, AgreedRating | undefined>>): PlanGroup[] {
  const byTopic = topics.map((topic): PlanGroup => {
    const rating = Object.prototype.hasOwnProperty.call(agreed, topic.id) ? agreed[topic.id]?.rating : undefined;
    return { key: `topic:${topic.id}`, heading: `${topic.title} — ${rating ? `agreed ${ratingWords(rating).colour}` : 'not agreed yet'}`, items: [] };
  });
  const byText = new Map<string, PlanGroup>();
  const none: PlanGroup = { key: 'none', heading: 'No topic yet', items: [] };
  planned.forEach((action, index) => {
    const text = action.topic.trim();
    const item = { action, index };
    if (!text) {
      none.items.push(item);
      return;
    }
    const served = topics.findIndex((topic) => sameTitle(topic.title, text));
    if (served >= 0) {
      byTopic[served]!.items.push(item);
      return;
    }
    const key = `text:${text.toLocaleLowerCase()}`;
    const group = byText.get(key) ?? { key, heading: text, items: [] };
    group.items.push(item);
    byText.set(key, group);
  });
  return [...byTopic, ...byText.values(), none].filter((group) => group.items.length > 0);
}
