import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { registerNotificationRoutes } from './adapters/http/notification-routes.ts';
import type { NotificationConfig } from './infrastructure/config.ts';
import type { NotificationUseCases } from './use-cases/notification-use-cases.ts';

export interface NotificationAppDeps {
  config: Pick<NotificationConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  /** The stream Redis only speeds delivery up (clients replay from Postgres), so only Postgres decides readiness. */
  readiness: { postgres: ReadinessCheck };
  useCases: NotificationUseCases;
  metrics?: Registry;
}

/** The notification service's HTTP app; it never listens (main.ts does). */
export function buildApp(deps: NotificationAppDeps): FastifyInstance {
  const app = createHttpService({
    service: 'notification',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
    metrics: deps.metrics,
  });
  registerNotificationRoutes(app, deps.useCases);
  return app;
}
