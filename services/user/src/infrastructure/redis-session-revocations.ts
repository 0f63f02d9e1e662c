import { createRedisRevocationPublisher, type Revocation } from '@chirp/common/session-revocations';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SessionRevocations, UserReader } from '../use-cases/ports.ts';

/**
 * Past an access token's expiry the gateway still accepts it for its clock tolerance (5 s), and
 * replicas' clocks differ: a revoked session is refused this much longer than its last token lives.
 */
export const REVOCATION_MARGIN_MS = 60_000;

export interface RedisSessionRevocationsOptions {
  /** The gateways' Redis, without a key prefix (the protocol names its own keys under `prefix`). */
  redis: Redis;
  prefix: string;
  accessTokenTtlSeconds: number;
  sessions: Pick<UserReader, 'listSessionsRevokedSince'>;
  log: Logger;
  /** Each revocation that could not be delivered at once (counted for the metric). */
  onDeliveryFailure?: () => void;
  retryMs?: number;
  now?: () => number;
}

/**
 * Revocations pushed to the gateways through their Redis (`@chirp/common/session-revocations`).
 * A failed push never fails the logout: the session is revoked in Postgres, the push is tried
 * again every `retryMs` until it lands or its tokens have expired anyway, and every time the
 * Redis connection becomes ready (start-up, a Redis restart) the sessions revoked within one
 * access-token lifetime are announced again from Postgres, which covers a process that died
 * between its commit and its push.
 */
export function createRedisSessionRevocations(options: RedisSessionRevocationsOptions): SessionRevocations & { close(): void } {
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 1000;
  const log = options.log.child({ component: 'session-revocations' });
  const publisher = createRedisRevocationPublisher(options.redis, options.prefix, now);
  const lifetimeMs = options.accessTokenTtlSeconds * 1000 + REVOCATION_MARGIN_MS;
  const pending = new Map<string, number>();
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const untilOf = (revokedAt: Date) => revokedAt.getTime() + lifetimeMs;

  const push = async (revocations: Revocation[]): Promise<boolean> => {
    try {
      await publisher.publish(revocations);
      for (const { sessionId } of revocations) pending.delete(sessionId);
      return true;
    } catch (error) {
      for (const { sessionId, untilMs } of revocations) pending.set(sessionId, Math.max(untilMs, pending.get(sessionId) ?? 0));
      options.onDeliveryFailure?.();
      log.warn({ err: error, pending: pending.size }, "could not push session revocations to the gateways' Redis; retrying (check REDIS_URL and the server): until then signed-out access tokens keep working");
      scheduleRetry();
      return false;
    }
  };

  const scheduleRetry = () => {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = undefined;
      const due = [...pending].filter(([, untilMs]) => untilMs > now()).map(([sessionId, untilMs]) => ({ sessionId, untilMs }));
      pending.clear();
      if (due.length > 0) void push(due);
    }, retryMs);
    retry.unref();
  };

  const replay = async () => {
    try {
      const recent = await options.sessions.listSessionsRevokedSince(new Date(now() - lifetimeMs));
      const revocations = recent.map(({ sessionId, revokedAt }) => ({ sessionId, untilMs: untilOf(revokedAt) }));
      for (const [sessionId, untilMs] of pending) revocations.push({ sessionId, untilMs });
      if ((await push(revocations)) && revocations.length > 0) log.info({ sessions: revocations.length }, 'announced recent session revocations again after connecting');
    } catch (error) {
      log.warn({ err: error }, 'could not read recent session revocations to announce them again; they reach the gateways with the next reconnection');
    }
  };
  options.redis.on('ready', () => void replay());

  return {
    async announce({ sessionId, revokedAt }) {
      await push([{ sessionId, untilMs: untilOf(revokedAt) }]);
    },
    close() {
      closed = true;
      clearTimeout(retry);
    },
  };
}
