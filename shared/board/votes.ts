import type * as Y from 'yjs';
import { type Ballot, ballotSchema } from '../schema/exercise';
import { DocKey, PrivateDocKey, topMap } from './doc';

/** Reads a ballot written by anyone: only whole, positive counts on string keys count. */
function cleanBallot(value: unknown): Ballot {
  const parsed = ballotSchema.safeParse(value);
  const ballot: Ballot = {};
  if (!parsed.success) return ballot;
  for (const [itemId, dots] of Object.entries(parsed.data)) {
    if (typeof dots === 'number' && Number.isInteger(dots) && dots > 0) ballot[itemId] = dots;
  }
  return ballot;
}

/** This person's dots, from their private document. */
export function readOwnBallot(privateDoc: Y.Doc): Ballot {
  return cleanBallot(topMap(privateDoc, PrivateDocKey.votes).toJSON());
}

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

/**
 * Adds (+1) or removes (-1) one of this person's dots on an item, in their
 * private document, within the budget and the cap per item. Returns false
 * when the rules do not allow it.
 */
export function changeOwnVote(
  privateDoc: Y.Doc,
  itemId: string,
  delta: 1 | -1,
  limits: { budget: number; cap: number },
  origin: unknown = null,
): boolean {
  const ballot = readOwnBallot(privateDoc);
  const current = ballot[itemId] ?? 0;
  if (delta > 0 && dotProblem(ballot, itemId, limits.budget, limits.cap) !== null) return false;
  if (delta < 0 && current === 0) return false;
  privateDoc.transact(() => {
    const votes = topMap(privateDoc, PrivateDocKey.votes);
    if (current + delta === 0) votes.delete(itemId);
    else votes.set(itemId, current + delta);
  }, origin);
  return true;
}

/** Everyone's published ballots, keyed by participant id (empty until voting closes). */
export function readPublishedBallots(doc: Y.Doc): Map<string, Ballot> {
  const ballots = new Map<string, Ballot>();
  for (const [voter, value] of topMap(doc, DocKey.votes).entries()) ballots.set(voter, cleanBallot(value));
  return ballots;
}

/** Publishes the ballots on the board (the server does this when voting closes), replacing any published before. */
export function publishBallots(doc: Y.Doc, ballots: ReadonlyMap<string, Ballot>, origin: unknown = null): void {
  doc.transact(() => {
    const votes = topMap(doc, DocKey.votes);
    for (const voter of [...votes.keys()]) if (!ballots.has(voter)) votes.delete(voter);
    for (const [voter, ballot] of ballots) votes.set(voter, { ...ballot });
  }, origin);
}

/** Takes the published ballots off the board again (voting reopened). */
export function withdrawBallots(doc: Y.Doc, origin: unknown = null): void {
  doc.transact(() => topMap(doc, DocKey.votes).clear(), origin);
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
 * Counts the dots. Each ballot counts for at most `cap` dots an item and
 * `budget` dots in all, whatever a tampered client wrote: items are taken in
 * id order and counting stops at the budget, so the same ballots always give
 * the same tally. Dots on items that no longer exist are not counted.
 * Results are ranked, most dots first (ties by item id).
 */
export function tallyVotes(
  ballots: Iterable<Ballot>,
  limits: { budget: number; cap: number },
  validItems: ReadonlySet<string>,
): VoteResult[] {
  const totals = new Map<string, { dots: number; voters: number }>([...validItems].map((id) => [id, { dots: 0, voters: 0 }]));
  for (const ballot of ballots) {
    let left = limits.budget;
    for (const itemId of Object.keys(ballot).sort()) {
      const total = totals.get(itemId);
      const written = ballot[itemId];
      if (!total || left <= 0 || !Number.isInteger(written) || written! <= 0) continue;
      const dots = Math.min(written!, limits.cap, left);
      total.dots += dots;
      total.voters += 1;
      left -= dots;
    }
  }
  const results = [...totals].map(([itemId, { dots, voters }]) => ({ itemId, dots, voters, rank: 0 }));
  results.sort((a, b) => b.dots - a.dots || (a.itemId < b.itemId ? -1 : 1));
  results.forEach((result, index) => {
    const previous = results[index - 1];
    result.rank = previous && previous.dots === result.dots ? previous.rank : index + 1;
  });
  return results;
}
