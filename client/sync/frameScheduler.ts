/** Runs a callback at most once per animation frame, however often it is asked for. */
export interface FrameScheduler {
  schedule(): void;
  cancel(): void;
}

/**
 * Coalesces bursts (a remote update, then the server's confirmation of it)
 * into one store update. An animation frame rather than a microtask: each
 * socket message is a task of its own, with microtasks run after it, so when
 * messages arrive in bursts a microtask would update the store once per
 * message, and a frame once for all that arrived since the last one. Falls
 * back to a timer where there are no frames (Node).
 */
export function createFrameScheduler(run: () => void): FrameScheduler {
  const hasFrames = typeof requestAnimationFrame === 'function';
  let handle: number | ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    handle = null;
    run();
  };
  return {
    schedule() {
      if (handle !== null) return;
      handle = hasFrames ? requestAnimationFrame(fire) : setTimeout(fire, 0);
    },
    cancel() {
      if (handle === null) return;
      if (hasFrames) cancelAnimationFrame(handle as number);
      else clearTimeout(handle as ReturnType<typeof setTimeout>);
      handle = null;
    },
  };
}
