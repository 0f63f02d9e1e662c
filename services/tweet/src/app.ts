import { createHttpService, type ReadinessCheck } from '@chirp/common/http';
import type { FastifyInstance } from 'fastify';
import type { TweetConfig } from './infrastructure/config.ts';

export interface TweetAppDeps {
  config: Pick<TweetConfig, 'LOG_LEVEL' | 'BODY_LIMIT_BYTES'>;
  readiness: { postgres: ReadinessCheck; redis: ReadinessCheck };
}

/** The tweet service's HTTP app; it never listens (main.ts does). Routes arrive with the tweet-service issue. */
export function buildApp(deps: TweetAppDeps): FastifyInstance {
  return createHttpService({
    service: 'tweet',
    logLevel: deps.config.LOG_LEVEL,
    bodyLimitBytes: deps.config.BODY_LIMIT_BYTES,
    readiness: deps.readiness,
  });
}
