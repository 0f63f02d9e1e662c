import type { Jwk } from '@chirp/common/auth';
import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerUserRoutes } from './adapters/http/user-routes.ts';
import type { UserConfig } from './infrastructure/config.ts';
import type { UserUseCases } from './use-cases/user-use-cases.ts';

export interface UserAppDeps {
  config: Pick<UserConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  readiness: { postgres: ReadinessCheck };
  useCases: UserUseCases;
  jwks: () => { keys: Jwk[] };
  /** The registry /metrics serves, with the service's own metrics in it. */
  metrics?: Registry;
}

/** The user service's HTTP app; it never listens (main.ts does). */
export function buildApp(deps: UserAppDeps): FastifyInstance {
  const app = createHttpService({
    service: 'user',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
    metrics: deps.metrics,
  });
  registerUserRoutes(app, deps.useCases, deps.jwks);
  return app;
}
