import { afterEach, describe, expect, it, vi } from 'vitest';
import { clampToBoard, createCursorSender, ownPresence, readPresence, settlePresence } from '../../client/sync/presence';
import type { BoardPoint } from '../../client/sync/types';
import { colourForParticipant, CURSOR_THROTTLE_MS } from '../../shared/schema/presence';

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

describe('sending this person’s pointer', () => {
  afterEach(() => vi.useRealTimers());

  function ownCursor() {
    let current: BoardPoint | null = null;
    const sent: Array<BoardPoint | null> = [];
    return {
      field: {
        get: () => current,
        set: (point: BoardPoint | null) => {
          current = point;
          sent.push(point);
        },
      },
      sent,
    };
  }

  it('sends the first position at once, the latest of a burst later, and always inside the board', () => {
    vi.useFakeTimers();
    const { field, sent } = ownCursor();
    const cursor = createCursorSender(field);
    cursor.move({ x: 10.4, y: 20 });
    cursor.move({ x: 11, y: 21 });
    cursor.move({ x: 99_999, y: -5 });
    expect(sent).toEqual([{ x: 10, y: 20 }]);
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS);
    expect(sent).toEqual([{ x: 10, y: 20 }, { x: 3000, y: 0 }]);
  });

  it('clears the pointer at once when it leaves the board, and drops a position still waiting', () => {
    vi.useFakeTimers();
    const { field, sent } = ownCursor();
    const cursor = createCursorSender(field);
    cursor.move({ x: 1, y: 1 });
    cursor.move({ x: 2, y: 2 });
    cursor.move(null);
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS * 2);
    expect(sent).toEqual([{ x: 1, y: 1 }, null]);
    // Already cleared: nothing more to send.
    cursor.move(null);
    expect(sent).toHaveLength(2);
  });
});

describe('when joins and leaves are news', () => {
  afterEach(() => vi.useRealTimers());

  function flag() {
    let settled = false;
    const changes: boolean[] = [];
    return {
      flag: {
        get: () => settled,
        set: (value: boolean) => {
          settled = value;
          changes.push(value);
        },
      },
      changes,
    };
  }

  it('only a while after syncing, since everyone’s presence arrives at once on every connection', () => {
    vi.useFakeTimers();
    const { flag: settled, changes } = flag();
    const settling = settlePresence(settled);
    settling.synced();
    vi.advanceTimersByTime(1000);
    // A second sync does not start the wait again.
    settling.synced();
    vi.advanceTimersByTime(1000);
    expect(changes).toEqual([true]);
  });

  it('no longer once the connection drops, nor when it drops before the wait is over', () => {
    vi.useFakeTimers();
    const { flag: settled, changes } = flag();
    const settling = settlePresence(settled);
    settling.synced();
    settling.unsettle();
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([]);
    settling.synced();
    vi.advanceTimersByTime(5000);
    settling.unsettle();
    expect(changes).toEqual([true, false]);
  });

  it('never, once cancelled', () => {
    vi.useFakeTimers();
    const { flag: settled, changes } = flag();
    const settling = settlePresence(settled);
    settling.synced();
    settling.cancel();
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([]);
  });
});
