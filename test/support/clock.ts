/**
 * The one place a test reads time. A test states its own instant with `fixedClock` and hands it to the
 * code under test through the Clock port, so the suite passes on any date. Waiting for a real process
 * measures elapsed time on the monotonic clock, never the date. `test/unit/test-clock-rule.test.ts`
 * fails when any other test file reads the real time.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../src/application/ports/clock.ts';

/** The suite's instant, a Thursday afternoon in Beijing: 2026-11-26 15:30. */
export const TEST_NOW = new Date('2026-11-26T07:30:00.000Z');

export interface FixedClock extends Clock {
  /** Moves the clock on (or back, with a negative number) by `ms`. */
  advance(ms: number): void;
  set(at: Date | string): void;
}

/** A clock that reads `at` until moved by `advance` or `set`; each read is a fresh Date. */
export function fixedClock(at: Date | string = TEST_NOW): FixedClock {
  let current = new Date(at).getTime();
  if (Number.isNaN(current)) throw new TypeError(`fixedClock: not an instant: ${String(at)}`);
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (to) => {
      current = new Date(to).getTime();
    },
  };
}

/**
 * A clock that starts at `from` (TEST_NOW by default) and runs on with the monotonic clock: for a whole
 * app under test, whose timers and throttles need time to pass but whose dates must not depend on the day.
 */
export function steadyClock(from: Date | string = TEST_NOW): Clock {
  const origin = new Date(from).getTime() - elapsedMs();
  return { now: () => new Date(origin + elapsedMs()) };
}

/** TEST_NOW moved by `ms` (negative: earlier): another instant of the same test. */
export const fromTestNow = (ms: number): Date => new Date(TEST_NOW.getTime() + ms);

/** Milliseconds on the monotonic clock, from an arbitrary origin: only for durations and timeouts. */
export const elapsedMs = (): number => performance.now();

/** Polls `condition` every `intervalMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const until = elapsedMs() + timeoutMs;
  while (!(await condition())) {
    if (elapsedMs() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The machine's own clock, for the few tests whose subject is a separate process that reads it (a
 * server's query schedule, say): their assertions are about intervals, never about the day.
 */
export const wallClock: Clock = { now: () => new Date() };
