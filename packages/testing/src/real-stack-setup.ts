// Vitest global setup for integration tests: find the real servers to talk to.
//  1. URLs given in the environment (CI with services, a developer's own servers): use them.
//  2. Else the local stack (scripts/stack.sh) when its binaries are on this machine: start it.
//  3. Else, where a Docker engine answers, testcontainers.
// A test never falls back to a mock: with none of these, setup fails and says what to do.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STACK_VARIABLES } from './stack.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let stopContainers: (() => Promise<void>) | undefined;

export async function setup(): Promise<void> {
  if (STACK_VARIABLES.every((name) => process.env[name])) {
    console.info('integration: using the servers named in the environment');
    return;
  }
  if (localStackRunnable()) {
    console.info('integration: starting the local stack (scripts/stack.sh up)');
    execFileSync('bash', [`${root}scripts/stack.sh`, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
    applyEnvFile(`${root}.stack/env`);
    return;
  }
  const { startContainers } = await import('./containers.ts');
  console.info('integration: no local servers; starting them with testcontainers');
  stopContainers = await startContainers();
}

export async function teardown(): Promise<void> {
  await stopContainers?.();
}

function localStackRunnable(): boolean {
  const which = (command: string) => {
    try {
      execFileSync('bash', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const postgres = existsSync('/usr/lib/postgresql') || Boolean(process.env.CHIRP_PG_BIN);
  return postgres && which('redis-server') && which('java') && which('mvn');
}

function applyEnvFile(path: string): void {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) process.env[match[1]] = match[2];
  }
}
