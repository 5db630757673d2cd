import type { Member, Perspective } from '../schema/exercise';
import type { PerspectiveId } from '../schema/ids';

/** The group with the fewest of the given people in it (the first lane on a tie). */
export function smallestGroup(
  perspectives: readonly Perspective[],
  members: ReadonlyMap<string, Member>,
  among: readonly string[],
): PerspectiveId | null {
  if (perspectives.length === 0) return null;
  const sizes = new Map<string, number>(perspectives.map((p) => [p.id, 0]));
  for (const id of among) {
    const group = members.get(id)?.perspectiveId;
    if (group && sizes.has(group)) sizes.set(group, sizes.get(group)! + 1);
  }
  let best = perspectives[0]!;
  for (const p of perspectives) if (sizes.get(p.id)! < sizes.get(best.id)!) best = p;
  return best.id;
}

/**
 * Spreads people evenly over the lanes, moving as few as possible: everyone
 * keeps their group unless theirs is over the fair share, and those without a
 * group (or moved off a full one) go to the smallest. Returns who goes where.
 */
export function balanceGroups(
  perspectives: readonly Perspective[],
  members: ReadonlyMap<string, Member>,
  people: readonly string[],
): Map<string, PerspectiveId> {
  const result = new Map<string, PerspectiveId>();
  if (perspectives.length === 0) return result;
  const sorted = [...new Set(people)].sort();
  const base = Math.floor(sorted.length / perspectives.length);
  let largerGroups = sorted.length % perspectives.length;
  const kept = new Map<string, string[]>(perspectives.map((p) => [p.id, []]));
  const toPlace: string[] = [];
  for (const id of sorted) {
    const group = members.get(id)?.perspectiveId;
    if (group && kept.has(group)) kept.get(group)!.push(id);
    else toPlace.push(id);
  }
  // A group keeps at most its fair share; one of the larger shares where the split is uneven.
  for (const p of perspectives) {
    const inGroup = kept.get(p.id)!;
    let share = base;
    if (inGroup.length > base && largerGroups > 0) {
      share = base + 1;
      largerGroups--;
    }
    toPlace.push(...inGroup.splice(share));
  }
  for (const id of toPlace) {
    const target = perspectives.reduce((best, p) => (kept.get(p.id)!.length < kept.get(best.id)!.length ? p : best));
    kept.get(target.id)!.push(id);
  }
  for (const [group, ids] of kept) for (const id of ids) result.set(id, group as PerspectiveId);
  return result;
}
