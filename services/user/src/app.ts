import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { UserConfig } from './infrastructure/config.ts';

export interface UserAppDeps {
  config: Pick<UserConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  readiness: { postgres: ReadinessCheck };
}

/** The user service's HTTP app; it never listens (main.ts does). Routes arrive with the user-service issue. */
export function buildApp(deps: UserAppDeps): FastifyInstance {
  return createHttpService({
    service: 'user',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
  });
}
