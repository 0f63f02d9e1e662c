import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayChangeTimerSlack, setTimerSlack, timerSlackOf } from '../../src/timer-slack.ts';

// On a child process (a Node process has several threads), as the benchmark does to Cassandra.
// Another process's slack takes CAP_SYS_NICE; without it the calls must fail and say so.
describe('timer slack of a running process', () => {
  let child: ChildProcess;
  let pid: number;
  beforeAll(async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); process.stdout.write("up")'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    pid = child.pid!;
  });
  afterAll(() => {
    child.kill();
  });

  it('when set, then every thread of the process has it, not only the main one (or, unprivileged, the call names the privilege it lacks)', () => {
    if (!mayChangeTimerSlack()) {
      expect(() => setTimerSlack(pid, 700_000)).toThrow(/CAP_SYS_NICE/);
      expect(() => timerSlackOf(pid)).toThrow(/CAP_SYS_NICE/);
      return;
    }
    setTimerSlack(pid, 700_000);
    const threads = readdirSync(`/proc/${pid}/task`);
    expect(threads.length).toBeGreaterThan(1);
    const slacks = new Set(threads.map((tid) => Number(readFileSync(`/proc/${tid}/timerslack_ns`, 'utf8'))));
    expect([...slacks]).toEqual([700_000]);
    expect(timerSlackOf(pid)).toBe(700_000);
  });

  it('when asked for zero or a fraction, then it refuses before touching the process (0 would silently mean the default)', () => {
    expect(() => setTimerSlack(pid, 0)).toThrow(/positive number of nanoseconds/);
    expect(() => setTimerSlack(pid, 1.5)).toThrow(/positive number of nanoseconds/);
  });
});
