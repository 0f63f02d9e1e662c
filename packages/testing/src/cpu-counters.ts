// What the focused benchmarks count: CPU milliseconds of this process and of a server on the
// stack (from /proc/PID/stat, so only for servers on this machine), and the median of rounds.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const CLOCK_TICKS_PER_MS = 100 / 1000;

/** CPU milliseconds another process (a server on the stack) has used, from /proc/PID/stat (10 ms ticks). */
export const processCpuMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after the command name, which may hold ') '
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS; // utime + stime
};

/** CPU milliseconds this process has used. */
export const ownCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * The median: the middle value, or the mean of the two middle ones for an even count. NaNs (a
 * run that measured nothing, such as the p99 of a run whose every request failed) are left out;
 * NaN when nothing is left. The one median of the benchmarks, `make bench` included: taking one
 * of the two middle values of four repeats would lean the figure towards one variant.
 */
export const median = (list: readonly number[]): number => {
  const sorted = list.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * The settings of one round of an interleaved comparison: round k starts with the k-th (wrapping),
 * so a drift within a round (warming caches, data growing) falls on each setting in turn.
 */
export const roundOrder = <T>(settings: readonly T[], round: number): T[] => {
  const first = settings.length === 0 ? 0 : round % settings.length;
  return [...settings.slice(first), ...settings.slice(0, first)];
};

/** The pid of the Redis server behind `redis` (INFO's process_id); it must run on this machine for processCpuMs. */
export async function redisServerPid(redis: Redis): Promise<number> {
  const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('Redis INFO did not name its process_id');
  return pid;
}

/** What one call cost, in µs: CPU of this process, CPU of one server (by pid), and wall time. */
export interface CallCost {
  node: number;
  server: number;
  wall: number;
}

/**
 * The focused benchmarks' loop: each variant makes `calls` calls per round, the variants
 * interleaved and their order reversed every other round (so neither always runs first), each
 * after `warmUp` calls numbered -1, -2, ... (JIT, connections). Returns each variant's per-round costs.
 */
export async function interleavedCosts<Name extends string>(
  variants: Record<Name, (call: number, round: number) => Promise<unknown>>,
  options: { rounds: number; calls: number; warmUp: number; serverPid: number },
): Promise<Map<Name, CallCost[]>> {
  const entries = Object.entries(variants) as Array<[Name, (call: number, round: number) => Promise<unknown>]>;
  const results = new Map<Name, CallCost[]>(entries.map(([name]) => [name, []]));
  const perCall = (ms: number) => (ms / options.calls) * 1000;
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [name, call] of round % 2 === 0 ? entries : [...entries].reverse()) {
      for (let i = 1; i <= options.warmUp; i += 1) await call(-i, round);
      const [node0, server0, wall0] = [ownCpuMs(), processCpuMs(options.serverPid), performance.now()];
      for (let i = 0; i < options.calls; i += 1) await call(i, round);
      results.get(name)!.push({ node: perCall(ownCpuMs() - node0), server: perCall(processCpuMs(options.serverPid) - server0), wall: perCall(performance.now() - wall0) });
    }
  }
  return results;
}

/** The median of one field of a variant's per-round costs, to one decimal. */
export const medianCost = (samples: readonly CallCost[], field: keyof CallCost): string => median(samples.map((sample) => sample[field])).toFixed(1);

/**
 * The focused benchmarks' report: each variant's median costs per call, then the second
 * variant's median per-round ratio to the first (the old way first, the new one second).
 */
export function printBeforeAfter(
  results: ReadonlyMap<string, CallCost[]>,
  report: { process: string; server: string; per: string; rounds: number; calls: number; comparison: string },
): void {
  const [before, after] = [...results.values()] as [CallCost[], CallCost[]];
  const ratio = (field: keyof CallCost) => median(after.map((sample, i) => sample[field] / before[i]![field] - 1));
  const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)} %`;
  for (const [name, samples] of results) {
    console.log(
      `${name}: ${report.process} ${medianCost(samples, 'node')} µs + ${report.server} ${medianCost(samples, 'server')} µs CPU, ${medianCost(samples, 'wall')} µs wall per ${report.per} (median of ${report.rounds} rounds of ${report.calls})`,
    );
  }
  console.log(`${report.comparison}, median of the per-round ratios: ${report.process} ${percent(ratio('node'))}, ${report.server} ${percent(ratio('server'))}, wall ${percent(ratio('wall'))}`);
  console.log(`(${report.server} CPU comes in 10 ms ticks: ${report.calls} calls per round resolve ${(10_000 / report.calls).toFixed(1)} µs)`);
}
