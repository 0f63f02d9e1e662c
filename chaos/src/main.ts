// make chaos: the full fault-injection run on a private stack and platform (ports 26300 and up).
//   node chaos/src/main.ts [--seconds 160] [--rate 20] [--users 50] [--follows 10] [--down 4] [--retry-grace 600] [--faults tweet,timeline,...]
// Prints the checker's figures and writes them with every fault to chaos/results/<date>.json;
// exits 1 when anything was lost, duplicated, missing or drifted, or nothing converged.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { summarize } from './checker.ts';
import { type Component, COMPONENTS, runChaos } from './run-chaos.ts';
import { SERVERS } from './private-stack.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '160' },
    rate: { type: 'string', default: '20' },
    users: { type: 'string', default: '50' },
    follows: { type: 'string', default: '10' },
    down: { type: 'string', default: '4' },
    converge: { type: 'string', default: '120' },
    // A client retries as long as the faults last: on a busy machine a restart can take minutes.
    'retry-grace': { type: 'string', default: '600' },
    // Every component once, then the two services the fan-out runs through again: eleven faults.
    faults: { type: 'string', default: [...COMPONENTS, 'tweet', 'timeline'].join(',') },
    'port-base': { type: 'string', default: '26300' },
  },
});
const faults = values.faults.split(',') as Component[];
const unknown = faults.filter((fault) => !COMPONENTS.includes(fault));
if (unknown.length > 0) throw new Error(`unknown components in --faults: ${unknown.join(', ')} (known: ${COMPONENTS.join(', ')})`);

const result = await runChaos({
  faults,
  users: Number(values.users),
  follows: Number(values.follows),
  ratePerSecond: Number(values.rate),
  seconds: Number(values.seconds),
  downSeconds: Number(values.down),
  convergeTimeoutSeconds: Number(values.converge),
  retryGraceSeconds: Number(values['retry-grace']),
  privateServers: SERVERS,
  portBase: Number(values['port-base']),
});

const figures = [
  summarize(result.report),
  `faults ${result.faults.length}: ${result.faults.map((fault) => `${fault.component} (killed ${fault.killedAtSeconds}s, back ${fault.healedAtSeconds}s)`).join(', ')}`,
  `client attempts ${result.attempts} (${Object.entries(result.outcomes).map(([outcome, count]) => `${outcome}: ${count}`).join(', ')}); given up unacknowledged ${result.unacknowledged.length}`,
  `last acknowledgement ${result.lastAckAfterHealSeconds} s after the last heal; ${result.checks.length} convergence checks (${result.checks.map((pass) => `+${pass.startedAfterHealSeconds}s for ${pass.tookSeconds}s`).join(', ')})`,
  result.convergedAfterSeconds === undefined ? 'not converged' : `converged ${result.convergedAfterSeconds} s after the last heal`,
].join('\n');
console.info(`\n${figures}`);
const out = new URL(`../results/${new Date().toISOString().slice(0, 19).replaceAll(':', '')}.json`, import.meta.url);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(out, `${JSON.stringify({ options: values, ...result }, null, 2)}\n`);
console.info(`\nreport: ${out.pathname}`);
process.exitCode = result.convergedAfterSeconds !== undefined && result.report.lost.length + result.report.duplicated.length === 0 ? 0 : 1;
