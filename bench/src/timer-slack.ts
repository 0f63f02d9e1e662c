// The kernel's timer slack of a running process's threads (/proc/TID/timerslack_ns): how much
// later than asked a timed sleep may end. Reading or writing any thread's but one's own needs
// CAP_SYS_NICE (root usually has it; root in a container often does not).
// stack/cassandra/start.sh sets Cassandra's at launch (CASSANDRA_TIMER_SLACK_NS); the benchmarks
// change it on the running process to compare settings without a restart.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** The environment key a `--variant` uses to set the stack's Cassandra's timer slack for its runs. */
export const CASSANDRA_TIMER_SLACK_KEY = 'CASSANDRA_TIMER_SLACK_NS';

export function timerSlackOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/timerslack_ns`, 'utf8'));
  } catch (error) {
    throw privilegeError(pid, error);
  }
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
      if (code !== 'ENOENT' && code !== 'ESRCH') throw privilegeError(pid, error);
    }
  }
}

/**
 * The cost table's variants and Cassandra's slack: each variant runs with the slack it names, the
 * others with the one Cassandra had, and `restore` puts that back (after the cost table, on an
 * error or an interrupt). When no variant names it, nothing is read or set (nor needs CAP_SYS_NICE).
 */
export function cassandraSlackForVariants(
  pid: number | undefined,
  variants: ReadonlyArray<{ env: Record<string, string> }>,
): { apply(variant: { env: Record<string, string> }): number | undefined; restore(): void } {
  if (pid === undefined || !variants.some((variant) => CASSANDRA_TIMER_SLACK_KEY in variant.env)) return { apply: () => undefined, restore: () => undefined };
  const started = timerSlackOf(pid);
  return {
    apply(variant) {
      const named = variant.env[CASSANDRA_TIMER_SLACK_KEY];
      const slack = named === undefined ? started : Number(named);
      setTimerSlack(pid, slack);
      return slack;
    },
    restore: () => setTimerSlack(pid, started),
  };
}

/** Whether this process holds CAP_SYS_NICE (bit 23 of its effective capabilities). */
export function mayChangeTimerSlack(): boolean {
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return effective !== undefined && (BigInt(`0x${effective}`) & (1n << 23n)) !== 0n;
}

function privilegeError(pid: number, error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'EPERM') return error;
  return new Error(`the timer slack of pid ${pid}'s threads can be read or set only with CAP_SYS_NICE (run the benchmark as root)`, { cause: error });
}
