// A warm page's cache read in the tweet service: the tweets, then their authors, in two MGETs
// one after the other (before #16's cut), or both in one Redis script (as shipped), interleaved.
//   node services/tweet/bench/hydrate-read.ts [--page 10] [--authors 5] [--reads 3000] [--rounds 7]
// A page of `page` cached tweets by `authors` cached authors is read one page at a time (as one
// home read asks), through the shipped adapter for the script and the same decoding for the two
// MGETs. Per page: CPU of this process (process.cpuUsage) and of Redis (/proc/PID/stat, so Redis
// must run on this machine), and the wall time of one read; medians of the rounds, and the
// per-round ratio. Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import { interleavedCosts, printBeforeAfter, redisServerPid } from '@chirp/testing/cpu-counters';
import { createTestRedis } from '@chirp/testing/stack';
import { createRedisTweetCache } from '../src/infrastructure/redis-tweet-cache.ts';

const { values } = parseArgs({
  options: { page: { type: 'string', default: '10' }, authors: { type: 'string', default: '5' }, reads: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '7' } },
});
const [pageSize, authorCount, reads, rounds] = [Number(values.page), Number(values.authors), Number(values.reads), Number(values.rounds)];
const testRedis = createTestRedis();
const { redis } = testRedis;
const cache = createRedisTweetCache(redis, { ttlSeconds: 3600, log: createLogger('bench', 'warn') });

const ids = createIdGenerator({ workerId: 1003 });
const authors = Array.from({ length: authorCount }, (_, i) => ({ id: ids.next(), handle: `author${i}`, displayName: `Author ${i}`, profileVersion: 1 }));
const page = Array.from({ length: pageSize }, (_, i) => ({
  id: ids.next(),
  authorId: authors[i % authorCount]!.id,
  text: `tweet ${i}: about a hundred characters of text, with a #hashtag and an @mention, as a timeline page holds`,
  createdAt: new Date(),
  replyToId: null,
  hashtags: ['hashtag'],
  mentions: ['mention'],
  likeCount: 3,
  replyCount: 1,
  media: [],
  deleted: false,
  version: 1,
}));
await cache.putAuthors(authors);
await cache.putTweets(page);
const pageIds = page.map((tweet) => tweet.id);

/** Before the cut: one MGET of the tweets, decoded as the adapter decodes them, then one of their authors. */
async function twoReads(): Promise<number> {
  const entries = await redis.mget(pageIds.map((id) => `tweet:${id}`));
  const decoded = entries.map((entry) => {
    const json = entry!.slice(entry!.indexOf('|') + 1);
    const fields = JSON.parse(json) as { authorId: string; createdAt: string };
    return { ...fields, createdAt: new Date(fields.createdAt) };
  });
  const found = await cache.getAuthors([...new Set(decoded.map((tweet) => tweet.authorId))]);
  return decoded.length + found.size;
}
/** As shipped: one script reads both. */
async function oneScript(): Promise<number> {
  const { tweets, authors: found } = await cache.getTweetsAndAuthors(pageIds);
  return tweets.size + found.size;
}
const variants = { 'two MGETs in turn': twoReads, 'one script': oneScript };
const expected = pageSize + authorCount;
for (const [name, read] of Object.entries(variants)) {
  const got = await read();
  if (got !== expected) throw new Error(`${name} found ${got} entries, expected ${expected}: the page was not cached as seeded`);
}

const results = await interleavedCosts(variants, { rounds, calls: reads, warmUp: 200, serverPid: await redisServerPid(redis) });

printBeforeAfter(results, { process: 'tweet service', server: 'Redis', per: 'page', rounds, calls: reads, comparison: 'one script vs two MGETs' });
await testRedis.cleanup();
