import type { Phase, TimerState } from '../schema/exercise';

/** Reading the shared countdown: times are on the server's clock (see shared/document/timer.ts). */

/** The timer of this phase, if the facilitator set one: a timer set in another phase is not shown. */
export function timerForPhase(timer: TimerState | null, phase: Phase): TimerState | null {
  return timer && (timer.phase === null || timer.phase === phase) ? timer : null;
}

/** Milliseconds left on the timer at `serverNow`; never below zero. */
export function timerRemainingMs(timer: TimerState | null, serverNow: number): number {
  if (!timer) return 0;
  if (timer.endsAt === null) return timer.remainingMs;
  return Math.max(0, timer.endsAt - serverNow);
}

/** True while the timer counts down. */
export function timerRunning(timer: TimerState | null, serverNow: number): boolean {
  return timer !== null && timer.endsAt !== null && timer.endsAt > serverNow;
}

/** "4:05", or "1:02:03" past an hour: time left as people read it. */
export function formatTimeLeft(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * The offset to add to this machine's clock to read the server's, from one
 * round trip: the server's time is taken to be half-way through it.
 */
export function clockOffsetMs(sentAt: number, serverTime: number, receivedAt: number): number {
  return serverTime - (sentAt + receivedAt) / 2;
}
