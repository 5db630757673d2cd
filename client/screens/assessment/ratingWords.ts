import { RATING_LABELS, type Rating } from '../../../shared/schema/assessment';
import { plural } from '../../sync/useExerciseState';

/**
 * A rating's colour as a word ("Red") and what it means ("not tackled yet"),
 * split out of `RATING_LABELS` (shared/schema/assessment.ts), so a button
 * can show the word large and the meaning small while its accessible name
 * stays the whole label. A colour is never shown without its word (WCAG 1.4.1).
 */
export function ratingWords(rating: Rating): { colour: string; meaning: string } {
  const label = RATING_LABELS[rating];
  const parts = /^(\S+)\s*[–-]\s*(.+)$/.exec(label);
  return parts ? { colour: parts[1]!, meaning: parts[2]! } : { colour: label, meaning: '' };
}

/** "2 red, 1 amber, 3 green", the counts in words beside every bar. */
export function describeCounts(counts: Record<Rating, number>): string {
  return `${counts.red} red, ${counts.amber} amber, ${counts.green} green`;
}

/** "1 person has rated", "4 people have rated". */
export function describeRaters(raters: number): string {
  return `${plural(raters, 'person', 'people')} ${raters === 1 ? 'has' : 'have'} rated`;
}
