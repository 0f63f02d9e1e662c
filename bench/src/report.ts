// The benchmark's report: JSON with every figure, a Markdown summary with the goals and what
// limits each missed one, and the latency-versus-rate plot.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CpuUse } from './cpu-usage.ts';
import type { LoadResult } from './open-loop.ts';
import { latencyVersusRateSvg } from './plot.ts';
import type { BenchReport } from './run-bench.ts';
import type { StepRun } from './step-run.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export const thisMachine = (): Machine => ({
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
});

export interface Goal {
  goal: string;
  met: boolean;
  measured: string;
}

/** The issue's goals for this machine, checked against the mixed run and the step run. */
export function checkGoals(report: BenchReport): Goal[] {
  const { result, fanout } = report.mixed;
  const sustained = report.steps.chirp.highestRateUnderGoal;
  const lagP99 = fanout.client.lagMs.p99;
  return [
    {
      goal: `mixed workload sustained at ≥ 1,000 requests/s with p99 < ${report.settings.goalP99Ms} ms (step run)`,
      met: sustained !== null && sustained >= 1000,
      measured: sustained === null ? 'no step stayed under the goal' : `${sustained} requests/s`,
    },
    {
      // Failed requests are not in the latencies, so a p99 with errors beside it does not count.
      goal: `p99 < ${report.settings.goalP99Ms} ms at ${report.settings.rate} requests/s, every request answered (mixed run)`,
      met: result.total.errors === 0 && result.total.latencyMs.p99 < report.settings.goalP99Ms,
      measured: `${ms(result.total.latencyMs.p99)} ms`,
    },
    { goal: '0 errors (mixed run)', met: result.total.errors === 0, measured: `${result.total.errors} errors` },
    {
      goal: 'fan-out lag p99 < 1 s',
      met: fanout.client.missed === 0 && lagP99 < 1000,
      measured: `${ms(lagP99)} ms over ${fanout.client.sampled} sampled posts${fanout.client.missed > 0 ? `, ${fanout.client.missed} not seen within 30 s` : ''}`,
    },
  ];
}

/** What limited a run, from its own figures: the generator, errors, or the CPU and who used it. */
export function limitsOf(result: LoadResult, cpu: CpuUse, cores: number): string {
  const used = cpu.reduce((sum, use) => sum + use.cores, 0);
  const top = cpu
    .slice(0, 6)
    .map((use) => `${use.role} ${use.cores.toFixed(2)}`)
    .join(', ');
  const parts = [`the ${cores} cores were ${Math.round((100 * used) / cores)}% busy (cores used: ${top})`];
  if (result.sendLagMs.p99 > 5) parts.push(`the load generator itself ran late (send lag p99 ${ms(result.sendLagMs.p99)} ms), so it shares the blame`);
  if (result.total.errors > 0) parts.push(`errors: ${Object.entries(result.total.errorsBy).map(([why, n]) => `${n}× ${why}`).join(', ')}`);
  return parts.join('; ');
}

export function writeReport(dir: string, report: BenchReport, machine: Machine): { json: string; markdown: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const goals = checkGoals(report);
  const files = { json: join(dir, 'report.json'), markdown: join(dir, 'summary.md'), svg: join(dir, 'latency-vs-rate.svg') };
  writeFileSync(files.json, `${JSON.stringify({ machine, goals, ...report }, null, 2)}\n`);
  writeFileSync(files.svg, plot(report));
  writeFileSync(files.markdown, markdown(report, machine, goals));
  return files;
}

function plot(report: BenchReport): string {
  const points = (run: StepRun) => run.steps.map((step) => ({ rate: step.rate, p50: step.result.total.latencyMs.p50, p99: step.result.total.latencyMs.p99 }));
  return latencyVersusRateSvg(
    'Latency versus offered rate',
    [
      { name: 'Chirp mixed', color: '#1f77b4', points: points(report.steps.chirp) },
      { name: 'proxy hop', color: '#ff7f0e', points: points(report.steps.proxy) },
      { name: 'hello-world', color: '#2ca02c', points: points(report.steps.hello) },
    ],
    report.settings.goalP99Ms,
  );
}

const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));

function markdown(report: BenchReport, machine: Machine, goals: Goal[]): string {
  const { result, cpu, fanout } = report.mixed;
  const { chirp, hello, proxy } = report.steps;
  const lines: string[] = [];
  lines.push(`# Chirp benchmark, ${report.startedAt.slice(0, 10)}`);
  lines.push('');
  lines.push(`Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; everything (Postgres, Redis, Cassandra, the SNS/SQS emulator, the four services and the load generator) on it.`);
  lines.push(`Graph: ${report.graph.name}, ${report.graph.users} users, ${report.graph.follows} follows, ${report.graph.postsSeeded} posts seeded through the public API in ${report.graph.seedSeconds.toFixed(0)} s.`);
  lines.push(`Workload: open loop through the gateway, 60% home timeline, 30% user timeline, 10% posts, users uniform, reads of 10; latency measured from when each request was due.`);
  lines.push('');
  lines.push('## Goals');
  lines.push('');
  lines.push('| goal | measured | met |');
  lines.push('| --- | --- | --- |');
  for (const goal of goals) lines.push(`| ${goal.goal} | ${goal.measured} | ${goal.met ? 'yes' : '**no**'} |`);
  lines.push('');
  const missed = goals.filter((goal) => !goal.met);
  if (missed.length > 0) {
    lines.push('What limits it:');
    lines.push(`- mixed run at ${report.settings.rate} requests/s: ${limitsOf(result, cpu, machine.cores)}.`);
    const failing = chirp.steps.at(-1);
    if (failing && chirp.highestRateUnderGoal !== failing.rate) lines.push(`- step run, stopped (${chirp.stoppedBecause}): ${limitsOf(failing.result, failing.cpu, machine.cores)}.`);
    lines.push('');
  }
  lines.push(`## Mixed run: ${report.settings.rate} requests/s offered for ${report.settings.durationMs / 1000} s`);
  lines.push('');
  lines.push(`Answered ${result.achievedRate.toFixed(0)} requests/s.`);
  lines.push('');
  lines.push('| operation | throughput (/s) | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [op, r] of [...Object.entries(result.ops), ['all', result.total] as const]) {
    lines.push(`| ${op} | ${r.throughput.toFixed(0)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p90)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.p999)} | ${r.errors}${r.errors > 0 ? ` (${Object.entries(r.errorsBy).map(([why, n]) => `${n}× ${why}`).join(', ')})` : ''} |`);
  }
  lines.push('');
  lines.push(
    `Fan-out lag (post sent → in the home timelines of its followers, up to 5 of them drawn at random, read through the gateway): p50 ${ms(fanout.client.lagMs.p50)} ms, p99 ${ms(fanout.client.lagMs.p99)} ms over ${fanout.client.sampled} sampled posts (polled every 20 ms; the probe's ${fanout.client.reads} reads are not in the table).` +
      ` The timeline service's own histogram (tweet created → a chunk of followers, all of them for up to 1,000, written) over ${fanout.server.chunksObserved} chunks: p50 ${ms(fanout.server.p50Ms)} ms, p99 ${ms(fanout.server.p99Ms)} ms (interpolated in buckets).`,
  );
  lines.push('');
  lines.push(`CPU during the run (cores): ${cpu.map((use) => `${use.role} ${use.cores.toFixed(2)}`).join(', ')}.`);
  lines.push('');
  lines.push('## Step run, and the machine\'s baseline');
  lines.push('');
  lines.push('Each step offers a rate for its measured seconds (fan-out catches up between steps); a step passes with p99 ≤ the goal and no errors. Fan-out lag is sampled from each Chirp step\'s posts.');
  lines.push('');
  lines.push('| target | highest rate under p99 goal | stopped because |');
  lines.push('| --- | --- | --- |');
  for (const [name, run] of [['Chirp mixed', chirp], ['one proxy hop', proxy], ['hello-world', hello]] as const) {
    lines.push(`| ${name} | ${run.highestRateUnderGoal ?? 'none'} | ${run.stoppedBecause} |`);
  }
  lines.push('');
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '–' : `${((100 * a) / b).toFixed(0)}%`);
  lines.push(`Chirp sustains ${ratio(chirp.highestRateUnderGoal, proxy.highestRateUnderGoal)} of the proxy hop's rate and ${ratio(chirp.highestRateUnderGoal, hello.highestRateUnderGoal)} of hello-world's (a baseline that reaches the last rate tried is only a lower bound).`);
  lines.push('');
  lines.push('| target | offered /s | answered /s | p50 ms | p99 ms | p99.9 ms | errors | fan-out p50 / p99 ms | busiest (cores) |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, run] of [['Chirp mixed', chirp], ['proxy hop', proxy], ['hello-world', hello]] as const) {
    for (const step of run.steps) {
      const t = step.result.total;
      const busiest = step.cpu.slice(0, 3).map((use) => `${use.role} ${use.cores.toFixed(2)}`).join(', ');
      const fanout = step.fanout ? `${ms(step.fanout.lagMs.p50)} / ${ms(step.fanout.lagMs.p99)}${step.fanout.missed > 0 ? ` (${step.fanout.missed} missed)` : ''}` : '';
      lines.push(`| ${name} | ${step.rate} | ${step.result.achievedRate.toFixed(0)} | ${ms(t.latencyMs.p50)} | ${ms(t.latencyMs.p99)} | ${ms(t.latencyMs.p999)} | ${t.errors} | ${fanout} | ${busiest} |`);
    }
  }
  lines.push('');
  lines.push('![latency versus rate](latency-vs-rate.svg)');
  lines.push('');
  const profiled = Object.entries(report.profiles);
  if (profiled.length > 0) {
    lines.push('## Where the time went (CPU profiles of the measured runs)');
    lines.push('');
    lines.push(
      'Self time by package and function, from the services restarted with `--cpu-prof` after seeding (so warm-up, the step run and the mixed run). ' +
        'On a machine with more busy processes than cores, a process is often switched out just after a socket write wakes the process it writes to, ' +
        'so `writev`/`writeUtf8String` (V8 builtins) also hold time spent waiting for a core: read them as the cost of the machine being full.',
    );
    lines.push('');
    for (const [service, profile] of profiled) {
      const groups = profile.groups.slice(0, 6).map((g) => `${g.group} ${(100 * g.share).toFixed(0)}%`).join(', ');
      const functions = profile.functions.slice(0, 4).map((f) => `\`${f.name}\` (${f.group}, ${(100 * f.share).toFixed(0)}%)`).join(', ');
      lines.push(`- **${service}**: busy ${(profile.busyMs / 1000).toFixed(1)} s of ${(profile.sampledMs / 1000).toFixed(1)} s sampled. By group: ${groups}. Busiest functions: ${functions}.`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
