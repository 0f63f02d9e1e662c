// What the focused benchmarks count: CPU milliseconds of this process and of a server on the
// stack (from /proc/PID/stat, so only for servers on this machine), and the median of rounds.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const CLOCK_TICKS_PER_MS = 100 / 1000;

/** CPU milliseconds another process (a server on the stack) has used, from /proc/PID/stat (10 ms ticks). */
export const processCpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_MS; // utime + stime
};

/** CPU milliseconds this process has used. */
export const ownCpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export const median = (list: readonly number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

/** The pid of the Redis server behind `redis` (INFO's process_id); it must run on this machine for processCpuMs. */
export async function redisServerPid(redis: Redis): Promise<number> {
  const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('Redis INFO did not name its process_id');
  return pid;
}
