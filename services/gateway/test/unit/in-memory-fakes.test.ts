import { describe, expect, it } from 'vitest';
import { createFailoverRateLimiter, createInProcessRateLimiter } from '../../src/infrastructure/in-process-rate-limiter.ts';
import { createSyncedRateLimiter } from '../../src/infrastructure/synced-rate-limiter.ts';
import { downstreamsContract } from '../contract/downstreams.contract.ts';
import { rateLimiterContract } from '../contract/rate-limiter.contract.ts';
import { sharedBudgetsContract } from '../contract/shared-budgets.contract.ts';
import { streamBrokerContract } from '../contract/stream-broker.contract.ts';
import { createInMemoryDownstreams } from '../fakes/in-memory-downstreams.ts';
import { createInMemorySharedBudgets } from '../fakes/in-memory-shared-budgets.ts';
import { createInMemoryStreamBroker } from '../fakes/in-memory-stream-broker.ts';

downstreamsContract('in memory', async () => createInMemoryDownstreams({ highFollowerThreshold: 2 }));
// One process: both replicas are the same broker.
streamBrokerContract('in memory', async () => {
  const broker = createInMemoryStreamBroker();
  return {
    replicas: [broker, broker],
    publish: async (channel, text) => void broker.publish(channel, text),
    listened: async (channel) => broker.listened(channel) > 0,
    close: async () => undefined,
  };
});
rateLimiterContract('the in-process rate limiter', async () => ({ limiter: createInProcessRateLimiter() }));
rateLimiterContract('the synced rate limiter on in-memory shared budgets', async () => {
  const limiter = createSyncedRateLimiter(createInMemorySharedBudgets(), {
    syncEveryMs: 50,
    onFailure: (error) => {
      throw error;
    },
  });
  return { limiter, cleanup: () => limiter.close() };
});
sharedBudgetsContract('the in-memory shared budgets', async () => ({ budgets: createInMemorySharedBudgets() }));
rateLimiterContract('the failover rate limiter with its primary down', async () => ({
  limiter: createFailoverRateLimiter({ consume: () => Promise.reject(new Error('Connection is closed.')) }, createInProcessRateLimiter(), () => undefined),
}));

describe('the in-process rate limiter', () => {
  it('when the primary fails, then the failover answers from the fallback and reports it', async () => {
    const failures: unknown[] = [];
    const limiter = createFailoverRateLimiter({ consume: () => Promise.reject(new Error('down')) }, createInProcessRateLimiter(), (error) => failures.push(error));
    const limit = { policy: 'p', limit: 1, periodSeconds: 60 };
    expect((await limiter.consume('k', limit)).allowed).toBe(true);
    expect((await limiter.consume('k', limit)).allowed).toBe(false);
    expect(failures).toHaveLength(2);
  });
});
