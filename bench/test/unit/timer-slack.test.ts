import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { setTimerSlack, timerSlackOf } from '../../src/timer-slack.ts';

// On this process itself. Another thread's slack, even in the same process, takes root or
// CAP_SYS_NICE (as the benchmarks' variants do); without it the call fails and says so.
const privileged = process.getuid?.() === 0;

describe('timer slack of a running process', () => {
  const before = timerSlackOf(process.pid);
  afterEach(() => {
    if (privileged) setTimerSlack(process.pid, before);
  });

  it('when set, then every thread of the process has it (or, unprivileged, the call names the privilege it lacks)', () => {
    if (!privileged) {
      expect(() => setTimerSlack(process.pid, 700_000)).toThrow(/needs root or CAP_SYS_NICE/);
      return;
    }
    setTimerSlack(process.pid, 700_000);
    const threads = readdirSync(`/proc/${process.pid}/task`);
    expect(threads.length).toBeGreaterThan(1);
    const slacks = new Set(threads.map((tid) => Number(readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8'))));
    expect([...slacks]).toEqual([700_000]);
    expect(timerSlackOf(process.pid)).toBe(700_000);
  });

  it('when asked for zero or a fraction, then it refuses (0 would mean the default, silently)', () => {
    expect(() => setTimerSlack(process.pid, 0)).toThrow(/positive number of nanoseconds/);
    expect(() => setTimerSlack(process.pid, 1.5)).toThrow(/positive number of nanoseconds/);
    expect(timerSlackOf(process.pid)).toBe(before);
  });
});
