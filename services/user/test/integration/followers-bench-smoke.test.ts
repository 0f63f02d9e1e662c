import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('followers page benchmark (smoke)', () => {
  it('when run small, then it seeds, times page 1 and page 500, and prints both medians, the ratio and an index-only plan', () => {
    const script = new URL('../../bench/followers-page.ts', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [script, '--followers', '10000', '--rounds', '5'], { encoding: 'utf8', env: process.env, timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/page 1\s+median \d+\.\d+ ms/);
    expect(run.stdout).toMatch(/page 500\s+median \d+\.\d+ ms/);
    expect(run.stdout).toMatch(/median ratio: \d+\.\d+/);
    expect(run.stdout).toMatch(/Index (Only )?Scan using follows_followers_page/);
    expect(run.stdout).not.toMatch(/Sort|Seq Scan on follows/);
  });
});
