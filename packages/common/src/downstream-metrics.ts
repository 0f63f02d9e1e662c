// Metrics and logs of the calls a service makes to the others through `@chirp/common/service-client`:
// breaker state per downstream and each attempt's latency. The hooks go into `ServiceClientOptions`.
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ServiceClientOptions } from './service-client.ts';

export type DownstreamHooks = Required<Pick<ServiceClientOptions, 'onBreakerStateChange' | 'onAttempt'>>;

/**
 * `chirp_downstream_breaker_open{downstream}` (1 while calls fail fast), `chirp_downstream_breaker_transitions_total`
 * and `chirp_downstream_request_duration_seconds{downstream,method,outcome}`; every downstream named
 * in `downstreams` starts at 0, so a dashboard shows it before its breaker ever moves.
 */
export function createDownstreamMetrics(registry: Registry, log: Logger, options: { downstreams: readonly string[]; breakerResetMs: number }): DownstreamHooks {
  const breakerOpen = new Gauge({
    name: 'chirp_downstream_breaker_open',
    help: 'Whether the circuit breaker to a downstream service is open (1) and failing fast; check that service',
    labelNames: ['downstream'],
    registers: [registry],
  });
  const breakerChanges = new Counter({
    name: 'chirp_downstream_breaker_transitions_total',
    help: 'Circuit breaker state changes, by downstream and new state',
    labelNames: ['downstream', 'state'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'chirp_downstream_request_duration_seconds',
    help: 'Each attempt of a call to a downstream service, by outcome (status code, or error)',
    labelNames: ['downstream', 'method', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  for (const downstream of options.downstreams) breakerOpen.set({ downstream }, 0);
  return {
    onBreakerStateChange: (downstream, state) => {
      breakerOpen.set({ downstream }, state === 'open' ? 1 : 0);
      breakerChanges.inc({ downstream, state });
      if (state === 'open') log.error({ downstream, resetMs: options.breakerResetMs }, 'circuit breaker opened: calls to this service fail fast with 503; check its pods and logs');
      else log.warn({ downstream, state }, state === 'closed' ? 'circuit breaker closed: calls flow again' : 'circuit breaker half-open: trying one call');
    },
    onAttempt: ({ name: downstream, method, outcome, seconds }) => duration.observe({ downstream, method, outcome }, seconds),
  };
}
