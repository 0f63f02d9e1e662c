import { expect, it } from 'vitest';
import { repeatEvery } from '../../src/periodic-task.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('when a run fails, then the error is handed on and the task runs again; runs never overlap', async () => {
  let running = 0;
  let overlapped = false;
  let runs = 0;
  const errors: unknown[] = [];
  const loop = repeatEvery(5, async () => {
    running += 1;
    overlapped ||= running > 1;
    runs += 1;
    await sleep(15);
    running -= 1;
    if (runs === 1) throw new Error('first run fails');
  }, (err) => errors.push(err));
  while (runs < 3) await sleep(5);
  await loop.stop();
  expect([overlapped, errors.map((e) => (e as Error).message)]).toEqual([false, ['first run fails']]);
});

it('when stopped during a run, then stop waits for that run to end and no run starts after', async () => {
  let ended = 0;
  let started = 0;
  const loop = repeatEvery(1, async () => {
    started += 1;
    await sleep(30);
    ended += 1;
  }, () => undefined);
  while (started === 0) await sleep(1);
  await loop.stop();
  expect(ended).toBe(started);
  const after = started;
  await sleep(20);
  expect(started).toBe(after);
});
