import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import { registerTweetRoutes } from './adapters/http/tweet-routes.ts';
import type { TweetConfig } from './infrastructure/config.ts';
import type { TweetUseCases } from './use-cases/tweet-use-cases.ts';

export interface TweetAppDeps {
  config: Pick<TweetConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  /** Redis is a cache: the service answers without it, so only Postgres decides readiness. */
  readiness: { postgres: ReadinessCheck };
  useCases: TweetUseCases;
}

/** The tweet service's HTTP app; it never listens (main.ts does). */
export function buildApp(deps: TweetAppDeps): FastifyInstance {
  const app = createHttpService({
    service: 'tweet',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
  });
  registerTweetRoutes(app, deps.useCases);
  return app;
}
