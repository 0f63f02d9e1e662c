import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerTimelineRoutes } from './adapters/http/timeline-routes.ts';
import type { TimelineConfig } from './infrastructure/config.ts';
import type { TimelineUseCases } from './use-cases/timeline-use-cases.ts';

export interface TimelineAppDeps {
  config: Pick<TimelineConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  /** Redis is a cache (reads fall back to Cassandra), so only Cassandra decides readiness. */
  readiness: { cassandra: ReadinessCheck };
  /** Absent for a consumer-only process: it serves only health, readiness and metrics. */
  useCases?: TimelineUseCases;
  metrics?: Registry;
}

/** The timeline service's HTTP app; it never listens (main.ts does). */
export function buildApp(deps: TimelineAppDeps): FastifyInstance {
  const app = createHttpService({
    service: 'timeline',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  if (deps.useCases) registerTimelineRoutes(app, deps.useCases);
  return app;
}
