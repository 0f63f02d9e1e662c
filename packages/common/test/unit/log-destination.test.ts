import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../fixtures/buffered-logger.ts', import.meta.url));

function run(mode: 'quiet' | 'crash') {
  const child = spawn(process.execPath, [fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

describe('buffered standard output (LOG_BUFFER_BYTES)', () => {
  it('when a process logs one line and stays quiet, then the line is written within about a second, before it exits', async () => {
    const { child, output, exited } = run('quiet');
    const deadline = Date.now() + 4000;
    while (!output().includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(child.exitCode).toBeNull();
    expect(JSON.parse(output().trim())).toMatchObject({ service: 'fixture-a', n: 0, msg: 'the only line' });
    child.kill('SIGKILL');
    await exited;
  });

  it('when two loggers of a crashing process write many lines, then every line is whole, none is lost, each logger in order', async () => {
    const { output, exited } = run('crash');
    expect(await exited).not.toBe(0);
    const lines = output().trim().split('\n').map((line) => JSON.parse(line) as { service: string; n: number });
    expect(lines).toHaveLength(1000);
    for (const service of ['fixture-a', 'fixture-b']) {
      expect(lines.filter((line) => line.service === service).map((line) => line.n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    }
  });
});
