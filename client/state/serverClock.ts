import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { clockOffsetMs } from '../../shared/rules/countdown';
import { getServerTime } from '../api';

/**
 * How far this device's clock is from the server's. The shared timer stores
 * times on the server's clock, so every screen adds this offset to its own
 * clock and shows the same time left, even on a laptop whose clock is wrong.
 */
export const serverClockStore = createStore<{ offsetMs: number }>()(() => ({ offsetMs: 0 }));

/** The server's time now, as well as this device can tell. */
export function serverNow(): number {
  return Date.now() + serverClockStore.getState().offsetMs;
}

/** Reads the offset in components, so they re-render when it is measured. */
export function useServerClockOffset(): number {
  return useStore(serverClockStore, (state) => state.offsetMs);
}

/** How many round trips to measure; the fastest is the most accurate. */
const CLOCK_SAMPLES = 3;

/**
 * Measures the offset against the server. Keeps the previous value when the
 * server cannot be reached: a timer a little off beats no timer.
 */
export async function measureServerClock(fetchServerTime: () => Promise<number> = getServerTime): Promise<void> {
  let best: { roundTrip: number; offset: number } | null = null;
  for (let i = 0; i < CLOCK_SAMPLES; i++) {
    const sentAt = Date.now();
    let serverTime: number;
    try {
      serverTime = await fetchServerTime();
    } catch {
      return;
    }
    const receivedAt = Date.now();
    const roundTrip = receivedAt - sentAt;
    if (!best || roundTrip < best.roundTrip) best = { roundTrip, offset: clockOffsetMs(sentAt, serverTime, receivedAt) };
  }
  if (best) serverClockStore.setState({ offsetMs: best.offset });
}
