// make bench: node bench/src/main.ts [flags]. Seeds the platform, runs the workload, writes the
// report (report.json, summary.md, latency-vs-rate.svg) and prints where it is.
//   --profile              record CPU profiles of the four services during the measured runs
//   --smoke                seconds at a tiny rate on a small generated graph (what the tests run)
//   --skip-baseline        no hello-world / proxy-hop runs (quicker, while working on Chirp itself)
//   --graph reed98|generated   the follow graph (default reed98, from ../shared/data/social-graph)
//   --users N --mean-following N --zipf S   the generated graph's shape (default 200000, 40, 1.0)
//   --rate N --duration S  the mixed run (default 500 requests/s, the goal, for 60 s)
//   --step-seconds S       measured seconds per step of the step runs (default 10)
//   --step-rates A,B,...   the rates the step run tries (default 50, 100, 150 … 2000)
//   --cost-rate N --cost-seconds S --cost-repeats N   the cost table: each workload at N/s for S s, N times (default 100, 10, 3)
//   --cost-only            seed, then the cost table only (no step run, no mixed run): quick comparisons
//   --cost-workloads A,B   the cost table's workloads only (mix, home-timeline, user-timeline, post, follow; default all)
//   --tracing              what tracing costs: starts Jaeger (scripts/jaeger.sh) and adds the variants
//                          untraced, tracing-off (the preload, no endpoint) and tracing-on (every
//                          request traced to Jaeger); the report gives each against untraced
//   --topology split|all   the timeline as Kubernetes runs it, api and consumer apart (default), or one process
//   --log-level LEVEL      the services' LOG_LEVEL (default info, as deployed)
//   --variant NAME:KEY=VALUE;KEY=VALUE   (repeatable) compare settings in the cost table: every
//                          service restarted with each variant's environment in turn, per repeat
//                          (each repeat starting with the next variant, so order effects fall on all)
//                          A variant's CASSANDRA_TIMER_SLACK_NS sets the stack's running Cassandra's
//                          timer slack for its runs (bench/src/timer-slack.ts; needs CAP_SYS_NICE)
//   --seed-concurrency N   calls in flight while seeding (default 16)
//   --follow-order shuffled|file   seed follows in a random order (default) or the edge list's, sorted by one end
//   --seed N               the seed for graph, posts and workload (default 1)
//   --out DIR              where the report goes (default bench/results/<date>-<graph>, or -2, -3… when that
//                          folder exists: a second run on a day does not overwrite the first's report)
//   --render FILE          write summary.md, the plot and the cost rows again from a report.json's runs, and nothing else
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateHeavyTailedGraph, type FollowGraph, loadNetworkRepositoryGraph } from './graph.ts';
import { full, SMOKE, smokeGraph } from './presets.ts';
import { costRows } from './cost.ts';
import { checkGoals, type Machine, thisMachine, writeReport } from './report.ts';
import { type BenchOptions, type BenchReport, runBench } from './run-bench.ts';
import { OPERATIONS } from './social-workload.ts';
import { CASSANDRA_TIMER_SLACK_KEY } from './timer-slack.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    profile: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    graph: { type: 'string', default: 'reed98' },
    users: { type: 'string', default: '200000' },
    'mean-following': { type: 'string', default: '40' },
    zipf: { type: 'string', default: '1.0' },
    rate: { type: 'string', default: '500' },
    duration: { type: 'string', default: '60' },
    'step-seconds': { type: 'string', default: '10' },
    'step-rates': { type: 'string' },
    'cost-rate': { type: 'string', default: '100' },
    'cost-seconds': { type: 'string', default: '10' },
    'cost-repeats': { type: 'string', default: '3' },
    'cost-only': { type: 'boolean', default: false },
    'cost-workloads': { type: 'string' },
    tracing: { type: 'boolean', default: false },
    topology: { type: 'string', default: 'split' },
    'log-level': { type: 'string', default: 'info' },
    'follow-order': { type: 'string', default: 'shuffled' },
    'seed-concurrency': { type: 'string', default: '16' },
    variant: { type: 'string', multiple: true },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    render: { type: 'string' },
  },
});

if (values.render) {
  // Writes summary.md, the plot and report.json again from a report.json (after a change to how they
  // are drawn or worked out). The proxy hop's runs are not kept, so its figure stays as measured.
  const { machine, goals: _goals, ...report } = JSON.parse(readFileSync(values.render, 'utf8')) as BenchReport & { machine: Machine; goals: unknown };
  // The rows are medians of the stored runs, worked out again: a report renders with today's statistics.
  writeReport(dirname(values.render), { ...report, cost: { ...report.cost, rows: costRows(report.cost.runs) } }, machine);
  process.exit(0);
}

const number = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${String(values[name])}`);
  return value;
};

function graphFromFlags(): FollowGraph {
  const seed = number('seed');
  if (values.smoke) return smokeGraph(seed);
  if (values.graph === 'reed98') return loadNetworkRepositoryGraph(join(repo, '..', 'shared', 'data', 'social-graph'), 'socfb-Reed98');
  if (values.graph === 'generated') {
    return generateHeavyTailedGraph({ users: number('users'), meanFollowing: number('mean-following'), popularityExponent: number('zipf'), seed });
  }
  throw new Error(`--graph must be reed98 or generated, got ${values.graph}`);
}

if (values.topology !== 'split' && values.topology !== 'all') throw new Error(`--topology must be split or all, got ${values.topology}`);
const graph = graphFromFlags();
const options: BenchOptions = values.smoke
  ? { ...SMOKE, graph }
  : {
      ...full({
        seed: number('seed'),
        rate: number('rate'),
        durationMs: number('duration') * 1000,
        stepMs: number('step-seconds') * 1000,
        costRate: number('cost-rate'),
        costMs: number('cost-seconds') * 1000,
        costRepeats: number('cost-repeats'),
        splitTimeline: values.topology === 'split',
        logLevel: values['log-level'],
      }),
      graph,
    };
if (values['skip-baseline']) options.baselineRates = [];
if (values['step-rates']) options.stepRates = values['step-rates'].split(',').map(Number);
if (values['cost-only']) options.costOnly = true;
if (values['cost-workloads']) {
  const known = ['mix', ...OPERATIONS];
  options.costWorkloads = values['cost-workloads'].split(',');
  const unknown = options.costWorkloads.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`--cost-workloads: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
}
if (values.tracing) options.tracing = true;
if (!values.smoke) options.seedConcurrency = number('seed-concurrency');
if (values['follow-order'] !== 'shuffled' && values['follow-order'] !== 'file') throw new Error(`--follow-order must be shuffled or file, got ${values['follow-order']}`);
options.followOrder = values['follow-order'];
if (values.variant) options.variants = values.variant.map(parseVariant);
// Variants restart the services without --cpu-prof, and one profile per service is summarised:
// the report would name the first configuration's profile as the run's.
if (values.profile && (values.variant || values.tracing)) throw new Error('--profile profiles one configuration of the services; run it without --variant and --tracing');

/** `name:KEY=VALUE;KEY=VALUE` (`name:` alone: the services as they are). */
function parseVariant(text: string): { name: string; env: Record<string, string> } {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`--variant must be NAME:KEY=VALUE;KEY=VALUE, got ${text}`);
  const env: Record<string, string> = {};
  for (const pair of text.slice(colon + 1).split(';').filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new Error(`--variant ${text}: "${pair}" is not KEY=VALUE`);
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const slack = env[CASSANDRA_TIMER_SLACK_KEY];
  if (slack !== undefined && !/^[1-9][0-9]*$/.test(slack)) throw new Error(`--variant ${text}: ${CASSANDRA_TIMER_SLACK_KEY} must be a positive number of nanoseconds, got "${slack}"`);
  return { name: text.slice(0, colon), env };
}
const slug = values.smoke ? 'smoke' : values.graph === 'reed98' ? 'reed98' : `generated-${values.users}`;
const dated = `${new Date().toISOString().slice(0, 10)}-${slug}`;
// A smoke run's report is scratch (bench/results/tmp) and is overwritten.
const out = values.out ?? (values.smoke ? join(repo, 'bench', 'results', 'tmp', dated) : freshFolder(join(repo, 'bench', 'results', dated)));
const report = await runBench({ ...options, profileDir: values.profile ? join(out, 'profiles') : undefined });
const files = writeReport(out, report, thisMachine());
for (const goal of checkGoals(report)) process.stdout.write(`${goal.met ? 'met   ' : 'MISSED'} ${goal.goal}: ${goal.measured}\n`);
process.stdout.write(`report: ${relative(process.cwd(), files.markdown)} (also ${relative(process.cwd(), files.json)}, ${relative(process.cwd(), files.svg)})\n`);

/** `base`, or the first of base-2, base-3… that does not exist yet, made now so a run started alongside takes the next. */
function freshFolder(base: string): string {
  mkdirSync(dirname(base), { recursive: true });
  for (let n = 1; ; n += 1) {
    const folder = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(folder);
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
