import type * as Y from 'yjs';
import { MAX_TIMER_MS, type TimerState } from '../schema/exercise';
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

function writeTimer(doc: Y.Doc, timer: TimerState | null, origin: unknown): void {
  doc.transact(() => sessionMap(doc).set('timer', timer), origin);
}

/** Sets a fresh timer of the given length, not yet running. */
export function setTimer(doc: Y.Doc, durationMs: number, sound: boolean, origin: unknown = null): void {
  const duration = clampDuration(durationMs);
  writeTimer(doc, { durationMs: duration, endsAt: null, remainingMs: duration, sound }, origin);
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
