import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));

interface CruiseOutput {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
}

/** Runs the project's dependency-cruiser rules, as `pnpm lint` does, over a tree. */
function cruise(cwd: string): CruiseOutput['summary']['violations'] {
  let stdout: string;
  try {
    stdout = execFileSync(`${root}node_modules/.bin/depcruise`, ['services', '--config', `${root}.dependency-cruiser.cjs`, '--output-type', 'json'], {
      cwd,
      encoding: 'utf8',
    });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is still on stdout.
    stdout = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(stdout) as CruiseOutput).summary.violations;
}

describe('layer rules', () => {
  it('when a tree breaks them, then each broken rule is reported at its import', () => {
    const found = cruise(fixture).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(found.sort()).toEqual([
      'domain-is-pure: services/demo/src/domain/tweet.ts -> services/demo/src/adapters/http.ts',
      'no-cross-service-imports: services/demo/src/adapters/http.ts -> services/other/src/domain/other.ts',
      'use-cases-only-domain-and-ports: services/demo/src/use-cases/post-tweet.ts -> services/demo/src/infrastructure/pg-tweet-repository.ts',
    ].sort());
  });
});
