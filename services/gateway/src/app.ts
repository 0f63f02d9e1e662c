import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from './infrastructure/config.ts';

export interface GatewayAppDeps {
  config: Pick<GatewayConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  /** Only the gateway's own store: a downstream being down must not take the gateway out of rotation. */
  readiness: { redis: ReadinessCheck };
}

/** The public gateway's HTTP app; it never listens (main.ts does). The v1 routes arrive with the gateway issue. */
export function buildApp(deps: GatewayAppDeps): FastifyInstance {
  return createHttpService({
    service: 'gateway',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
  });
}
