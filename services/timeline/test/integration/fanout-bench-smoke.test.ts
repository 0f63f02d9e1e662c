import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('fan-out benchmark (smoke)', () => {
  it('when run small, then it seeds, fans out through the queue, reads warm and cold, and prints every figure', () => {
    const script = new URL('../../bench/fanout.ts', import.meta.url).pathname;
    const args = [script, '--small', '50', '--large', '120', '--reads', '5', '--authors', '2', '--per-author', '40'];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: process.env, timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/50 followers: every timeline written in \d+\.\d+ s/);
    expect(run.stdout).toMatch(/120 followers: every timeline written in \d+\.\d+ s/);
    expect(run.stdout).toMatch(/sustained: .* = [\d,]+ entries\/s/);
    expect(run.stdout).toMatch(/warm p50 \d+\.\d+ ms\s+p99 \d+\.\d+ ms/);
    expect(run.stdout).toMatch(/cold p50 \d+\.\d+ ms\s+p99 \d+\.\d+ ms/);
  });
});
