import { describe, expect, it } from 'vitest';
import { clampToBoard, ownPresence, readPresence } from '../../client/sync/presence';
import { colourForParticipant } from '../../shared/schema/presence';

const state = (participantId: string, name: string, role: string, cursor: { x: number; y: number } | null = null) => ({
  user: { participantId, name, colour: colourForParticipant(participantId), role },
  cursor,
});

describe('reading presence from awareness', () => {
  it('lists you first, then facilitators, then others by name, and draws only the others’ pointers', () => {
    const states = new Map<number, unknown>([
      [1, state('p-zoe', 'Zoe', 'participant', { x: 10, y: 20 })],
      [2, state('p-me', 'Me', 'participant', { x: 5, y: 5 })],
      [3, state('p-fac', 'Fran', 'facilitator', null)],
      [4, state('p-amy', 'Amy', 'participant', { x: 30, y: 40 })],
    ]);
    const { people, cursors } = readPresence(states, 2);
    expect(people.map((p) => [p.name, p.isSelf])).toEqual([
      ['Me', true],
      ['Fran', false],
      ['Amy', false],
      ['Zoe', false],
    ]);
    expect(cursors.map((c) => [c.name, c.x, c.y])).toEqual([
      ['Zoe', 10, 20],
      ['Amy', 30, 40],
    ]);
  });

  it('ignores states that do not match the presence schema', () => {
    const states = new Map<number, unknown>([
      [1, state('p-ok', 'Valid', 'participant')],
      [2, { user: { participantId: 'p-bad', name: 'Bad colour', colour: 'red', role: 'participant' }, cursor: null }],
      [3, state('p-far', 'Off the board', 'participant', { x: 99_999, y: 0 })],
      [4, null],
      [5, { hello: 'world' }],
    ]);
    expect(readPresence(states, 99).people.map((p) => p.name)).toEqual(['Valid']);
  });

  it('lists a person with two tabs once but draws both pointers', () => {
    const states = new Map<number, unknown>([
      [1, state('p-sam', 'Sam', 'participant', { x: 1, y: 1 })],
      [2, state('p-sam', 'Sam', 'participant', { x: 2, y: 2 })],
    ]);
    const { people, cursors } = readPresence(states, 99);
    expect(people).toHaveLength(1);
    expect(cursors).toHaveLength(2);
  });
});

describe('what a client publishes about itself', () => {
  it('gives a viewer a name, an id and a colour of its own, and a participant the colour the server gave them', () => {
    expect(ownPresence(null, 'viewer', 42)).toEqual({
      user: { participantId: 'viewer-42', name: 'Viewer', colour: colourForParticipant('viewer-42'), role: 'viewer' },
      cursor: null,
    });
    expect(ownPresence({ participantId: 'p-1', displayName: 'Priya', colour: '#330072' }, 'participant', 7).user.colour).toBe('#330072');
  });

  it('keeps a pointer inside the board', () => {
    expect(clampToBoard({ x: -10, y: 5000.4 })).toEqual({ x: 0, y: 2000 });
  });
});
