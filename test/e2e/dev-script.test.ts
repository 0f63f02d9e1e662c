// `make dev`'s script on a private stack (its own Postgres and SNS/SQS emulator on ports of its
// own) in a fresh `mktemp -d` folder, which is 0700: out of reach of the `postgres` user when
// run as root, as a clone in root's home is.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'chirp-dev-'));
const stack = join(folder, 'stack');
const userPort = 26081;
const env = {
  ...process.env,
  CHIRP_STACK_DIR: stack,
  CHIRP_PG_PORT: '26432',
  CHIRP_SQS_PORT: '26566',
  CHIRP_USER_PORT: String(userPort),
  // Long enough to run `dev.sh up` again while the old process still drains.
  SHUTDOWN_DRAIN_SECONDS: '8',
};

const dev = (...args: string[]) => {
  const run = spawnSync(join(root, 'scripts/dev.sh'), args, { env, encoding: 'utf8', timeout: 240_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};
const readiness = async () => {
  try {
    const response = await fetch(`http://127.0.0.1:${userPort}/readyz`, { signal: AbortSignal.timeout(2000) });
    return { status: response.status, body: (await response.json()) as { code?: string } };
  } catch {
    return { status: 0, body: {} };
  }
};
const pid = () => Number(readFileSync(join(stack, 'services/user.pid'), 'utf8'));
// Alive means running: an exited process whose parent has not reaped it yet (a zombie, state Z in
// /proc) still answers kill(pid, 0). The services dev.sh starts are reparented when it exits, and
// some init processes (CI's among them) reap late.
const alive = (processId: number) => {
  try {
    const stat = readFileSync(`/proc/${processId}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

afterAll(() => {
  dev('down');
  // The Postgres files live outside the folder when the postgres user could not reach it.
  const link = join(stack, 'postgres');
  if (existsSync(link) && lstatSync(link).isSymbolicLink()) rmSync(readlinkSync(link), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

describe('scripts/dev.sh', () => {
  it('when the clone is in a folder only its owner can enter, then the stack and a service start there', async () => {
    expect(statSync(folder).mode & 0o777).toBe(0o700);

    const up = dev('up', 'user');

    expect(up.status, up.output).toBe(0);
    expect(await readiness()).toMatchObject({ status: 200 });
  }, 240_000);

  it('when dev.sh up runs while the service drains after a SIGTERM, then the old process is waited for and a new one serves', async () => {
    const old = pid();
    process.kill(old, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await readiness()).toMatchObject({ status: 503, body: { code: 'SHUTTING_DOWN' } });

    const up = dev('up', 'user');

    expect(up.status, up.output).toBe(0);
    // Seen draining, or (on a slow machine) already past its drain delay and on its way out: waited for either way.
    expect(up.output).toMatch(/is draining after a stop|has exited; starting it again/);
    expect(pid()).not.toBe(old);
    expect(alive(old)).toBe(false);
    expect(alive(pid())).toBe(true);
    expect(await readiness()).toMatchObject({ status: 200 });
  }, 240_000);
});
