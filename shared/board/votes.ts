import type * as Y from 'yjs';
import { type Ballot, ballotSchema } from '../schema/exercise';
import { DocKey, PrivateDocKey, topMap } from './doc';
import { dotProblem } from '../exercise/votes';

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

