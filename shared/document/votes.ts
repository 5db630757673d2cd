import type * as Y from 'yjs';
import { type Ballot, itemTallySchema, type ItemTally, type VoteTally } from '../schema/exercise';
import { DocKey, PrivateDocKey, topMap } from './doc';
import { dotProblem } from '../rules/dotVoting';

/**
 * This person's dots, from their private document: only whole, positive
 * counts count. Read entry by entry, never with `toJSON`, since the owner
 * may have written anything there (the server reads it at the close of voting).
 */
export function readOwnBallot(privateDoc: Y.Doc): Ballot {
  const ballot: Ballot = {};
  for (const [itemId, dots] of topMap(privateDoc, PrivateDocKey.votes).entries()) {
    if (itemId.length <= 64 && typeof dots === 'number' && Number.isInteger(dots) && dots > 0) ballot[itemId] = dots;
  }
  return ballot;
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

/** The keys of the board's `votes`: the server writes these and nothing else. */
const VotesKey = { items: 'items', voters: 'voters' } as const;

/**
 * The published tally (empty until voting closes). Items whose tally does
 * not read are left out; anything else in `votes` is ignored.
 */
export function readVoteTally(doc: Y.Doc): VoteTally {
  const votes = topMap(doc, DocKey.votes);
  const items: Record<string, ItemTally> = {};
  const written = votes.get(VotesKey.items);
  if (written !== null && typeof written === 'object' && !Array.isArray(written)) {
    for (const [itemId, value] of Object.entries(written as Record<string, unknown>)) {
      const parsed = itemTallySchema.safeParse(value);
      if (parsed.success && itemId.length <= 64) items[itemId] = parsed.data;
    }
  }
  const voters = votes.get(VotesKey.voters);
  return { items, voters: typeof voters === 'number' && Number.isInteger(voters) && voters >= 0 ? voters : 0 };
}

/** Whether `votes` holds anything but the tally (ballots keyed by person, from an earlier layout). */
export function hasStaleVotes(doc: Y.Doc): boolean {
  for (const key of topMap(doc, DocKey.votes).keys()) if (key !== VotesKey.items && key !== VotesKey.voters) return true;
  return false;
}

/** Publishes the tally on the board (the server does this when voting closes), replacing whatever `votes` held. */
export function publishVoteTally(doc: Y.Doc, tally: VoteTally, origin: unknown = null): void {
  doc.transact(() => {
    const votes = topMap(doc, DocKey.votes);
    votes.clear();
    votes.set(VotesKey.items, { ...tally.items });
    votes.set(VotesKey.voters, tally.voters);
  }, origin);
}

/** Takes the published tally off the board again (voting reopened). */
export function withdrawVoteTally(doc: Y.Doc, origin: unknown = null): void {
  doc.transact(() => topMap(doc, DocKey.votes).clear(), origin);
}
