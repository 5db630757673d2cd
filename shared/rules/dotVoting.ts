import type { Ballot, ItemTally, VoteTally } from '../schema/exercise';

/** The rules of dot voting, over plain ballots. */

/** How many dots a ballot places in all. */
export function dotsUsed(ballot: Ballot): number {
  return Object.values(ballot).reduce((sum, dots) => sum + dots, 0);
}

/** Why a dot cannot be added, or null when it can. */
export function dotProblem(ballot: Ballot, itemId: string, budget: number, cap: number): string | null {
  if (dotsUsed(ballot) >= budget) return `You have used all ${budget} of your dots. Take one off an item to move it.`;
  if ((ballot[itemId] ?? 0) >= cap) return `An item can have at most ${cap} of your dots.`;
  return null;
}

/** One item's place in the results. */
export interface VoteResult {
  itemId: string;
  dots: number;
  /** How many people put at least one dot on it. */
  voters: number;
  /** 1 for the most dots; items with equal dots share a rank. */
  rank: number;
}

/**
 * Counts the dots: each item's dots and voters, and how many people voted.
 * Each ballot counts for at most `cap` dots an item and `budget` dots in
 * all, whatever a tampered client wrote: items are taken in id order and
 * counting stops at the budget, so the same ballots always give the same
 * tally. Dots on items that no longer exist are not counted. This is what
 * the server publishes when voting closes: the tally, never a ballot.
 */
export function countVotes(ballots: Iterable<Ballot>, limits: { budget: number; cap: number }, validItems: ReadonlySet<string>): VoteTally {
  const items: Record<string, ItemTally> = {};
  let voters = 0;
  for (const ballot of ballots) {
    let left = limits.budget;
    for (const itemId of Object.keys(ballot).sort()) {
      const written = ballot[itemId];
      if (!validItems.has(itemId) || left <= 0 || !Number.isInteger(written) || written! <= 0) continue;
      const dots = Math.min(written!, limits.cap, left);
      const total = (items[itemId] ??= { dots: 0, voters: 0 });
      total.dots += dots;
      total.voters += 1;
      left -= dots;
    }
    if (left < limits.budget) voters += 1;
  }
  return { items, voters };
}

/**
 * Ranks a tally over the items that exist now (an item nobody voted for has
 * no dots), most dots first (ties by item id).
 */
export function rankVotes(items: Readonly<Record<string, ItemTally>>, validItems: ReadonlySet<string>): VoteResult[] {
  const results = [...validItems].map((itemId) => ({ itemId, dots: items[itemId]?.dots ?? 0, voters: items[itemId]?.voters ?? 0, rank: 0 }));
  results.sort((a, b) => b.dots - a.dots || (a.itemId < b.itemId ? -1 : 1));
  results.forEach((result, index) => {
    const previous = results[index - 1];
    result.rank = previous && previous.dots === result.dots ? previous.rank : index + 1;
  });
  return results;
}
