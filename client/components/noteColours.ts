import type { NoteColour } from '../../shared/schema/records';

/**
 * The shade and name of each note colour. All are pale enough that the
 * body text colour (#212b32) keeps a contrast well above WCAG AA's 4.5:1,
 * and each colour has a name so colour is never the only way to tell.
 */
export const NOTE_COLOUR_STYLES: Record<NoteColour, { background: string; border: string; label: string }> = {
  yellow: { background: '#fff6a8', border: '#c9b800', label: 'Yellow' },
  pink: { background: '#ffd7e8', border: '#d65a93', label: 'Pink' },
  blue: { background: '#d5e9fb', border: '#4c8fd1', label: 'Blue' },
  green: { background: '#d9f1d3', border: '#4f9a45', label: 'Green' },
  orange: { background: '#ffdcb8', border: '#e07b1f', label: 'Orange' },
  purple: { background: '#e7ddf6', border: '#8a63c7', label: 'Purple' },
};
