import { describe, expect, it } from 'vitest';
import { isBoardId, JOIN_CODE_ALPHABET, newBoardId, newJoinCode, normaliseJoinCode } from '../../shared/schema/ids';
import { colourForParticipant, PERSON_COLOURS, pickPersonColour } from '../../shared/schema/presence';

describe('ids and join codes', () => {
  it('makes board ids that are safe in a URL path and recognised as board ids', () => {
    const id = newBoardId();
    expect(isBoardId(id)).toBe(true);
    expect(isBoardId('../etc/passwd')).toBe(false);
    expect(isBoardId('short')).toBe(false);
  });

  it('makes join codes of two groups of four characters that cannot be confused', () => {
    for (let i = 0; i < 100; i++) {
      const code = newJoinCode();
      expect(code).toMatch(/^.{4}-.{4}$/);
      for (const ch of code.replace('-', '')) expect(JOIN_CODE_ALPHABET).toContain(ch);
    }
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('forgives case, spaces and a missing dash when a code is typed', () => {
    expect(normaliseJoinCode(' k7pq 4xrm ')).toBe('K7PQ-4XRM');
    expect(normaliseJoinCode('K7PQ4XRM')).toBe('K7PQ-4XRM');
    expect(normaliseJoinCode('K7PQ-4XR')).toBeNull();
    expect(normaliseJoinCode('K7PQ-4XR!')).toBeNull();
  });

  it('gives each person a stable colour from the palette', () => {
    expect(colourForParticipant('abc')).toBe(colourForParticipant('abc'));
    expect(PERSON_COLOURS).toContain(colourForParticipant('someone else'));
  });
});

describe('colours for people on a board', () => {
  it('gives the first ten people ten different colours, then reuses the least used', () => {
    const given: string[] = [];
    for (let i = 0; i < PERSON_COLOURS.length; i++) given.push(pickPersonColour(given));
    expect(new Set(given).size).toBe(PERSON_COLOURS.length);
    expect(pickPersonColour(given)).toBe(PERSON_COLOURS[0]);
    expect(pickPersonColour([...given, PERSON_COLOURS[0]])).toBe(PERSON_COLOURS[1]);
  });

  it('ignores colours that are not in the palette', () => {
    expect(pickPersonColour(['#123456'])).toBe(PERSON_COLOURS[0]);
  });
});
