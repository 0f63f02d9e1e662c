import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));

interface CruiseOutput {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string; via?: Array<{ name: string }> }> };
}

/** A module as the report names it, a package in node_modules by its package name. */
const shown = (path: string): string => /node_modules\/(?!\.pnpm\/)((?:@[^/]+\/)?[^/]+)/.exec(path.slice(path.lastIndexOf('node_modules/')))?.[1] ?? path;

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

// Each case runs dependency-cruiser as a process: seconds on a loaded machine.
describe('layer rules', { timeout: 30_000 }, () => {
  it('when a tree breaks them, then each broken rule is reported at its import', () => {
    const found = cruise(fixture).map((v) => `${v.rule.name}: ${v.from} -> ${shown(v.to)}`);
    expect(found.sort()).toEqual([
      'domain-is-pure: services/demo/src/domain/tweet.ts -> services/demo/src/adapters/http.ts',
      'domain-is-pure: services/demo/src/domain/tweet-error.ts -> packages/common/src/errors.ts',
      'no-cross-service-imports: services/demo/src/adapters/http.ts -> services/other/src/domain/other.ts',
      'use-cases-only-domain-and-ports: services/demo/src/use-cases/post-tweet.ts -> services/demo/src/infrastructure/pg-tweet-repository.ts',
      'core-imports-only-kernel: services/demo/src/use-cases/announce-tweet.ts -> packages/common/src/events.ts',
      'core-imports-only-kernel: services/demo/src/domain/tweet-error.ts -> packages/common/src/errors.ts',
      'kernel-is-pure: packages/kernel/src/tweet-stats.ts -> packages/common/src/pg-pool.ts',
      'core-reaches-no-platform: services/demo/src/use-cases/announce-tweet.ts -> @aws-sdk/client-sns',
      'core-reaches-no-platform: services/demo/src/use-cases/count-tweets.ts -> pg',
      'core-reaches-no-platform: services/demo/src/domain/tweet-error.ts -> fastify',
    ].sort());
  });

  it('when a use case reaches the AWS SDK, pg or Fastify only through other modules, then the layer check names the whole chain', () => {
    const chains = cruise(fixture)
      .filter((v) => v.rule.name === 'core-reaches-no-platform')
      .map((v) => [v.from, ...(v.via ?? []).map((step) => shown(step.name))].join(' > '));
    expect(chains.sort()).toEqual([
      'services/demo/src/domain/tweet-error.ts > packages/common/src/errors.ts > fastify',
      'services/demo/src/use-cases/announce-tweet.ts > packages/common/src/events.ts > packages/common/src/sns-publisher.ts > @aws-sdk/client-sns',
      'services/demo/src/use-cases/count-tweets.ts > packages/kernel/src/tweet-stats.ts > packages/common/src/pg-pool.ts > pg',
    ].sort());
  });
});
