import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, lintDockerfile, root } from './checkers.ts';

const dockerfile = join(root, 'Dockerfile');

/** The instructions of the Dockerfile's last stage (the image that runs), continuation lines joined. */
function runtimeStage(): string[] {
  const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const start = lines.findLastIndex((line) => line.startsWith('FROM '));
  return lines.slice(start).filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('Dockerfile', () => {
  it('when linted by hadolint, then nothing is reported', () => {
    const result = lintDockerfile(dockerfile);

    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('when a Dockerfile breaks the usual rules, then hadolint names each', () => {
    const result = lintDockerfile(join(fixtures, 'broken/Dockerfile'));
    const codes = [...result.output.matchAll(/ (DL\d{4}) /g)].map((match) => match[1]);

    expect(result.ok).toBe(false);
    expect(codes).toEqual(expect.arrayContaining(['DL3007', 'DL3008', 'DL3003', 'DL3002', 'DL3025']));
  });

  it('when the image runs, then it is Node 24 slim as a numeric non-root user with a health check and the exec-form CMD', () => {
    const stage = runtimeStage();

    expect(stage[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    expect(readFileSync(dockerfile, 'utf8')).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-slim$/m);
    expect(stage.filter((line) => line.startsWith('USER '))).toEqual(['USER 1000:1000']);
    expect(stage.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/healthz'))).toBe(true);
    expect(stage.at(-1)).toBe('CMD ["node", "src/main.ts"]');
  });

  it('when built, then only production dependencies are installed', () => {
    const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');

    expect(text).toMatch(/pnpm install --offline --frozen-lockfile --prod /);
    expect(text).toMatch(/pnpm fetch --prod/);
  });
});
