// The benchmark's report: JSON with every figure, a Markdown summary with the goals and what
// limits each missed one, and the latency-versus-rate plot.
import { EVENT_LOOP_SAMPLING_MS } from '@chirp/common/http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { NOT_PLATFORM, variantRatios } from './cost.ts';
import type { CpuUse } from './cpu-usage.ts';
import type { LoadResult } from './open-loop.ts';
import { latencyVersusRateSvg } from './plot.ts';
import type { BenchReport } from './run-bench.ts';
import type { EventLoopDelay, GcPauses } from './stalls.ts';
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

/**
 * A seeding rate counts acknowledgements; a phase that leaves more of its work queued
 * acknowledges faster. Its rate counting the tail too (until its events were consumed) says so.
 */
function withTail(calls: number, perSecond: number, tailSeconds: number | undefined): string {
  if (tailSeconds === undefined || calls === 0) return '';
  return ` (${(calls / (calls / perSecond + tailSeconds)).toFixed(0)}/s counting the ${tailSeconds.toFixed(1)} s its events took after the last)`;
}

/** The goals of issue #16 for this machine, each as met or missed with what was measured. */
export function checkGoals(report: BenchReport): Goal[] {
  const goalMs = report.settings.goalP99Ms;
  const sustained = report.steps.chirp.highestRateUnderGoal;
  const atSustained = report.steps.chirp.steps.find((step) => step.rate === sustained);
  // With --variant, the first variant's mix (the services as deployed) is the one judged.
  const mix = report.cost.rows.find((row) => row.name === 'mix' || row.name.endsWith(' · mix'));
  const { follows, postsSeeded, rates } = report.graph;
  const { followsPerSecond, postsPerSecond } = rates;
  const stepRan = report.steps.chirp.steps.length > 0;
  const goals: Goal[] = [];
  const sustainedGoal = (rate: number, what: string) => ({
    goal: `${what}: the mix sustained at ≥ ${rate.toLocaleString('en')} requests/s with p99 < ${goalMs} ms and 0 errors (step run)`,
    met: sustained !== null && sustained >= rate,
    measured: !stepRan ? 'step run not run' : sustained === null ? 'no step stayed under the goal' : `${sustained} requests/s`,
  });
  goals.push(sustainedGoal(500, 'goal'));
  goals.push({
    goal: `p99 < 20 ms at ${report.cost.rate} requests/s (the mix's cost runs, median of ${mix?.runs ?? 0})`,
    met: mix !== undefined && mix.errors === 0 && mix.p99Ms < 20,
    measured: mix ? `${ms(mix.p99Ms)} ms${mix.errors > 0 ? `, ${mix.errors} errors` : ''}` : 'not measured',
  });
  goals.push({
    goal: `platform CPU per request of the mix ≤ 2 ms (cost table at ${report.cost.rate} requests/s, median)`,
    met: mix !== undefined && mix.platformMs <= 2,
    measured: mix ? `${ms(mix.platformMs)} ms` : 'not measured',
  });
  goals.push({
    goal: 'fan-out lag p99 < 1 s at the sustained rate (sampled posts, read through the gateway)',
    met: atSustained?.fanout !== undefined && atSustained.fanout.missed === 0 && atSustained.fanout.lagMs.p99 < 1000,
    measured: atSustained?.fanout ? `${ms(atSustained.fanout.lagMs.p99)} ms at ${sustained} requests/s over ${atSustained.fanout.sampled} posts${atSustained.fanout.missed > 0 ? `, ${atSustained.fanout.missed} not seen within 30 s` : ''}` : 'no sustained rate',
  });
  goals.push({
    goal: 'seeding through the public API: ≥ 500 follows/s (acknowledged)',
    met: followsPerSecond >= 500,
    measured: `${followsPerSecond.toFixed(0)} follows/s${withTail(follows, followsPerSecond, rates.followDrainSeconds)}`,
  });
  goals.push({
    goal: 'seeding through the public API: ≥ 300 posts/s (acknowledged)',
    met: postsPerSecond >= 300,
    measured: `${postsPerSecond.toFixed(0)} posts/s${withTail(postsSeeded, postsPerSecond, rates.postDrainSeconds)}`,
  });
  goals.push(sustainedGoal(1000, 'next goal'));
  if (report.mixed) {
    const { result } = report.mixed;
    // Failed requests are not in the latencies, so a p99 with errors beside it does not count.
    goals.push({
      goal: `mixed run: p99 < ${goalMs} ms at ${report.settings.rate} requests/s for ${report.settings.durationMs / 1000} s, every request answered`,
      met: result.total.errors === 0 && result.total.latencyMs.p99 < goalMs,
      measured: `${ms(result.total.latencyMs.p99)} ms, ${result.total.errors} errors`,
    });
  }
  return goals;
}

/** The cost table as Markdown: one row per workload, one column per role, platform total, and latency. */
export function costTable(report: BenchReport): string[] {
  const { rows, rate, idleCores, proxyHopMs } = report.cost;
  if (rows.length === 0) return [];
  const total = (role: string) => rows.reduce((sum, row) => sum + (row.msPerRequest[role] ?? 0), 0);
  const roles = [...new Set(rows.flatMap((row) => Object.keys(row.msPerRequest)))].filter((role) => total(role) >= 0.005).sort((a, b) => total(b) - total(a));
  const platform = roles.filter((role) => !NOT_PLATFORM.has(role));
  const others = roles.filter((role) => NOT_PLATFORM.has(role));
  const lines = [
    `CPU milliseconds per request for each process at ${rate} requests/s (median of ${rows[0]!.runs} runs per workload; each run from its first request until fan-out has settled, idle use taken off).` +
      (proxyHopMs === null ? '' : ` One proxy hop in front of hello-world costs ${ms(proxyHopMs)} ms at the same rate (both servers).`),
    '',
    `| workload | ${platform.join(' | ')} | **platform** | ${proxyHopMs === null ? '' : '× proxy hop | '}${others.join(' | ')} | p50 ms | p99 ms | errors |`,
    `| --- | ${platform.map(() => '---').join(' | ')} | --- | ${proxyHopMs === null ? '' : '--- | '}${others.map(() => '---').join(' | ')} | --- | --- | --- |`,
  ];
  for (const row of rows) {
    const cell = (role: string) => ms(row.msPerRequest[role] ?? 0);
    const ratio = proxyHopMs === null ? '' : `${proxyHopMs > 0 ? (row.platformMs / proxyHopMs).toFixed(1) : '–'} | `;
    lines.push(`| ${row.name} | ${platform.map(cell).join(' | ')} | **${ms(row.platformMs)}** | ${ratio}${others.map(cell).join(' | ')} | ${ms(row.p50Ms)} | ${ms(row.p99Ms)} | ${row.errors} |`);
  }
  lines.push('');
  lines.push(`Idle use taken off (cores): ${Object.entries(idleCores).filter(([, cores]) => cores >= 0.005).map(([role, cores]) => `${role} ${cores.toFixed(3)}`).join(', ') || 'none'}.`);
  const ratios = variantRatios(report.cost.runs);
  if (ratios.length > 0) {
    const percent = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs(100 * (ratio - 1)).toFixed(1)} %`;
    lines.push('');
    lines.push(`Each variant against ${ratios[0]!.against}, run after run in the same repeat (median of the per-repeat ratios): the platform's CPU per request at the same rate is what it costs in throughput.`);
    lines.push('');
    lines.push('| workload | variant | repeats | platform CPU per request | p50 | p99 |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const row of ratios) lines.push(`| ${row.workload} | ${row.variant} | ${row.pairs} | ${percent(row.platformCpu)} | ${percent(row.p50)} | ${percent(row.p99)} |`);
  }
  return lines;
}

/** Event-loop delay per Node process and Cassandra's GC pauses, for each measured run that has them. */
export function stallLines(report: BenchReport): string[] {
  const lines = ['| run | ' + 'event-loop delay p99 / max ms, per process | Cassandra GC pauses |', '| --- | --- | --- |'];
  const add = (name: string, eventLoop: Record<string, EventLoopDelay> | undefined, gc: GcPauses | undefined) => {
    if (!eventLoop) return;
    const loops = Object.entries(eventLoop).map(([process, delay]) => `${process} ${ms(delay.p99Ms)} / ${ms(delay.maxMs)}`).join(', ');
    const pauses = !gc ? '–' : gc.log === null ? 'no GC log' : `${gc.count} pauses, ${ms(gc.totalMs)} ms in all, longest ${ms(gc.maxMs)} ms`;
    lines.push(`| ${name} | ${loops} | ${pauses} |`);
  };
  for (const run of report.cost.runs) add(`cost: ${run.name} at ${run.rate}/s`, run.eventLoop, run.gc);
  for (const step of report.steps.chirp.steps) add(`step at ${step.rate}/s`, step.eventLoop, step.gc);
  if (report.mixed) add(`mixed at ${report.settings.rate}/s`, report.mixed.eventLoop, report.mixed.gc);
  return lines.length > 2 ? lines : [];
}

/** How busy the machine was and who used it, the six largest users first. */
export function busyOf(cpu: CpuUse, cores: number): string {
  const used = cpu.reduce((sum, use) => sum + use.cores, 0);
  const top = cpu
    .slice(0, 6)
    .map((use) => `${use.role} ${use.cores.toFixed(2)}`)
    .join(', ');
  return `the ${cores} cores were ${Math.round((100 * used) / cores)}% busy (cores used: ${top})`;
}

/** What limited a run, from its own figures: the generator, errors, or the CPU and who used it. */
export function limitsOf(result: LoadResult, cpu: CpuUse, cores: number): string {
  const parts = [busyOf(cpu, cores)];
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

/** How long a phase's events outlasted its acknowledgements, when seeding waited for them. */
const drained = (seconds: number | undefined): string => (seconds === undefined ? '' : `, their events consumed ${seconds.toFixed(1)} s after the last was acknowledged`);

function markdown(report: BenchReport, machine: Machine, goals: Goal[]): string {
  const { chirp, hello, proxy } = report.steps;
  const lines: string[] = [];
  lines.push(`# Chirp benchmark, ${report.startedAt.slice(0, 10)}`);
  lines.push('');
  lines.push(`Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; everything (Postgres, Redis, Cassandra, the SNS/SQS emulator, the services and the load generator) on it.`);
  lines.push(
    `Topology: ${report.settings.splitTimeline ? 'as deployed on Kubernetes, the timeline as two processes (TIMELINE_ROLE api and consumer)' : 'the timeline as one process (TIMELINE_ROLE=all, as make dev runs it)'}; services at LOG_LEVEL=${report.settings.logLevel}; Cassandra's timer slack ${report.cassandraTimerSlackNs === undefined ? 'not known' : `${report.cassandraTimerSlackNs / 1000} µs`} (stack/cassandra/start.sh).`,
  );
  lines.push(
    `Graph: ${report.graph.name}, ${report.graph.users} users, ${report.graph.follows} follows, ${report.graph.postsSeeded} posts seeded through the public API in ${report.graph.seedSeconds.toFixed(0)} s (follows ${report.graph.rates.followsPerSecond.toFixed(0)}/s${drained(report.graph.rates.followDrainSeconds)}; posts ${report.graph.rates.postsPerSecond.toFixed(0)}/s${drained(report.graph.rates.postDrainSeconds)}; ${report.graph.rates.retries} calls retried after a 502/503/504).`,
  );
  lines.push(`Workload: open loop through the gateway, 60% home timeline, 30% user timeline, 10% posts, users uniform, reads of 10; latency measured from when each request was due.`);
  lines.push('');
  lines.push('## Goals');
  lines.push('');
  lines.push('| goal | measured | met |');
  lines.push('| --- | --- | --- |');
  for (const goal of goals) lines.push(`| ${goal.goal} | ${goal.measured} | ${goal.met ? 'yes' : '**no**'} |`);
  lines.push('');
  const missed = goals.filter((goal) => !goal.met);
  const { rates } = report.graph;
  const seeding = [
    ...(rates.followCpu ? [`- seeding follows at ${rates.followsPerSecond.toFixed(0)}/s: ${busyOf(rates.followCpu, machine.cores)}.`] : []),
    ...(rates.postCpu ? [`- seeding posts at ${rates.postsPerSecond.toFixed(0)}/s: ${busyOf(rates.postCpu, machine.cores)}.`] : []),
  ];
  if (missed.length > 0 && (report.mixed || chirp.steps.length > 0 || seeding.length > 0)) {
    lines.push('What limits it:');
    if (report.mixed) lines.push(`- mixed run at ${report.settings.rate} requests/s: ${limitsOf(report.mixed.result, report.mixed.cpu, machine.cores)}.`);
    const failing = chirp.steps.at(-1);
    if (failing && chirp.highestRateUnderGoal !== failing.rate) lines.push(`- step run, stopped (${chirp.stoppedBecause}): ${limitsOf(failing.result, failing.cpu, machine.cores)}.`);
    lines.push(...seeding);
    lines.push('');
  }
  lines.push('## Cost table');
  lines.push('');
  lines.push(...costTable(report));
  lines.push('');
  const stalls = stallLines(report);
  if (stalls.length > 0) {
    lines.push('## Stalls: event-loop delay and GC pauses');
    lines.push('');
    lines.push(`Each Node process's event-loop delay over the run (perf_hooks.monitorEventLoopDelay through prom-client, read at /metrics before and after; shown beyond the ${EVENT_LOOP_SAMPLING_MS} ms sampling interval the histogram includes, so an idle process reads 0), and the stop-the-world pauses in Cassandra's GC log in the same time.`);
    lines.push('');
    lines.push(...stalls);
    lines.push('');
  }
  if (report.mixed) {
    const { result, cpu, fanout } = report.mixed;
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
  }
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
