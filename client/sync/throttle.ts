/** A throttled function, with a way to drop a call still waiting. */
export interface Throttled<Args extends unknown[]> {
  (...args: Args): void;
  cancel(): void;
}

/**
 * Calls `fn` at most once per `intervalMs`: the first call at once, later
 * ones within the interval collapsed into one trailing call with the latest
 * arguments, so the last position always gets through.
 */
export function throttle<Args extends unknown[]>(fn: (...args: Args) => void, intervalMs: number): Throttled<Args> {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest: Args | null = null;
  const run = (args: Args) => {
    lastRun = Date.now();
    fn(...args);
  };
  const throttled = (...args: Args) => {
    const wait = lastRun + intervalMs - Date.now();
    if (wait <= 0 && timer === null) {
      run(args);
      return;
    }
    latest = args;
    timer ??= setTimeout(() => {
      timer = null;
      const args = latest;
      latest = null;
      if (args) run(args);
    }, Math.max(wait, 0));
  };
  throttled.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    latest = null;
  };
  return throttled;
}
