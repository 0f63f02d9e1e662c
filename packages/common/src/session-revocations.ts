// How the user service tells every gateway replica that a login session ended (logout, a
// refresh token presented twice), so the session's access tokens stop working at once instead
// of living out their lifetime. Gateways verify access tokens locally, so without this a
// signed-out token kept working for up to 15 minutes.
//
// In the Redis both sides share, under one prefix:
// - `<prefix>revoked`, a sorted set: member the session id, score the time (epoch ms) until which
//   its tokens must be refused (its last access token's expiry, with margin). Members past
//   their time are trimmed on every write, so the set holds one access-token lifetime of
//   revocations.
// - `<prefix>revoked`, a pub/sub channel: `<sessionId> <untilMs>` per revocation.
// A gateway subscribes first and loads the set second, so no revocation falls between the two,
// and does both again on every reconnection.
import type { Redis } from 'ioredis';

export interface Revocation {
  sessionId: string;
  /** Epoch milliseconds until which the session's access tokens are refused. */
  untilMs: number;
}

const setKey = (prefix: string) => `${prefix}revoked`;
const channelOf = (prefix: string) => `${prefix}revoked`;
const encode = ({ sessionId, untilMs }: Revocation) => `${sessionId} ${untilMs}`;

function decode(message: string): Revocation | undefined {
  const [sessionId, until, extra] = message.split(' ');
  const untilMs = Number(until);
  return sessionId && Number.isSafeInteger(untilMs) && extra === undefined ? { sessionId, untilMs } : undefined;
}

/** The user service's side: records revocations in the set and pushes them to every gateway, in one round trip. */
export function createRedisRevocationPublisher(redis: Redis, prefix: string, now: () => number = Date.now) {
  return {
    async publish(revocations: readonly Revocation[]): Promise<void> {
      const live = revocations.filter((revocation) => revocation.untilMs > now());
      if (live.length === 0) return;
      const multi = redis.multi();
      // GT: announced again (a retry, a replay) with an earlier time, a session keeps the later one.
      multi.zadd(setKey(prefix), 'GT', ...live.flatMap(({ sessionId, untilMs }) => [untilMs, sessionId]));
      multi.zremrangebyscore(setKey(prefix), '-inf', now());
      for (const revocation of live) multi.publish(channelOf(prefix), encode(revocation));
      const results = (await multi.exec()) ?? [];
      const failed = results.find(([error]) => error !== null)?.[0];
      if (failed) throw new Error(`publishing ${live.length} session revocations failed: ${failed.message}`, { cause: failed });
    },
  };
}

export interface RevokedSessions {
  /** Whether the session's access tokens are refused now. */
  has(sessionId: string): boolean;
  readonly size: number;
  /** Subscribed and loaded: false from a disconnection until the set is loaded again. */
  readonly inSync: boolean;
  /** Resolves true once in sync, or false after `timeoutMs` (Redis away: the caller decides). */
  whenInSync(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RevokedSessionsOptions {
  /** A connection of its own: it is put in subscriber mode. Reconnects on its own (ioredis). */
  subscriber: Redis;
  /** Loads the set; any connection without a key prefix. */
  reader: Redis;
  prefix: string;
  /** Subscribed and loaded (true), or disconnected (false). */
  onSyncChange?: (inSync: boolean) => void;
  /** A load failed; it is tried again every `retryMs`. */
  onProblem?: (problem: string, error: unknown) => void;
  retryMs?: number;
  now?: () => number;
}

/**
 * The gateway's side: the revoked sessions in memory, as fresh as the pub/sub channel keeps
 * them. Checking one is a Map lookup. While Redis is away the set keeps what it had (and
 * `inSync` is false): revocations made meanwhile reach it when it reconnects and reloads.
 */
export function watchRevokedSessions(options: RevokedSessionsOptions): RevokedSessions {
  const now = options.now ?? Date.now;
  const retryMs = options.retryMs ?? 1000;
  const revoked = new Map<string, number>();
  let inSync = false;
  let closed = false;
  let generation = 0;
  let untilSweep = 1000;
  const waiting = new Set<() => void>();

  const add = ({ sessionId, untilMs }: Revocation) => {
    if (untilMs > (revoked.get(sessionId) ?? 0)) revoked.set(sessionId, untilMs);
    if (--untilSweep > 0) return;
    untilSweep = 1000;
    const at = now();
    for (const [id, until] of revoked) if (until <= at) revoked.delete(id);
  };
  const setSync = (value: boolean) => {
    if (inSync === value) return;
    inSync = value;
    options.onSyncChange?.(value);
    if (value) for (const wake of waiting) wake();
  };

  const resync = async () => {
    const mine = ++generation;
    while (!closed && mine === generation) {
      try {
        await options.subscriber.subscribe(channelOf(options.prefix));
        const entries = await options.reader.zrangebyscore(setKey(options.prefix), now(), '+inf', 'WITHSCORES');
        if (mine !== generation) return;
        for (let i = 0; i + 1 < entries.length; i += 2) add({ sessionId: entries[i]!, untilMs: Number(entries[i + 1]) });
        setSync(true);
        return;
      } catch (error) {
        options.onProblem?.(`loading the revoked sessions failed; trying again in ${retryMs} ms`, error);
        await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
      }
    }
  };

  options.subscriber.on('message', (channel: string, message: string) => {
    if (channel !== channelOf(options.prefix)) return;
    const revocation = decode(message);
    if (revocation) add(revocation);
    else options.onProblem?.(`ignored a malformed revocation message: ${JSON.stringify(message.slice(0, 100))}`, undefined);
  });
  options.subscriber.on('ready', () => void resync());
  options.subscriber.on('close', () => {
    generation += 1;
    setSync(false);
  });
  if (options.subscriber.status === 'ready') void resync();

  return {
    has(sessionId) {
      const until = revoked.get(sessionId);
      if (until === undefined) return false;
      if (until > now()) return true;
      revoked.delete(sessionId);
      return false;
    },
    get size() {
      return revoked.size;
    },
    get inSync() {
      return inSync;
    },
    whenInSync(timeoutMs) {
      if (inSync) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiting.delete(done);
          resolve(inSync);
        };
        const timer = setTimeout(done, timeoutMs);
        waiting.add(done);
      });
    },
    async close() {
      closed = true;
      generation += 1;
      await Promise.allSettled([options.subscriber.quit()]);
    },
  };
}
