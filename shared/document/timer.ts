import type * as Y from 'yjs';
import { MAX_TIMER_MS, type TimerState } from '../schema/exercise';
import { timerRemainingMs } from '../rules/countdown';
import { readSession, sessionMap } from './session';

/**
 * The shared countdown. Every time here is on the server's clock: callers
 * pass `serverNow`, their own clock corrected by the offset they measured
 * against the server, so a laptop whose clock is a minute out still shows the
 * same time left as everyone else.
 */

function clampDuration(ms: number): number {
  return Math.min(Math.max(Math.round(Number.isFinite(ms) ? ms : 0), 0), MAX_TIMER_MS);
}

function writeTimer(doc: Y.Doc, timer: TimerState | null, origin: unknown): void {
  doc.transact(() => sessionMap(doc).set('timer', timer), origin);
}

/** Sets a fresh timer of the given length for the current phase, not yet running. */
export function setTimer(doc: Y.Doc, durationMs: number, sound: boolean, origin: unknown = null): void {
  const duration = clampDuration(durationMs);
  writeTimer(doc, { durationMs: duration, endsAt: null, remainingMs: duration, sound, phase: readSession(doc).phase }, origin);
}

/** Turns the chime at zero on or off, keeping the time. */
export function setTimerSound(doc: Y.Doc, sound: boolean, origin: unknown = null): void {
  const timer = readSession(doc).timer;
  if (timer) writeTimer(doc, { ...timer, sound }, origin);
}

/** Starts or resumes the countdown from what is left. */
export function startTimer(doc: Y.Doc, serverNow: number, origin: unknown = null): void {
  const timer = readSession(doc).timer;
  if (!timer || timer.endsAt !== null || timer.remainingMs <= 0) return;
  writeTimer(doc, { ...timer, endsAt: serverNow + timer.remainingMs }, origin);
}

/** Pauses the countdown, keeping what is left. */
export function pauseTimer(doc: Y.Doc, serverNow: number, origin: unknown = null): void {
  const timer = readSession(doc).timer;
  if (!timer || timer.endsAt === null) return;
  writeTimer(doc, { ...timer, endsAt: null, remainingMs: timerRemainingMs(timer, serverNow) }, origin);
}

/** Adds time, running or paused; a timer that had reached zero restarts with the extra time. */
export function extendTimer(doc: Y.Doc, extraMs: number, serverNow: number, origin: unknown = null): void {
  const timer = readSession(doc).timer;
  if (!timer) return;
  const extra = clampDuration(extraMs);
  const left = timerRemainingMs(timer, serverNow);
  const durationMs = clampDuration(timer.durationMs + extra);
  if (timer.endsAt === null) writeTimer(doc, { ...timer, durationMs, remainingMs: clampDuration(left + extra) }, origin);
  else writeTimer(doc, { ...timer, durationMs, endsAt: serverNow + clampDuration(left + extra) }, origin);
}

/** Removes the timer. */
export function clearTimer(doc: Y.Doc, origin: unknown = null): void {
  writeTimer(doc, null, origin);
}

