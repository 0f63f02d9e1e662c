// A warm page's cache read in the tweet service: the tweets, then their authors, in two MGETs
// one after the other (before #16's cut), or both in one Redis script (as shipped), interleaved.
//   node services/tweet/bench/hydrate-read.ts [--page 10] [--authors 5] [--reads 3000] [--rounds 7]
// A page of `page` cached tweets by `authors` cached authors is read one page at a time (as one
// home read asks), through the shipped adapter for the script and the same decoding for the two
// MGETs. Per page: CPU of this process (process.cpuUsage) and of Redis (/proc/PID/stat, so Redis
// must run on this machine), and the wall time of one read; medians of the rounds, and the
// per-round ratio. Needs REDIS_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { createLogger } from '@chirp/common/logging';
import { createIdGenerator } from '@chirp/kernel/ids';
import { median, ownCpuMs, processCpuMs, redisServerPid } from '@chirp/testing/cpu-counters';
import { Redis } from 'ioredis';
import { createRedisTweetCache } from '../src/infrastructure/redis-tweet-cache.ts';

const { values } = parseArgs({
  options: { page: { type: 'string', default: '10' }, authors: { type: 'string', default: '5' }, reads: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '7' } },
});
if (!process.env.REDIS_URL) throw new Error('REDIS_URL must be set; source .stack/env');
const [pageSize, authorCount, reads, rounds] = [Number(values.page), Number(values.authors), Number(values.reads), Number(values.rounds)];
const prefix = `bench:hydrate-read:${Date.now().toString(36)}:`;
const redis = new Redis(process.env.REDIS_URL, { keyPrefix: prefix });
const redisPid = await redisServerPid(redis);
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

type Sample = { node: number; redis: number; wall: number };
const results = new Map<string, Sample[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? Object.entries(variants) : Object.entries(variants).reverse();
  for (const [name, read] of order) {
    for (let i = 0; i < 200; i += 1) await read(); // warm-up: JIT and connection
    const [node0, redis0, wall0] = [ownCpuMs(), processCpuMs(redisPid), performance.now()];
    for (let i = 0; i < reads; i += 1) await read();
    const perRead = (ms: number) => (ms / reads) * 1000;
    results.get(name)!.push({ node: perRead(ownCpuMs() - node0), redis: perRead(processCpuMs(redisPid) - redis0), wall: perRead(performance.now() - wall0) });
  }
}

const [before, after] = [...results.values()] as [Sample[], Sample[]];
const ratio = (field: keyof Sample) => median(after.map((sample, i) => sample[field] / before[i]![field] - 1));
const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)} %`;
for (const [name, samples] of results) {
  const m = (field: keyof Sample) => median(samples.map((sample) => sample[field])).toFixed(1);
  console.log(`${name}: tweet service ${m('node')} µs + Redis ${m('redis')} µs CPU, ${m('wall')} µs wall per page (median of ${rounds} rounds of ${reads})`);
}
console.log(`one script vs two MGETs, median of the per-round ratios: tweet service ${percent(ratio('node'))}, Redis ${percent(ratio('redis'))}, wall ${percent(ratio('wall'))}`);
console.log(`(Redis CPU comes in 10 ms ticks: ${reads} reads per round resolve ${(10_000 / reads).toFixed(1)} µs)`);
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
await redis.quit();
