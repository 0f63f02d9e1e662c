import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('tweet benchmark (smoke)', () => {
  it('when run small, then it seeds, times cold and cached batch gets and creation, and prints every figure', () => {
    const script = new URL('../../bench/tweets.ts', import.meta.url).pathname;
    const args = [script, '--tweets', '2000', '--rounds', '5', '--creates', '50', '--concurrency', '4'];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: process.env, timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/cold\s+median \d+\.\d+ ms/);
    expect(run.stdout).toMatch(/cached\s+median \d+\.\d+ ms/);
    expect(run.stdout).toMatch(/cold \/ cached median ratio: \d+\.\d+/);
    expect(run.stdout).toMatch(/rate \d+ tweets\/s/);
    expect(run.stdout).toContain('outbox rows waiting for the relay: 50');
  });
});
