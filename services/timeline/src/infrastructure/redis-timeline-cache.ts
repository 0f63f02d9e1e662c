import { randomUUID } from 'node:crypto';
import type { Logger } from '@chirp/common/logging';
import type { Redis } from 'ioredis';
import { TIMELINE_DEPTH } from '../domain/timeline.ts';
import type { TimelineCache } from '../use-cases/ports.ts';

/**
 * Each reader's timeline is a sorted set `home:<reader>`: members are tweet ids padded to 20
 * digits, scored by the id (a double: ids closer than ~64 may share a score, and then sort by
 * member, which is the id again), so adding a tweet twice changes nothing. Two markers below
 * every id say what state the entry is in: BUILDING while a rebuild loads it (writes already
 * land in it) and READY once it is whole (only then is it read).
 */
const READY = '~ready';
const BUILDING = '~building';
const pad = (id: string) => id.padStart(20, '0');
const unpad = (member: string) => member.replace(/^0+(?=\d)/, '');
const keyOf = (readerId: string) => `home:${readerId}`;
/** Ids sharing the cursor's double score, at most, to read past when paging. */
const SCORE_TIES = 64;

/** Adds ARGV[2] (score ARGV[1]) to an existing entry, then keeps its newest ARGV[3] ids. */
const ADD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local markers = redis.call('ZCOUNT', KEYS[1], '-inf', -1)
redis.call('ZREMRANGEBYRANK', KEYS[1], markers, -(tonumber(ARGV[3]) + 1))
return 1
`;
/** Releases the rebuild lock only if this process still holds it. */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Scripted = {
  timelineAdd(key: string, score: number, member: string, depth: number): unknown;
  timelineUnlock(key: string, token: string): Promise<number>;
};

export interface RedisTimelineCacheOptions {
  /** An entry lives this long after its build, then the next read rebuilds it: inactive readers cost no memory. */
  ttlSeconds: number;
  /** A rebuild that takes longer than this loses its lock (a crashed process never blocks a reader for good). */
  lockMs?: number;
  log: Logger;
}

/**
 * Home timelines in Redis. Reads that fail are misses (Cassandra answers); writes that fail are
 * logged, and the TTL bounds how long an entry can stay behind Cassandra.
 */
export function createRedisTimelineCache(redis: Redis, options: RedisTimelineCacheOptions): TimelineCache {
  redis.defineCommand('timelineAdd', { numberOfKeys: 1, lua: ADD });
  redis.defineCommand('timelineUnlock', { numberOfKeys: 1, lua: UNLOCK });
  const scripted = redis as Redis & Scripted;
  const lockMs = options.lockMs ?? 10_000;

  const writeFailed = (err: unknown, what: string, readers: number) =>
    options.log.error(
      { err, what, readers },
      'home timeline cache write failed; cached timelines may lag Cassandra until their TTL (TIMELINE_CACHE_TTL_SECONDS); check Redis at REDIS_URL',
    );
  const run = async (pipeline: ReturnType<Redis['pipeline']>, what: string, readers: number) => {
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0] ?? new Error('a pipelined command failed');
    } catch (err) {
      writeFailed(err, what, readers);
    }
  };

  return {
    async add(readerIds, tweetId) {
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & Scripted;
      for (const readerId of readerIds) pipeline.timelineAdd(keyOf(readerId), Number(tweetId), pad(tweetId), TIMELINE_DEPTH);
      await run(pipeline, 'add', readerIds.length);
    },
    async remove(readerIds, tweetId) {
      const pipeline = redis.pipeline();
      for (const readerId of readerIds) pipeline.zrem(keyOf(readerId), pad(tweetId));
      await run(pipeline, 'remove', readerIds.length);
    },
    async forget(readerId) {
      await run(redis.pipeline().del(keyOf(readerId)), 'forget', 1);
    },
    async read(readerId, before, limit) {
      try {
        const key = keyOf(readerId);
        const max = before === undefined ? '+inf' : String(Number(before));
        const [[, ready], [, members]] = ((await redis
          .pipeline()
          .zscore(key, READY)
          .zrange(key, max, 0, 'BYSCORE', 'REV', 'LIMIT', 0, limit + SCORE_TIES)
          .exec()) ?? []) as [[unknown, string | null], [unknown, string[]]];
        if (ready === null) return undefined;
        const floor = before === undefined ? undefined : BigInt(before);
        return members
          .map(unpad)
          .filter((id) => floor === undefined || BigInt(id) < floor)
          .slice(0, limit);
      } catch (err) {
        options.log.warn({ err, readerId }, 'home timeline cache read failed; reading Cassandra (check Redis at REDIS_URL)');
        return undefined;
      }
    },
    async rebuild(readerId, load) {
      const key = keyOf(readerId);
      const lock = `${key}:rebuild`;
      const token = randomUUID();
      try {
        if ((await redis.set(lock, token, 'PX', lockMs, 'NX')) !== 'OK') return false;
      } catch (err) {
        options.log.warn({ err, readerId }, 'home timeline cache unavailable for a rebuild; reading Cassandra (check Redis at REDIS_URL)');
        return false;
      }
      try {
        // From here, fan-out writes land in the entry; a tweet written to Cassandra after the load
        // below is therefore in it too, and one written before is in what the load returns.
        await redis.multi().del(key).zadd(key, -2, BUILDING).exec();
        const ids = await load();
        const pipeline = redis.multi();
        for (let i = 0; i < ids.length; i += 500) pipeline.zadd(key, ...ids.slice(i, i + 500).flatMap((id) => [Number(id), pad(id)]));
        pipeline.zrem(key, BUILDING).zadd(key, -1, READY).expire(key, options.ttlSeconds);
        await pipeline.exec();
        return true;
      } catch (err) {
        writeFailed(err, 'rebuild', 1);
        await redis.del(key).catch(() => undefined);
        return false;
      } finally {
        await scripted.timelineUnlock(lock, token).catch(() => undefined);
      }
    },
  };
}
