// make bench-streaming: node bench/src/streaming.ts [flags]. One gateway process holds
// --connections Server-Sent Event streams while the DeathStarBench mix runs through it at --rate;
// prints the gateway's memory per stream and the delivery lag (act → event at the client).
//   --connections N   streams held at once (default 10000; the shell's `ulimit -n` must allow them)
//   --users N         users seeded through the API, who run the mix and hold one observed stream each (default 100)
//   --mean-following N --posts-per-user N   the seeded graph (default 10, 2)
//   --rate N --duration S   the mix's fixed rate and measured seconds per run (default 20 requests/s, 60 s)
//   --runs N          runs, each opening every stream afresh; figures are medians over them (default 3)
//   --open-concurrency N   streams opening at once (default 100)
//   --smoke           a few streams for a few seconds (what the test runs)
//   --json FILE       also write the whole report there
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CpuUse, OTHER_ROLE } from './cpu-usage.ts';
import { STREAMING_SMOKE, type StreamingBenchOptions, type StreamingReport, type StreamingRun, runStreamingBench } from './streaming-bench.ts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    users: { type: 'string', default: '100' },
    'mean-following': { type: 'string', default: '10' },
    'posts-per-user': { type: 'string', default: '2' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    'open-concurrency': { type: 'string', default: '100' },
    'log-level': { type: 'string', default: 'warn' },
    seed: { type: 'string', default: '1' },
    smoke: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const number = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${String(values[name])}`);
  return value;
};

const options: StreamingBenchOptions = values.smoke
  ? STREAMING_SMOKE
  : {
      connections: number('connections'),
      users: number('users'),
      meanFollowing: number('mean-following'),
      postsPerUser: number('posts-per-user'),
      rate: number('rate'),
      durationMs: number('duration') * 1000,
      warmupMs: 3000,
      runs: number('runs'),
      openConcurrency: number('open-concurrency'),
      seed: number('seed'),
      logLevel: values['log-level'],
    };

// Each stream is a socket here and one in the gateway (a child of this process, same limit).
const fileLimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (Number.isFinite(fileLimit) && fileLimit < options.connections + 1000) {
  throw new Error(`ulimit -n is ${fileLimit}: too few open files for ${options.connections} streams (make bench-streaming raises it; else run \`ulimit -n ${options.connections + 2000}\` first)`);
}

const report = await runStreamingBench({ ...options, onRun: (run, i) => process.stdout.write(`${runLine(run, i)}\n`) });
process.stdout.write(summary(report));
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);

function summary(r: StreamingReport): string {
  const lines = [
    `streaming benchmark, ${r.startedAt}: ${r.settings.connections} streams on one gateway process (${r.settings.users} seeded users observed), mix at ${r.settings.rate} req/s for ${r.settings.durationMs / 1000} s, ${r.runs.length} run(s)`,
  ];
  const m = r.median;
  lines.push(
    `median: ${m.rssPerStreamKiB.toFixed(1)} KiB RSS and ${m.heapPerStreamKiB.toFixed(1)} KiB heap per stream; delivery lag p50 ${m.lagP50Ms.toFixed(0)} ms, p99 ${m.lagP99Ms.toFixed(0)} ms (${m.events} events per run); mix p99 ${m.mixP99Ms.toFixed(1)} ms`,
  );
  return `${lines.join('\n')}\n`;
}

function runLine(run: StreamingRun, i: number): string {
  const events = Object.entries(run.lagMs.byEvent).map(([event, s]) => `${event} ${s.count} (p50 ${s.p50.toFixed(0)} / p99 ${s.p99.toFixed(0)} ms)`).join(', ');
  return (
    `run ${i + 1}: ${run.streams.heldByGateway} held (opened in ${run.streams.openSeconds.toFixed(1)} s, ${run.streams.endedDuringRun} ended early); ` +
      `RSS +${((run.memory.rssAfterBytes - run.memory.rssBeforeBytes) / 1048576).toFixed(0)} MiB = ${(run.memory.rssPerStreamBytes / 1024).toFixed(1)} KiB/stream, ` +
      `heap +${((run.memory.heapAfterBytes - run.memory.heapBeforeBytes) / 1048576).toFixed(0)} MiB = ${(run.memory.heapPerStreamBytes / 1024).toFixed(1)} KiB/stream; ` +
      `lag p50 ${run.lagMs.all.p50.toFixed(0)} ms, p99 ${run.lagMs.all.p99.toFixed(0)} ms over ${run.lagMs.all.count} events [${events}]; ` +
      `gateway histogram p50 ${fmt(run.serverLagMs.p50)}, p99 ${fmt(run.serverLagMs.p99)} over ${run.serverLagMs.count}; ` +
      `mix ${run.mix.achievedRate.toFixed(0)} req/s, p50 ${run.mix.total.latencyMs.p50.toFixed(1)} ms, p99 ${run.mix.total.latencyMs.p99.toFixed(1)} ms, errors ${run.mix.total.errors}; ` +
      `gateway cores holding ${gatewayCores(run.cpu.holding)}, during the mix ${gatewayCores(run.cpu.mix)} (rest of the machine ${otherCores(run.cpu.mix)}); ` +
      `gateway event-loop delay p99 ${fmt(run.gatewayEventLoop?.p99Ms ?? null)}, max ${fmt(run.gatewayEventLoop?.maxMs ?? null)}`
  );
}

function gatewayCores(use: CpuUse): string {
  return (use.find((u) => u.role === 'gateway')?.cores ?? 0).toFixed(2);
}

function otherCores(use: CpuUse): string {
  return (use.find((u) => u.role === OTHER_ROLE)?.cores ?? 0).toFixed(2);
}

function fmt(ms: number | null): string {
  return ms === null ? 'n/a' : `${ms.toFixed(0)} ms`;
}
