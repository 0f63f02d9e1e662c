// Fakes of the ports every service has: a clock the test moves and ids it can predict.
import type { Clock } from '@chirp/kernel/clock';

export interface SettableClock extends Clock {
  set(time: Date): void;
  advance(seconds: number): void;
}

export function aClock(start = new Date('2026-03-01T12:00:00.000Z')): SettableClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (time) => {
      now = time.getTime();
    },
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}

/** Counts from a large base, so ids look like real ones (decimal, 1–19 digits) and rise like Snowflake ids. */
export function sequentialIds(start = 7_000_000_000_000_000_000n): { next(): string } {
  let next = start;
  return { next: () => String((next += 1n)) };
}
