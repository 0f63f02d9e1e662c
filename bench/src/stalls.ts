// What stalls a request besides work: each Node process's event-loop delay, and Cassandra's
// garbage-collection pauses, over a measured run.
import { EVENT_LOOP_SAMPLING_MS } from '@chirp/common/http';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { scrape } from './metrics-scrape.ts';

export interface EventLoopDelay {
  p99Ms: number;
  maxMs: number;
}

/**
 * prom-client's default metrics sample the loop with perf_hooks.monitorEventLoopDelay and reset
 * the histogram at every scrape: a scrape before a run starts the window, one after reads it.
 */
const P99 = 'nodejs_eventloop_lag_p99_seconds';
const MAX = 'nodejs_eventloop_lag_max_seconds';
/**
 * What the histogram records is the time between two ticks of the services' event-loop monitor
 * (`EVENT_LOOP_SAMPLING_MS`, set where they start), not the delay beyond it: an idle process
 * reads ~10.1 ms. The delay is what exceeds the interval.
 */
const beyondInterval = (seconds: number): number => Math.max(0, 1000 * seconds - EVENT_LOOP_SAMPLING_MS);

export interface EventLoopWatch {
  /** Starts a window on every process (scrapes, which resets their histograms). */
  start(): Promise<void>;
  /** The delay since start(), per process name; a process that does not answer is left out. */
  read(): Promise<Record<string, EventLoopDelay>>;
}

export function watchEventLoops(urls: Record<string, string>): EventLoopWatch {
  const each = async <T>(fn: (name: string, text: string) => T) => {
    const entries = await Promise.all(
      Object.entries(urls).map(async ([name, url]) => {
        try {
          return [name, fn(name, await scrape(url))] as const;
        } catch {
          return undefined;
        }
      }),
    );
    return entries.filter((entry) => entry !== undefined);
  };
  return {
    async start() {
      await each(() => undefined);
    },
    async read() {
      const entries = await each((_name, text) => eventLoopDelayIn(text));
      return Object.fromEntries(entries);
    },
  };
}

/** The delay beyond the sampling interval, from one /metrics exposition. */
export const eventLoopDelayIn = (text: string): EventLoopDelay => ({ p99Ms: beyondInterval(gauge(text, P99)), maxMs: beyondInterval(gauge(text, MAX)) });

const gauge = (text: string, name: string): number => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
};

export interface GcPauses {
  /** The GC log read, or null when the JVM writes none (start it with -Xlog:gc:file=…, as stack/cassandra does). */
  log: string | null;
  count: number;
  totalMs: number;
  maxMs: number;
}

/** The GC log file of a JVM, from its -Xlog option on /proc/<pid>/cmdline. */
export function gcLogOf(pid: number): string | null {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const arg of args) {
      const match = /^-Xlog:gc[^:]*:file=([^:]+)/.exec(arg);
      if (match) return match[1]!;
    }
  } catch {
    return null;
  }
  return null;
}

/** Stop-the-world pauses logged between two instants (ms since the epoch), from the log and its rotations. */
export function gcPauses(log: string | null, fromMs: number, toMs: number): GcPauses {
  const pauses: number[] = [];
  if (log) {
    const files = readdirSync(dirname(log))
      .filter((file) => file === basename(log) || file.startsWith(`${basename(log)}.`))
      .map((file) => join(dirname(log), file));
    for (const file of files) pauses.push(...pausesIn(readFileSync(file, 'utf8'), fromMs, toMs));
  }
  return { log, count: pauses.length, totalMs: pauses.reduce((sum, ms) => sum + ms, 0), maxMs: pauses.length > 0 ? Math.max(...pauses) : 0 };
}

/** `[2026-11-30T19:41:34.211+0000][28.542s][gc] GC(11) Pause Young (Normal) (G1 Evacuation Pause) 157M->44M(256M) 7.732ms` */
const PAUSE = /^\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d\d)(\d\d)\].*\bPause\b.* ([\d.]+)ms$/;

export function pausesIn(text: string, fromMs: number, toMs: number): number[] {
  const pauses: number[] = [];
  for (const line of text.split('\n')) {
    const match = PAUSE.exec(line);
    if (!match) continue;
    const at = Date.parse(`${match[1]}${match[2]}:${match[3]}`);
    if (at >= fromMs && at <= toMs) pauses.push(Number(match[4]));
  }
  return pauses;
}
