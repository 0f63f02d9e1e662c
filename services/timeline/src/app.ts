import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { TimelineConfig } from './infrastructure/config.ts';

export interface TimelineAppDeps {
  config: Pick<TimelineConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  readiness: { cassandra: ReadinessCheck; redis: ReadinessCheck };
}

/** The timeline service's HTTP app; it never listens (main.ts does). Routes arrive with the timeline issue. */
export function buildApp(deps: TimelineAppDeps): FastifyInstance {
  return createHttpService({
    service: 'timeline',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
  });
}
