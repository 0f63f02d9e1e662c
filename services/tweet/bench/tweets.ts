// Batch get of 20 tweets, cache-cold versus cached, and the rate of tweet creation with the outbox.
//   node services/tweet/bench/tweets.ts [--tweets N] [--rounds R] [--creates C] [--concurrency K] [--keep]
// Seeds a fresh database straight through SQL, then drives the HTTP app in process with the
// real Postgres store and Redis cache: batch gets interleaved cold (the 20 entries evicted
// first) and cached, then C creations K at a time, each committing its tweet and its
// tweet.created outbox row in one transaction. Prints medians, p90 and ratios. Needs
// DATABASE_URL and REDIS_URL (the local stack's .stack/env).
import { systemClock } from '@chirp/kernel/clock';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { runMigrations } from '@chirp/common/pg-migrations';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { TWEET_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createImageSizeInspector } from '../src/infrastructure/image-size-inspector.ts';
import { createPgMediaStore } from '../src/infrastructure/pg-media-store.ts';
import { createPgTweetStore } from '../src/infrastructure/pg-tweet-store.ts';
import { createRedisTweetCache } from '../src/infrastructure/redis-tweet-cache.ts';
import { createS3MediaStorage } from '../src/infrastructure/s3-media-storage.ts';
import { createS3Client } from '@chirp/common/object-storage';
import { makeTweetUseCases } from '../src/use-cases/tweet-use-cases.ts';

const { values } = parseArgs({
  options: {
    tweets: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '300' },
    creates: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    keep: { type: 'boolean', default: false },
  },
});
const tweets = Number(values.tweets);
const rounds = Number(values.rounds);
const creates = Number(values.creates);
const concurrency = Number(values.concurrency);
const BATCH = 20;
const AUTHORS = 1000;
const adminUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!adminUrl || !redisUrl) throw new Error('DATABASE_URL and REDIS_URL must be set; source .stack/env after `scripts/stack.sh up postgres redis`');

const dbName = `chirp_bench_tweets_${tweets}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount !== 1) await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: concurrency + 4 });
await runMigrations(pool, TWEET_MIGRATIONS);

// Seeded ids sit far below the generator's, so created tweets never collide with them.
const FIRST_ID = 1_000_000;
const seeded = await pool.query<{ n: string }>('SELECT count(*) AS n FROM tweets WHERE id < $1', [FIRST_ID + tweets + 1]);
if (Number(seeded.rows[0]!.n) !== tweets) {
  const started = performance.now();
  process.stdout.write(`seeding ${tweets.toLocaleString('en')} tweets by ${AUTHORS} authors... `);
  await pool.query('TRUNCATE tweets, authors, likes, idempotency_keys, outbox CASCADE');
  await pool.query(
    `INSERT INTO authors (id, handle, display_name, profile_version) SELECT g, 'author_' || g, 'Author ' || g, 1 FROM generate_series(1, $1::int) AS g`,
    [AUTHORS],
  );
  await pool.query(
    `INSERT INTO tweets (id, author_id, text, created_at, hashtags, mentions, like_count)
     SELECT $2::bigint + g, 1 + g % $3, 'Tweet number ' || g || ' about #chirp and things @author_' || (1 + (g * 7) % $3),
            now() - make_interval(secs => $1 - g), ARRAY['chirp'], ARRAY['author_' || (1 + (g * 7) % $3)], g % 50
     FROM generate_series(1, $1::int) AS g`,
    [tweets, FIRST_ID, AUTHORS],
  );
  await pool.query('VACUUM ANALYZE tweets');
  await pool.query('VACUUM ANALYZE authors');
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const prefix = `bench:${Date.now().toString(36)}:`;
const redis = new Redis(redisUrl, { keyPrefix: prefix });
const useCases = makeTweetUseCases({
  tweets: createPgTweetStore(pool),
  cache: createRedisTweetCache(redis, { ttlSeconds: 600, log: createLogger('bench', 'warn') }),
  ids: createIdGenerator({ workerId: 900 }),
  clock: systemClock,
  // Reads only: the bucket is never called.
  media: createPgMediaStore(pool),
  storage: createS3MediaStorage(createS3Client({ region: 'us-east-1' }), { bucket: 'chirp-media', publicBaseUrl: 'http://media.invalid' }),
  images: createImageSizeInspector(),
  uploadExpirySeconds: 900,
  verifyIntervalMs: 1000,
});
const app = buildApp({ config: { LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: 16384 }, readiness: { postgres: () => pool.query('SELECT 1') }, useCases });

const quantile = (samples: number[], q: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
const randomIds = () => Array.from({ length: BATCH }, () => String(FIRST_ID + 1 + randomInt(tweets)));
const batchGet = async (ids: string[]) => {
  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: '/v1/tweets/batch', payload: { ids } });
  const elapsed = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`batch get answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
  return elapsed;
};

// Cold: the ids' tweet and author entries are evicted first, so every one is a miss served by one Postgres query.
// Cached: the same ids again, straight after. Rounds interleave the two, so drift hits both alike.
const timings = { cold: [] as number[], cached: [] as number[] };
for (let round = -20; round < rounds; round += 1) {
  const ids = randomIds();
  const authorIds = await pool.query<{ author_id: string }>('SELECT DISTINCT author_id FROM tweets WHERE id = ANY($1::bigint[])', [ids]);
  await redis.del(...ids.map((id) => `tweet:${id}`), ...authorIds.rows.map((row) => `author:${row.author_id}`));
  const cold = await batchGet(ids);
  const cached = await batchGet(ids);
  if (round >= 0) {
    timings.cold.push(cold);
    timings.cached.push(cached);
  }
}
console.log(`\nbatch get of ${BATCH} ids from ${tweets.toLocaleString('en')} tweets, ${rounds} rounds (HTTP app + Postgres + Redis, in process)`);
for (const [name, samples] of Object.entries(timings)) {
  console.log(`  ${name.padEnd(6)} median ${quantile(samples, 0.5).toFixed(2)} ms   p90 ${quantile(samples, 0.9).toFixed(2)} ms`);
}
console.log(`  cold / cached median ratio: ${(quantile(timings.cold, 0.5) / quantile(timings.cached, 0.5)).toFixed(2)}`);

// Creation: `concurrency` clients posting back to back, each answer after its commit.
await pool.query('TRUNCATE outbox');
const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < creates) {
      const n = (next += 1);
      const author = 1 + (n % AUTHORS);
      const begun = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: `/v1/users/${author}/tweets`,
        payload: { text: `Benchmark tweet ${n} with #chirp and @author_${1 + ((n * 3) % AUTHORS)}`, authorHandle: `author_${author}` },
        headers: { 'idempotency-key': `bench-${prefix}-${n}` },
      });
      latencies.push(performance.now() - begun);
      if (response.statusCode !== 201) throw new Error(`create answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const outboxRows = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND type = 'tweet.created'`);
console.log(`\ntweet creation, ${creates.toLocaleString('en')} tweets, ${concurrency} at a time, each with an Idempotency-Key and its outbox row`);
console.log(`  rate ${(creates / seconds).toFixed(0)} tweets/s   median ${quantile(latencies, 0.5).toFixed(2)} ms   p90 ${quantile(latencies, 0.9).toFixed(2)} ms`);
console.log(`  outbox rows waiting for the relay: ${outboxRows.rows[0]!.n}`);

await app.close();
// KEYS patterns are not prefixed by ioredis; the names it returns are whole.
const keys = await redis.keys(`${prefix}*`);
if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
redis.disconnect();
await pool.end();
if (!values.keep) {
  const dropper = new pg.Client({ connectionString: adminUrl });
  await dropper.connect();
  // The pool's backends end a moment after pool.end(); a forced drop before then would cut them mid-goodbye.
  for (let wait = 0; wait < 100; wait += 1) {
    const open = await dropper.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [dbName]);
    if (open.rows[0]!.n === '0') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await dropper.end();
}
