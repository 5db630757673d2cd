import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../client/sync/throttle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttling pointer positions', () => {
  it('sends the first position at once and only the latest of a burst after the interval', () => {
    const send = vi.fn();
    const throttled = throttle(send, 50);
    throttled(1);
    throttled(2);
    throttled(3);
    expect(send.mock.calls).toEqual([[1]]);
    vi.advanceTimersByTime(50);
    expect(send.mock.calls).toEqual([[1], [3]]);
    vi.advanceTimersByTime(50);
    throttled(4);
    expect(send.mock.calls).toEqual([[1], [3], [4]]);
  });

  it('drops a waiting position when cancelled, so a pointer that left the board stays gone', () => {
    const send = vi.fn();
    const throttled = throttle(send, 50);
    throttled(1);
    throttled(2);
    throttled.cancel();
    vi.advanceTimersByTime(100);
    expect(send.mock.calls).toEqual([[1]]);
  });
});
