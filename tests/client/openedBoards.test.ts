import { afterEach, describe, expect, it } from 'vitest';
import {
  boardLinkPath,
  forgetDeletedBoard,
  forgetOpenedBoard,
  listOpenedBoards,
  MAX_OPENED_BOARDS,
  recordOpenedBoard,
} from '../../client/state/openedBoards';

const KEY = 'retain:opened-boards';
const WARD_7 = 'Vq3xK9mZ2pL8wR4t';
const BOARD_SESSION = 'Hn5rT2wQ8xL4kP7z';
const TOKEN = 'Zm9yIHRoZSBmYWNpbGl0YXRvciBvbmx5LCBrZWVwIGl0';

/** A board id of the server's shape (16 URL-safe characters), different for each number. */
function boardId(n: number): string {
  return `board${String(n).padStart(11, '0')}`;
}

function stored(): unknown {
  return JSON.parse(localStorage.getItem(KEY) ?? 'null');
}

afterEach(() => localStorage.clear());

describe('the boards this browser opened', () => {
  it('keeps the newest first, one entry per board and role, with the link that reopens it', () => {
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'facilitator', token: TOKEN }, 1000);
    recordOpenedBoard({ boardId: BOARD_SESSION, title: 'Board session', role: 'participant', token: TOKEN }, 2000);
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'participant', token: TOKEN }, 3000);
    // Opening the same board in the same role again moves it to the top rather than adding it twice.
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7 (renamed)', role: 'facilitator', token: TOKEN }, 4000);
    expect(listOpenedBoards()).toEqual([
      { boardId: WARD_7, title: 'Ward 7 (renamed)', role: 'facilitator', openedAt: 4000, path: `/b/${WARD_7}#token=${TOKEN}` },
      { boardId: WARD_7, title: 'Ward 7', role: 'participant', openedAt: 3000, path: `/b/${WARD_7}#token=${TOKEN}` },
      { boardId: BOARD_SESSION, title: 'Board session', role: 'participant', openedAt: 2000, path: `/b/${BOARD_SESSION}#token=${TOKEN}` },
    ]);
    // Only what the list needs is kept: no name, no participant key, no token beside the link.
    expect(Object.keys((stored() as object[])[0]!).sort()).toEqual(['boardId', 'openedAt', 'path', 'role', 'title']);
  });

  it('keeps at most twenty, forgetting the oldest', () => {
    for (let n = 1; n <= MAX_OPENED_BOARDS + 5; n++) recordOpenedBoard({ boardId: boardId(n), title: `Board ${n}`, role: 'viewer', token: TOKEN }, n);
    const listed = listOpenedBoards();
    expect(listed).toHaveLength(MAX_OPENED_BOARDS);
    expect(listed[0]!.title).toBe(`Board ${MAX_OPENED_BOARDS + 5}`);
    expect(listed.at(-1)!.title).toBe('Board 6');
    expect(stored()).toHaveLength(MAX_OPENED_BOARDS);
  });

  it('forgets one board in one role, and a deleted board in every role, saying what it was called', () => {
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'facilitator', token: TOKEN }, 1);
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'participant', token: TOKEN }, 2);
    recordOpenedBoard({ boardId: BOARD_SESSION, title: 'Board session', role: 'viewer', token: TOKEN }, 3);
    forgetOpenedBoard(WARD_7, 'participant');
    expect(listOpenedBoards().map((board) => `${board.title}/${board.role}`)).toEqual(['Board session/viewer', 'Ward 7/facilitator']);
    expect(forgetDeletedBoard(WARD_7)).toBe('Ward 7');
    expect(forgetDeletedBoard(WARD_7)).toBeNull();
    expect(listOpenedBoards().map((board) => board.boardId)).toEqual([BOARD_SESSION]);
    forgetOpenedBoard(BOARD_SESSION, 'viewer');
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('skips whatever in storage does not read as an entry, and keeps the entries that do', () => {
    const good = { boardId: WARD_7, title: 'Ward 7', role: 'facilitator', openedAt: 5, path: boardLinkPath(WARD_7, TOKEN) };
    const entries = JSON.stringify([
      null,
      42,
      'a string',
      [],
      {},
      { ...good, path: 'javascript:alert(1)' },
      { ...good, path: `https://evil.example/b/${WARD_7}#token=${TOKEN}` },
      { ...good, path: `//evil.example/b/${WARD_7}#token=${TOKEN}` },
      { ...good, path: `/b/${BOARD_SESSION}#token=${TOKEN}` }, // a link to another board than the entry says
      { ...good, path: `/b/${WARD_7}#token=${TOKEN}"><script>` },
      { ...good, path: `/b/${WARD_7}` }, // no token: it could not open the board
      { ...good, boardId: '../../api', path: `/b/../../api#token=${TOKEN}` },
      { ...good, role: 'admin' },
      { ...good, title: '' },
      { ...good, title: 'x'.repeat(10_000) },
      { ...good, title: { toString: 'Ward 7' } },
      { ...good, openedAt: 'yesterday' },
      { ...good, openedAt: -1 },
      { ...good, openedAt: Number.MAX_VALUE * 10 },
      { ...good, openedAt: 4 }, // the same board and role again, older: listed once, as last opened
      good,
    ]);
    // A key JSON.parse makes an own property, which must not reach any object's prototype.
    const polluting = `{"__proto__":{"polluted":true},"boardId":"${WARD_7}","title":"Ward 7","role":"viewer","openedAt":1,"path":"/b/${WARD_7}#token=${TOKEN}"}`;
    localStorage.setItem(KEY, `${entries.slice(0, -1)},${polluting}]`);
    expect(listOpenedBoards()).toEqual([good, { ...good, role: 'viewer', openedAt: 1 }]);
    expect(Object.getPrototypeOf(listOpenedBoards()[1])).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reads nothing from storage that is not a list, or not JSON, and recovers on the next board opened', () => {
    for (const junk of ['{not json', '{"boardId":"x"}', '"a string"', 'null', '1e309']) {
      localStorage.setItem(KEY, junk);
      expect(listOpenedBoards(), junk).toEqual([]);
    }
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'facilitator', token: TOKEN }, 1);
    expect(listOpenedBoards()).toHaveLength(1);
  });

  it('records nothing for a board id or token of a shape it could not read back', () => {
    recordOpenedBoard({ boardId: 'short', title: 'Ward 7', role: 'facilitator', token: TOKEN });
    recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'facilitator', token: 'has spaces and / slashes' });
    recordOpenedBoard({ boardId: WARD_7, title: '   ', role: 'facilitator', token: TOKEN });
    expect(listOpenedBoards()).toEqual([]);
  });

  it('carries on without a list when storage refuses to be read or written', () => {
    const { getItem, setItem } = Storage.prototype;
    Storage.prototype.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    try {
      expect(listOpenedBoards()).toEqual([]);
      expect(() => recordOpenedBoard({ boardId: WARD_7, title: 'Ward 7', role: 'facilitator', token: TOKEN })).not.toThrow();
      expect(() => forgetOpenedBoard(WARD_7, 'facilitator')).not.toThrow();
    } finally {
      Storage.prototype.getItem = getItem;
      Storage.prototype.setItem = setItem;
    }
  });
});
