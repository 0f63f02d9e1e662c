import { randomUUID } from 'node:crypto';
import type { Logger } from '@chirp/common/logging';
import type { Redis } from 'ioredis';
import { MAX_HOME_ITEMS } from '../domain/timeline.ts';
import type { CachedDepth, TimelineCache } from '../use-cases/ports.ts';

/**
 * Each reader's timeline is a sorted set `home:<reader>`: members are tweet ids padded to 20
 * digits, scored by the id (a double: ids close together may share a score, and then sort by
 * member, which is the id again), so adding a tweet twice changes nothing. Markers below every
 * id say what state the entry is in: `~building:<token>` while one rebuild loads it (writes
 * already land in it) and `~ready` once it is whole (only then is it read).
 */
const READY = '~ready';
const BUILDING = '~building:';
const pad = (id: string) => id.padStart(20, '0');
const unpad = (member: string) => member.replace(/^0+(?=\d)/, '');
const keyOf = (readerId: string) => `home:${readerId}`;
/**
 * Members read beyond the page in the first step. Only ids sharing the cursor's double score (a
 * burst of one worker's ids within about a millisecond) are read and skipped; a first page skips
 * none. Reading 64 more for every page was most of a home read's Redis reply.
 */
const FIRST_STEP_MARGIN = 8;
/** Members read per further step, when more ids share the cursor's score than the first step held. */
const PAGE_STEP = 64;

/**
 * Adds the score/member pairs ARGV[2..] to each existing entry of KEYS, then keeps its newest
 * ARGV[1] ids. One call serves a fan-out chunk (many keys, one pair: one command for the chunk's
 * readers instead of one each) and a follow's merge (one key, many pairs). Returns, per key, 0
 * when there is no ready entry (absent, or being built: writes land in it all the same), 1 when
 * it stayed within the depth, else the oldest member it kept.
 */
const ADD = `
local depth = tonumber(ARGV[1])
local replies = {}
for k, key in ipairs(KEYS) do
  replies[k] = 0
  if redis.call('EXISTS', key) == 1 then
    for i = 2, #ARGV, 2 do redis.call('ZADD', key, ARGV[i], ARGV[i + 1]) end
    local markers = redis.call('ZCOUNT', key, '-inf', -1)
    local dropped = redis.call('ZREMRANGEBYRANK', key, markers, -(depth + 1))
    if redis.call('ZSCORE', key, '${READY}') then
      if dropped == 0 then replies[k] = 1 else replies[k] = redis.call('ZRANGE', key, markers, markers)[1] or 0 end
    end
  end
end
return replies
`;
/**
 * Keys per ADD call. A call blocks Redis while it runs (a few microseconds a key), so a chunk of
 * a thousand readers goes as several calls in one pipeline, letting other clients' commands in
 * between them.
 */
const KEYS_PER_ADD = 100;
/**
 * Ends a rebuild: only if the entry still carries this build's marker (nothing forgot or
 * restarted it meanwhile) are the loaded ids added, the entry marked ready, trimmed and timed.
 * KEYS[1] the entry; ARGV: marker, ttl ms, depth, then score/member pairs.
 */
const FINISH = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
for i = 4, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], -1, '${READY}')
local markers = redis.call('ZCOUNT', KEYS[1], '-inf', -1)
redis.call('ZREMRANGEBYRANK', KEYS[1], markers, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;
/** Removes a tweet; an entry still being built is dropped instead, so the build cannot put the tweet back. */
const REMOVE = `
if #redis.call('ZRANGEBYSCORE', KEYS[1], -2, -2, 'LIMIT', 0, 1) > 0 then return redis.call('DEL', KEYS[1]) end
return redis.call('ZREM', KEYS[1], ARGV[1])
`;
const ABSENT: CachedDepth = { state: 'absent' };
/** ADD's reply for one key: 0 no ready entry, 1 within the depth, else the oldest (padded) id kept; a failed call counts as absent. */
const depthOf = (reply: unknown): CachedDepth =>
  reply === 1 ? { state: 'within' } : typeof reply === 'string' ? { state: 'full', oldestKept: unpad(reply) } : ABSENT;

/** Releases the rebuild lock only if this process still holds it. */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Scripted = {
  /** Variable keys: the number of keys first, then the keys, the depth and score/member pairs. */
  timelineAdd(numberOfKeys: number, ...keysDepthAndPairs: (string | number)[]): unknown;
  timelineRemove(key: string, member: string): unknown;
  timelineFinish(key: string, ...args: (string | number)[]): Promise<number>;
  timelineUnlock(key: string, token: string): Promise<number>;
};

/** A rebuild that takes longer than this loses its lock (a crashed process never blocks a reader for good). */
const REBUILD_LOCK_MS = 10_000;

export interface RedisTimelineCacheOptions {
  /** An entry lives this long after its build, then the next read rebuilds it: inactive readers cost no memory. */
  ttlSeconds: number;
  /** Overrides FIRST_STEP_MARGIN (benchmarks compare margins). */
  firstStepMargin?: number;
  /** Overrides KEYS_PER_ADD (benchmarks compare; 1 is a command per reader, as before #16's cut). */
  keysPerAdd?: number;
  log: Logger;
}

/**
 * Home timelines in Redis. Reads that fail are misses (Cassandra answers); writes that fail are
 * logged, and the TTL bounds how long an entry can stay behind Cassandra.
 */
export function createRedisTimelineCache(redis: Redis, options: RedisTimelineCacheOptions): TimelineCache {
  redis.defineCommand('timelineAdd', { lua: ADD });
  redis.defineCommand('timelineUnlock', { numberOfKeys: 1, lua: UNLOCK });
  redis.defineCommand('timelineRemove', { numberOfKeys: 1, lua: REMOVE });
  redis.defineCommand('timelineFinish', { numberOfKeys: 1, lua: FINISH });
  const scripted = redis as Redis & Scripted;
  const firstStepMargin = options.firstStepMargin ?? FIRST_STEP_MARGIN;
  const keysPerAdd = Math.max(1, options.keysPerAdd ?? KEYS_PER_ADD);

  const writeFailed = (err: unknown, what: string, readers: number) =>
    options.log.error(
      { err, what, readers },
      'home timeline cache write failed; cached timelines may lag Cassandra until their TTL (TIMELINE_CACHE_TTL_SECONDS); check Redis at REDIS_URL',
    );
  /** The pipeline's replies, or undefined when any command failed (logged). */
  const run = async (pipeline: ReturnType<Redis['pipeline']>, what: string, readers: number): Promise<unknown[] | undefined> => {
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0] ?? new Error('a pipelined command failed');
      return results.map(([, reply]) => reply);
    } catch (err) {
      writeFailed(err, what, readers);
      return undefined;
    }
  };

  return {
    async add(readerIds, tweetId) {
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & Scripted;
      for (let from = 0; from < readerIds.length; from += keysPerAdd) {
        const keys = readerIds.slice(from, from + keysPerAdd).map(keyOf);
        pipeline.timelineAdd(keys.length, ...keys, MAX_HOME_ITEMS, Number(tweetId), pad(tweetId));
      }
      const replies = (await run(pipeline, 'add', readerIds.length))?.flat();
      return new Map(readerIds.map((readerId, i) => [readerId, depthOf(replies?.[i])]));
    },
    async merge(readerId, tweetIds) {
      if (tweetIds.length === 0) return ABSENT;
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & Scripted;
      pipeline.timelineAdd(1, keyOf(readerId), MAX_HOME_ITEMS, ...tweetIds.flatMap((id) => [Number(id), pad(id)]));
      return depthOf((await run(pipeline, 'merge', 1))?.flat()[0]);
    },
    async remove(readerIds, tweetId) {
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & Scripted;
      for (const readerId of readerIds) pipeline.timelineRemove(keyOf(readerId), pad(tweetId));
      await run(pipeline, 'remove', readerIds.length);
    },
    async forget(readerId) {
      await run(redis.pipeline().del(keyOf(readerId)), 'forget', 1);
    },
    async read(readerId, before, limit) {
      try {
        const key = keyOf(readerId);
        const max = before === undefined ? '+inf' : String(Number(before));
        const floor = before === undefined ? undefined : BigInt(before);
        const found: string[] = [];
        // The readiness check and the first step in one transaction: a DEL or rebuild cannot fall between them.
        const [[, ready], [, first]] = ((await redis
          .multi()
          .zscore(key, READY)
          .zrange(key, max, 0, 'BYSCORE', 'REV', 'LIMIT', 0, limit + firstStepMargin)
          .exec()) ?? []) as [[unknown, string | null], [unknown, string[]]];
        if (ready === null) return undefined;
        let members = first;
        for (let offset = 0, step = limit + firstStepMargin; ; step = limit + PAGE_STEP) {
          for (const id of members.map(unpad)) if (floor === undefined || BigInt(id) < floor) found.push(id);
          // Another step only when the cursor's score is shared by more ids than the step held.
          if (found.length >= limit || members.length < step) break;
          offset += members.length;
          members = await redis.zrange(key, max, 0, 'BYSCORE', 'REV', 'LIMIT', offset, limit + PAGE_STEP);
        }
        return found.slice(0, limit);
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
        if ((await redis.set(lock, token, 'PX', REBUILD_LOCK_MS, 'NX')) !== 'OK') return false;
      } catch (err) {
        options.log.warn({ err, readerId }, 'home timeline cache unavailable for a rebuild; reading Cassandra (check Redis at REDIS_URL)');
        return false;
      }
      const marker = BUILDING + token;
      try {
        // From here, fan-out writes land in the entry; a tweet written to Cassandra after the load
        // below is therefore in it too, and one written before is in what the load returns. A
        // forget or a remove meanwhile drops the entry, and then this build ends without it.
        await redis.multi().del(key).zadd(key, -2, marker).pexpire(key, REBUILD_LOCK_MS).exec();
        const ids = await load();
        const finished = await scripted.timelineFinish(key, marker, options.ttlSeconds * 1000, MAX_HOME_ITEMS, ...ids.flatMap((id) => [Number(id), pad(id)]));
        return finished === 1;
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
