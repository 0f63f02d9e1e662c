import { pino } from 'pino';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { createDownstreamMetrics } from '../../src/downstream-metrics.ts';

const log = pino({ level: 'silent' });

it('when a breaker opens and closes again, then its gauge follows per downstream and each transition is counted', async () => {
  const registry = new Registry();
  const hooks = createDownstreamMetrics(registry, log, { downstreams: ['tweet', 'user'], breakerResetMs: 1000 });
  const before = await registry.metrics();

  hooks.onBreakerStateChange('tweet', 'open');
  const open = await registry.metrics();
  hooks.onBreakerStateChange('tweet', 'half_open');
  hooks.onBreakerStateChange('tweet', 'closed');
  hooks.onAttempt({ name: 'tweet', method: 'GET', outcome: '200', seconds: 0.004 });
  const after = await registry.metrics();

  expect(before).toContain('chirp_downstream_breaker_open{downstream="tweet"} 0');
  expect(before).toContain('chirp_downstream_breaker_open{downstream="user"} 0');
  expect(open).toContain('chirp_downstream_breaker_open{downstream="tweet"} 1');
  expect(open).toContain('chirp_downstream_breaker_open{downstream="user"} 0');
  expect(after).toContain('chirp_downstream_breaker_open{downstream="tweet"} 0');
  expect(after).toContain('chirp_downstream_breaker_transitions_total{downstream="tweet",state="open"} 1');
  expect(after).toContain('chirp_downstream_breaker_transitions_total{downstream="tweet",state="closed"} 1');
  expect(after).toContain('chirp_downstream_request_duration_seconds_bucket{le="0.005",downstream="tweet",method="GET",outcome="200"} 1');
  expect(after).toContain('chirp_downstream_request_duration_seconds_bucket{le="0.0025",downstream="tweet",method="GET",outcome="200"} 0');
});
