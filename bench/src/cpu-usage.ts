// Who used the CPU during a run: every process on the machine, grouped by role (each Chirp
// service, Postgres, Redis, Cassandra, the SNS/SQS emulator, the load generator), from
// /proc/<pid>/stat. With everything on one machine this is what says which part limits it.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux Node runs on.

export interface CpuSnapshot {
  at: number;
  /** CPU ticks per pid, with the role the pid plays. */
  byPid: Map<number, { role: string; ticks: number }>;
}

/** Cores used per role between two snapshots (1.0 = one core busy the whole time), busiest first. */
export type CpuUse = Array<{ role: string; cores: number }>;

export function roleOf(pid: number, cmdline: string, comm: string): string {
  if (pid === process.pid) return 'load generator';
  const service = /services\/(user|tweet|timeline|gateway)\/src\/main\.ts/.exec(cmdline);
  if (service) return service[1]!;
  if (cmdline.includes('CassandraDaemon')) return 'cassandra';
  if (cmdline.includes('fauxqs')) return 'sns/sqs emulator';
  if (cmdline.includes('bench/src/baseline-server.ts')) return 'baseline server';
  if (comm === 'postgres') return 'postgres';
  if (comm.startsWith('redis-server')) return 'redis';
  return 'other';
}

export function cpuSnapshot(): CpuSnapshot {
  const byPid = new Map<number, { role: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces; the fields after it are space-separated.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      byPid.set(pid, { role: roleOf(pid, cmdline, comm), ticks });
    } catch {
      continue; // The process ended while we read it.
    }
  }
  return { at: performance.now(), byPid };
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const byRole = new Map<string, number>();
  for (const [pid, { role, ticks }] of after.byPid) {
    const used = ticks - (before.byPid.get(pid)?.ticks ?? 0);
    byRole.set(role, (byRole.get(role) ?? 0) + used);
  }
  return [...byRole]
    .map(([role, ticks]) => ({ role, cores: ticks / TICKS_PER_SECOND / seconds }))
    .filter((use) => use.cores >= 0.005)
    .sort((a, b) => b.cores - a.cores);
}
