// Who used the CPU during a run, grouped by role (each Chirp service, Postgres, Redis, Cassandra,
// the SNS/SQS emulator, the load generator), from /proc/<pid>/stat. With everything on one
// machine this is what says which part limits it. Only this benchmark's processes count: the
// services it started (its descendants) and the servers listening on the stack's ports (with
// their children: Postgres's backends). Anything else on a shared machine is "other (not this
// benchmark)", reported so the conditions are on record, never charged to Chirp.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux Node runs on.
export const OTHER_ROLE = 'other (not this benchmark)';
/** Jaeger, with --tracing: what receiving the spans costs is the trace backend's, not the platform's. */
export const TRACE_BACKEND_ROLE = 'trace backend (jaeger)';

export interface CpuSnapshot {
  at: number;
  /** CPU ticks per pid, with the role the pid plays. */
  byPid: Map<number, { role: string; ticks: number }>;
}

/** Cores used per role between two snapshots (1.0 = one core busy the whole time), busiest first. */
export type CpuUse = Array<{ role: string; cores: number }>;

/** The role of a process the benchmark started, from its command line and environment. */
export function roleOf(cmdline: string, environ = ''): string {
  const service = /services\/(user|tweet|timeline|notification|gateway)\/src\/main\.ts/.exec(cmdline);
  if (service) {
    const timelineRole = /(?:^|\0)TIMELINE_ROLE=(api|consumer)(?:\0|$)/.exec(environ);
    return service[1] === 'timeline' && timelineRole ? `timeline-${timelineRole[1]}` : service[1]!;
  }
  if (cmdline.includes('bench/src/baseline-server.ts')) return 'baseline server';
  if (/(?:^|\/)jaeger(?:\0| |$)/.test(cmdline)) return TRACE_BACKEND_ROLE;
  return 'other child of the benchmark';
}

/** The stack's servers, by the port each listens on (from the connection variables). */
export function stackPorts(env: NodeJS.ProcessEnv): Map<number, string> {
  const ports = new Map<number, string>();
  const portOf = (url: string | undefined) => (url ? Number(new URL(url.includes('://') ? url : `tcp://${url}`).port) : 0);
  const add = (port: number, role: string) => port > 0 && ports.set(port, role);
  add(portOf(env.DATABASE_URL), 'postgres');
  add(portOf(env.REDIS_URL), 'redis');
  add(portOf(env.CASSANDRA_CONTACT_POINTS?.split(',')[0]), 'cassandra');
  add(portOf(env.AWS_ENDPOINT_URL), 'sns/sqs emulator');
  return ports;
}

/** The pids listening on the given TCP ports, by role (read once: servers keep their pid). */
export function listeningPids(ports: Map<number, string>): Map<number, string> {
  const inodes = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // No IPv6 on this machine.
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue; // LISTEN
      const role = ports.get(Number.parseInt(fields[1]?.split(':')[1] ?? '', 16));
      if (role) inodes.set(fields[9]!, role);
    }
  }
  const pids = new Map<number, string>();
  for (const pid of allPids()) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        const role = match && inodes.get(match[1]!);
        if (role) {
          pids.set(pid, role);
          break;
        }
      }
    } catch {
      continue; // Gone, or not ours to read.
    }
  }
  return pids;
}

const allPids = (): number[] => readdirSync('/proc').map(Number).filter(Number.isInteger);

export interface CpuAccounting {
  snapshot(): CpuSnapshot;
}

/**
 * Snapshots of this benchmark's processes: `servers` are the stack's (from listeningPids),
 * everything descending from this process is a service, the load generator or a baseline server.
 */
export function cpuAccounting(servers: Map<number, string>): CpuAccounting {
  const roles = new Map<number, string>(); // A pid's role does not change while it lives.
  return {
    snapshot() {
      const stats = new Map<number, { ppid: number; ticks: number }>();
      for (const pid of allPids()) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          // comm is in parentheses and may hold spaces; the fields after it are space-separated.
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          stats.set(pid, { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }); // utime, stime
        } catch {
          continue; // The process ended while we read it.
        }
      }
      const roleOfPid = (pid: number): string => {
        const known = roles.get(pid);
        if (known) return known;
        let role = OTHER_ROLE;
        for (let ancestor = pid, depth = 0; ancestor > 1 && depth < 32; ancestor = stats.get(ancestor)?.ppid ?? 0, depth++) {
          const server = servers.get(ancestor);
          if (server) {
            role = server;
            break;
          }
          if (ancestor === process.pid) {
            role = pid === process.pid ? 'load generator' : roleOf(readProc(pid, 'cmdline'), readProc(pid, 'environ'));
            break;
          }
        }
        roles.set(pid, role);
        return role;
      };
      const byPid = new Map<number, { role: string; ticks: number }>();
      for (const [pid, { ticks }] of stats) byPid.set(pid, { role: roleOfPid(pid), ticks });
      return { at: performance.now(), byPid };
    },
  };
}

function readProc(pid: number, file: 'cmdline' | 'environ'): string {
  try {
    const text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
    return file === 'cmdline' ? text.replaceAll('\0', ' ') : text;
  } catch {
    return '';
  }
}

let servers: Map<number, string> | undefined;
let shared: CpuAccounting | undefined;
/** The stack's server pids by role, found from the connection variables on first use. */
export function stackServers(): Map<number, string> {
  servers ??= listeningPids(stackPorts(process.env));
  return servers;
}

/** A snapshot of this benchmark's processes (services, load generator, the stack's servers). */
export function cpuSnapshot(): CpuSnapshot {
  shared ??= cpuAccounting(stackServers());
  return shared.snapshot();
}

/** CPU milliseconds per role between two snapshots. */
export function cpuMs(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const byRole = new Map<string, number>();
  for (const [pid, { role, ticks }] of after.byPid) {
    const used = ticks - (before.byPid.get(pid)?.ticks ?? 0);
    byRole.set(role, (byRole.get(role) ?? 0) + (used * 1000) / TICKS_PER_SECOND);
  }
  return byRole;
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const ms = after.at - before.at;
  return [...cpuMs(before, after)]
    .map(([role, used]) => ({ role, cores: used / ms }))
    .filter((use) => use.cores >= 0.005)
    .sort((a, b) => b.cores - a.cores);
}
