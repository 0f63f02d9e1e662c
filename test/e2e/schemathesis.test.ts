// The API fuzzed from its own OpenAPI document: Schemathesis (`st run --checks all`, pinned and
// installed by scripts/schemathesis.sh) against the real platform, every phase (examples,
// coverage, fuzzing, stateful), a bounded number of cases per operation and a fixed seed, so a
// run is repeatable and takes a few minutes. Zero failures is the bar. What the document cannot
// state (opaque cursors, rules about state or weighted lengths) is handled, and justified, in
// test/schemathesis/hooks.py; the checks' settings are in test/schemathesis/schemathesis.toml.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Platform, RATE_LIMITS_RAISED, startPlatform } from '@chirp/testing/platform';
import { createApi, signUp } from '@chirp/testing/public-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HANDLE = 'fuzzer';
const EXAMPLES_PER_OPERATION = '25';
const SEED = '20261130';
// Schemathesis keeps caches in its working folder: a temporary one, not the repository.
const workDir = mkdtempSync(join(tmpdir(), 'chirp-schemathesis-'));
let platform: Platform;
let st: string;

beforeAll(async () => {
  const install = spawnSync('bash', [`${root}scripts/schemathesis.sh`], { encoding: 'utf8', timeout: 300_000 });
  if (install.status !== 0) throw new Error(`scripts/schemathesis.sh failed (${install.status}): ${install.stderr}`);
  st = install.stdout.trim();
  platform = await startPlatform({
    logLevel: 'warn',
    // The fuzzer sends thousands of requests from one client: the limits would answer most of them 429.
    serviceEnv: { gateway: RATE_LIMITS_RAISED },
  });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

describe('the API against its OpenAPI document (Schemathesis)', () => {
  it('when every operation is fuzzed with --checks all, signed in, then no check fails', async () => {
    const accessToken = await signUp(createApi(platform.gatewayUrl), HANDLE);

    const started = Date.now();
    const { status, output } = await run(
      st,
      [
        '--config-file',
        `${root}test/schemathesis/schemathesis.toml`,
        'run',
        `${platform.gatewayUrl}/openapi.json`,
        '--checks',
        'all',
        '--max-examples',
        EXAMPLES_PER_OPERATION,
        '--seed',
        SEED,
        '--header',
        `Authorization: Bearer ${accessToken}`,
        // The event stream never ends: every case would wait out the request timeout. Its
        // answers (401, 200 text/event-stream, Last-Event-ID) are tested in services/gateway/test/http/streaming.test.ts.
        '--exclude-path',
        '/v1/streaming',
        // Generous: a slow answer on a loaded machine is not what this test is about.
        '--request-timeout',
        '30',
        '--no-color',
      ],
      { ...process.env, SCHEMATHESIS_HOOKS: `${root}test/schemathesis/hooks.py`, CHIRP_FUZZ_HANDLE: HANDLE },
      840_000,
    );
    // Its summary without the pytest-style closing rule (`=== 2 warnings in 39.55s ===`): in the CI log that line
    // would read as a test runner's last word on a run of no tests. vitest's closing line counts this test.
    const summary = output
      .slice(output.lastIndexOf('SUMMARY'))
      .split('\n')
      .filter((line) => !/^=+ .* =+$/.test(line.trim()))
      .join('\n')
      .trimEnd();
    console.info(`schemathesis: exit ${status} after ${Math.round((Date.now() - started) / 1000)} s\n${summary}`);
    // On failure the message carries Schemathesis's whole report: each failure with its curl to reproduce.
    expect(status, output.slice(-20_000)).toBe(0);
    // Every operation but the stream was reached (the document has 29 today).
    expect(Number(/Tested: (\d+)/.exec(output)?.[1])).toBeGreaterThanOrEqual(28);
  }, 900_000);
});
