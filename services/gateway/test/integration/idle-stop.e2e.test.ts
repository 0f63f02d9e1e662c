// An idle service stops promptly: with no drain delay and nothing in flight, SIGTERM to exit
// takes seconds at most for every service (the consumers' long polls are aborted, not waited out).
import { type Platform, SERVICES, startPlatform } from '@chirp/testing/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform({ drainSeconds: 0, logLevel: 'warn' });
});

afterAll(async () => {
  await platform?.stop();
});

describe('stopping an idle service', () => {
  it('when an idle service gets SIGTERM with no drain delay, then it has exited within 5 s, not after the consumers\' 20 s long polls', async () => {
    // Long enough for every consumer to be inside a long poll.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const took: Record<string, number> = {};
    for (const name of SERVICES) {
      const from = performance.now();
      await platform.services[name].stop();
      took[name] = Math.round(performance.now() - from);
    }
    console.info('SIGTERM to exit, ms:', took);

    for (const name of SERVICES) expect(took[name], `${name} took ${took[name]} ms`).toBeLessThan(5000); // closing pools and drivers on a loaded machine may take a second or two
  });
});
