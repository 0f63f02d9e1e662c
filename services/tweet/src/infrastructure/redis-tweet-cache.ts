import type { Logger } from '@chirp/common/logging';
import type { Redis } from 'ioredis';
import type { StoredAuthor, StoredTweet, TweetCache } from '../use-cases/ports.ts';

/**
 * Sets KEYS[1] to "ARGV[1]|ARGV[2]" for ARGV[3] ms unless it holds a version at least
 * ARGV[1]: a reader that loaded a row before a writer changed it cannot put it back.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, '^(%d+)|'))
  if version and version >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1
`;

/**
 * The tweets at KEYS and, in the same round trip, the authors they name (keys ARGV[1] .. id):
 * returns {tweet entries, author ids, author entries}. An entry's JSON escapes every quote
 * inside a string, so `"authorId":"` can only be the field itself. Reading keys the script was
 * not given works outside cluster mode, the same assumption as the MGETs below.
 */
const TWEETS_AND_AUTHORS = `
local entries = redis.call('MGET', unpack(KEYS))
local authorIds, authorKeys, seen = {}, {}, {}
for _, entry in ipairs(entries) do
  local authorId = entry and string.match(entry, '"authorId":"([^"]+)"')
  if authorId and not seen[authorId] then
    seen[authorId] = true
    authorIds[#authorIds + 1] = authorId
    authorKeys[#authorKeys + 1] = ARGV[1] .. authorId
  end
end
local authors = {}
if #authorKeys > 0 then authors = redis.call('MGET', unpack(authorKeys)) end
return {entries, authorIds, authors}
`;

declare module 'ioredis' {
  interface RedisCommander {
    chirpTweetsAndAuthors(numberOfKeys: number, ...keysThenAuthorPrefix: string[]): Promise<[(string | null)[], string[], (string | null)[]]>;
  }
}


interface Codec<T extends { id: string }> {
  key(id: string): string;
  version(value: T): number;
  encode(value: T): string;
  decode(id: string, version: number, json: string): T;
}

const tweetCodec: Codec<StoredTweet> = {
  key: (id) => `tweet:${id}`,
  version: (tweet) => tweet.version,
  encode: ({ id: _id, version: _version, createdAt, ...rest }) => JSON.stringify({ ...rest, createdAt: createdAt.toISOString() }),
  decode: (id, version, json) => {
    const fields = JSON.parse(json) as Omit<StoredTweet, 'id' | 'version' | 'createdAt' | 'media'> & { createdAt: string; media?: StoredTweet['media'] };
    // Entries written before tweets had media have none.
    return { ...fields, id, version, createdAt: new Date(fields.createdAt), media: fields.media ?? [] };
  },
};

const AUTHOR_KEY_PREFIX = 'author:';

const authorCodec: Codec<StoredAuthor> = {
  key: (id) => AUTHOR_KEY_PREFIX + id,
  version: (author) => author.profileVersion,
  encode: ({ handle, displayName }) => JSON.stringify({ handle, displayName }),
  decode: (id, profileVersion, json) => ({ id, profileVersion, ...(JSON.parse(json) as { handle: string; displayName: string }) }),
};

const ENTRY = /^(\d+)\|(.*)$/s;
const WRITE_ATTEMPTS = 3;

/**
 * Tweets (deleted ones as tombstones) and authors in Redis, each entry "version|json" with a
 * TTL, so only hot ones stay. Reads are one MGET; writes one pipelined single-key script per
 * entry. (For Redis in cluster mode the MGET would need splitting by slot; ElastiCache's
 * non-cluster mode, with replicas, is what the deployment assumes.) Failures are logged and
 * read as misses.
 */
export function createRedisTweetCache(redis: Redis, options: { ttlSeconds: number; log: Logger }): TweetCache {
  redis.defineCommand('setIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  redis.defineCommand('chirpTweetsAndAuthors', { lua: TWEETS_AND_AUTHORS });
  const ttlMs = options.ttlSeconds * 1000;
  // The client prefixes the keys it is given, not those a script builds.
  const authorKeyPrefix = (redis.options.keyPrefix ?? '') + AUTHOR_KEY_PREFIX;

  const readFailed = (err: unknown, keys: number) => {
    options.log.warn({ err, keys }, 'tweet cache read failed; serving from Postgres (check Redis at REDIS_URL)');
  };

  /** Entries as read (null: absent), decoded; an unreadable one is a miss. */
  const decode = <T extends { id: string }>(codec: Codec<T>, ids: readonly string[], values: readonly (string | null)[]): Map<string, T> => {
    const found = new Map<string, T>();
    values.forEach((value, index) => {
      const id = ids[index]!;
      const match = value === null ? null : ENTRY.exec(value);
      if (!match) return;
      try {
        found.set(id, codec.decode(id, Number(match[1]), match[2]!));
      } catch (err) {
        // An entry this code cannot read (corrupt, or written by another version) is a miss, not a failed request.
        options.log.warn({ err, key: codec.key(id) }, 'unreadable tweet cache entry; reading Postgres instead');
      }
    });
    return found;
  };

  const get = async <T extends { id: string }>(codec: Codec<T>, ids: readonly string[]): Promise<Map<string, T>> => {
    if (ids.length === 0) return new Map();
    try {
      return decode(codec, ids, await redis.mget(ids.map((id) => codec.key(id))));
    } catch (err) {
      readFailed(err, ids.length);
      return new Map();
    }
  };

  const getTweetsAndAuthors: TweetCache['getTweetsAndAuthors'] = async (ids) => {
    if (ids.length === 0) return { tweets: new Map(), authors: new Map() };
    let reply: Awaited<ReturnType<Redis['chirpTweetsAndAuthors']>>;
    try {
      reply = await redis.chirpTweetsAndAuthors(ids.length, ...ids.map((id) => tweetCodec.key(id)), authorKeyPrefix);
    } catch (err) {
      readFailed(err, ids.length);
      return { tweets: new Map(), authors: new Map() };
    }
    const [tweets, authorIds, authors] = reply;
    return { tweets: decode(tweetCodec, ids, tweets), authors: decode(authorCodec, authorIds, authors) };
  };

  const put = async <T extends { id: string }>(codec: Codec<T>, entries: readonly T[], what: string): Promise<void> => {
    if (entries.length === 0) return;
    const writes = entries.map((entry) => [codec.key(entry.id), codec.version(entry), codec.encode(entry)] as const);
    // A failed write can leave an entry older than Postgres (a deleted tweet still served) until
    // its TTL, so it is retried before giving up. Retrying is safe: the script only ever moves forward.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & {
          setIfNewer(key: string, version: number, value: string, ttlMs: number): unknown;
        };
        for (const [key, version, value] of writes) pipeline.setIfNewer(key, version, value, ttlMs);
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([error]) => error !== null);
        if (failed) throw failed[0] ?? new Error('a cache write failed');
        return;
      } catch (err) {
        if (attempt < WRITE_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          continue;
        }
        options.log.error(
          { err, entries: entries.length, what, attempts: attempt },
          `tweet cache write failed; cached ${what} may be stale for up to TWEET_CACHE_TTL_SECONDS (check Redis at REDIS_URL)`,
        );
        return;
      }
    }
  };

  return {
    getTweetsAndAuthors,
    putTweets: (tweets) => put(tweetCodec, tweets, 'tweets'),
    getAuthors: (ids) => get(authorCodec, ids),
    putAuthors: (authors) => put(authorCodec, authors, 'authors'),
  };
}
