// The kernel's timer slack of a running process's threads (/proc/TID/timerslack_ns): how much
// later than asked a timed sleep may end. Writing another process's needs root or CAP_SYS_NICE.
// stack/cassandra/start.sh sets Cassandra's at launch (CASSANDRA_TIMER_SLACK_NS); the benchmarks
// change it on the running process to compare settings without a restart.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** The environment key a `--variant` uses to set the stack's Cassandra's timer slack for its runs. */
export const CASSANDRA_TIMER_SLACK_KEY = 'CASSANDRA_TIMER_SLACK_NS';

export function timerSlackOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/timerslack_ns`, 'utf8'));
}

/** Sets every thread's; threads the process starts later inherit their creator's. */
export function setTimerSlack(pid: number, nanoseconds: number): void {
  if (!Number.isInteger(nanoseconds) || nanoseconds < 1) throw new Error(`timer slack must be a positive number of nanoseconds, got ${nanoseconds}`);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      writeFileSync(`/proc/${tid}/timerslack_ns`, String(nanoseconds));
    } catch (error) {
      // A thread that ended since the listing is skipped; without the privilege nothing can be set.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPERM') throw new Error(`setting the timer slack of pid ${pid}'s threads needs root or CAP_SYS_NICE`, { cause: error });
      if (code !== 'ENOENT' && code !== 'ESRCH') throw error;
    }
  }
}
