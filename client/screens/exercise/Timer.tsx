import { useEffect, useId, useRef, useState } from 'react';
import { formatTimeLeft, timerForPhase, timerRemainingMs, timerRunning } from '../../../shared/rules/countdown';
import type { TimerState } from '../../../shared/schema/exercise';
import { serverNow, useServerClockOffset } from '../../state/serverClock';
import { announce } from '../../state/boardUi';
import { useExerciseActions, useIsFacilitator, useSession } from '../../sync/useExerciseState';

/** How often the time left is redrawn while the timer runs. */
const TICK_MS = 250;
const MINUTE_MS = 60_000;

/** A short, soft tone: a reminder, not an alarm. */
function playGentleChime(): void {
  const AudioContextClass = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!AudioContextClass) return;
  try {
    const context = new AudioContextClass();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = 660;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, context.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 1.2);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 1.3);
    oscillator.onended = () => void context.close();
  } catch {
    // Sound is a nicety: a browser that refuses it still shows the time.
  }
}

/** The time left now, redrawn while the timer runs; null when there is no timer. */
function useTimeLeft(timer: TimerState | null): number | null {
  const offset = useServerClockOffset();
  const [now, setNow] = useState(() => Date.now() + offset);
  const running = timer?.endsAt != null;
  useEffect(() => {
    setNow(Date.now() + offset);
    if (!running) return;
    const interval = setInterval(() => setNow(Date.now() + offset), TICK_MS);
    return () => clearInterval(interval);
  }, [running, offset, timer?.endsAt]);
  return timer ? timerRemainingMs(timer, now) : null;
}

/**
 * The shared countdown: the same time left on every screen. Announces the
 * last minute and the end to screen readers, and plays a gentle chime at
 * zero when the facilitator asked for one.
 */
export function Timer() {
  const session = useSession();
  const timer = timerForPhase(session.timer, session.phase);
  const left = useTimeLeft(timer);
  const wasRunning = useRef(false);
  const running = timerRunning(timer, serverNow());

  useEffect(() => {
    if (left === null) return;
    if (wasRunning.current && left === 0) {
      announce('Time is up.');
      if (timer?.sound) playGentleChime();
    }
    wasRunning.current = left > 0 && running;
  }, [left, running, timer?.sound]);

  if (left === null) return null;
  return (
    <div className={`timer${left === 0 ? ' timer--done' : ''}`}>
      <span className="timer__label">Time left</span>{' '}
      <span className="timer__value" role="timer" aria-live="off">
        {formatTimeLeft(left)}
      </span>
      {!running && left > 0 && <span className="timer__state"> (paused)</span>}
      {left === 0 && <span className="timer__state"> – time is up</span>}
    </div>
  );
}

/** The facilitator's timer controls: set, start, pause, add a minute, clear, and the chime. */
export function TimerControls() {
  const isFacilitator = useIsFacilitator();
  const actions = useExerciseActions();
  const session = useSession();
  const [minutes, setMinutes] = useState('5');
  const minutesId = useId();
  if (!isFacilitator) return null;
  const timer = timerForPhase(session.timer, session.phase);
  const running = timerRunning(timer, serverNow());
  return (
    <div className="timer-controls" role="group" aria-label="Timer">
      <label htmlFor={minutesId}>Minutes</label>
      <input
        id={minutesId}
        className="field__input timer-controls__minutes"
        type="number"
        inputMode="numeric"
        min={1}
        max={240}
        value={minutes}
        onChange={(event) => setMinutes(event.target.value)}
      />
      <button type="button" className="button button--small button--secondary" onClick={() => actions.setTimer(Math.max(1, Number(minutes) || 0) * MINUTE_MS, timer?.sound ?? true)}>
        Set timer
      </button>
      {timer && (running ? (
        <button type="button" className="button button--small" onClick={() => actions.pauseTimer()}>
          Pause
        </button>
      ) : (
        <button type="button" className="button button--small" onClick={() => actions.startTimer()} disabled={timerRemainingMs(timer, serverNow()) === 0}>
          Start
        </button>
      ))}
      {timer && (
        <button type="button" className="button button--small button--secondary" onClick={() => actions.extendTimer(MINUTE_MS)}>
          Add a minute
        </button>
      )}
      {timer && (
        <button type="button" className="button button--small button--secondary" onClick={() => actions.clearTimer()}>
          Clear timer
        </button>
      )}
      {timer && (
        <label className="timer-controls__sound">
          <input type="checkbox" checked={timer.sound} onChange={(event) => actions.setTimerSound(event.target.checked)} />{' '}
          Chime at zero
        </label>
      )}
    </div>
  );
}
