// A post's writes in the tweet service's Postgres: the author's stand-in and the tweet as two
// INSERTs in turn (before #16's cut, commit 0e3e49e), or as one (as shipped), interleaved.
//   node services/tweet/bench/post-statements.ts [--posts 2000] [--rounds 7] [--authors 100]
// Each post is its own transaction (BEGIN … COMMIT, as the create use case's, less its outbox
// write, which both variants make alike) by one of `authors` authors already stored, as in a
// running service. One pooled connection, so one Postgres backend: per post, the CPU of this
// process (process.cpuUsage) and of that backend (/proc/PID/stat, so Postgres must run on this
// machine), and the wall time; medians of the rounds and the per-round ratio. Needs the local
// stack's .stack/env.
import { parseArgs } from 'node:util';
import { PreparingClient } from '@chirp/common/pg-prepared';
import { withTransaction } from '@chirp/common/pg-transaction';
import { runMigrations } from '@chirp/common/pg-migrations';
import { createIdGenerator } from '@chirp/kernel/ids';
import { interleavedCosts, printBeforeAfter } from '@chirp/testing/cpu-counters';
import { createTestDatabase } from '@chirp/testing/stack';
import pg from 'pg';
import type { Tweet } from '../src/domain/tweet.ts';
import { searchTermsOf } from '../src/domain/tweet-text.ts';
import { TWEET_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createPgTweetStore } from '../src/infrastructure/pg-tweet-store.ts';

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '7' }, authors: { type: 'string', default: '100' } },
});
const [posts, rounds, authorCount] = [Number(values.posts), Number(values.rounds), Number(values.authors)];

const db = await createTestDatabase();
// One connection, so every statement runs on the backend whose CPU is counted.
const pool = new pg.Pool({ Client: PreparingClient, connectionString: db.url, max: 1 });
await runMigrations(pool, TWEET_MIGRATIONS);
const store = createPgTweetStore(pool);
const ids = createIdGenerator({ workerId: 1004 });
const authors = Array.from({ length: authorCount }, (_, i) => ({ id: ids.next(), handle: `author${i}`, displayName: `author${i}` }));
await pool.query('INSERT INTO authors (id, handle, display_name, profile_version) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[])', [
  authors.map((a) => a.id),
  authors.map((a) => a.handle),
  authors.map((a) => a.displayName),
  authors.map(() => 1),
]);
const backendPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

const aTweet = (call: number): Tweet => ({
  id: ids.next(),
  authorId: authors[Math.abs(call) % authorCount]!.id,
  text: `post ${call}: about a hundred characters of text, with a #hashtag and an @mention, as the benchmark posts`,
  createdAt: new Date(),
  replyToId: null,
  hashtags: ['hashtag'],
  mentions: ['mention'],
  likeCount: 0,
  replyCount: 0,
  media: [],
});

/** Before the cut: the stand-in's INSERT, then the tweet's, each a round trip. */
async function twoInserts(call: number): Promise<void> {
  const tweet = aTweet(call);
  const author = authors[Math.abs(call) % authorCount]!;
  await withTransaction(pool, async (client) => {
    await client.query('INSERT INTO authors (id, handle, display_name, profile_version) VALUES ($1, $2, $3, 0) ON CONFLICT (id) DO NOTHING', [
      author.id,
      author.handle,
      author.displayName,
    ]);
    await client.query(
      `INSERT INTO tweets (id, author_id, text, created_at, reply_to_id, hashtags, mentions, words, media)
       VALUES ($1, $2, $3, $4, $5, $6, $7, array_to_tsvector($8::text[]), $9::jsonb)`,
      [tweet.id, tweet.authorId, tweet.text, tweet.createdAt, tweet.replyToId, tweet.hashtags, tweet.mentions, searchTermsOf(tweet.text), JSON.stringify(tweet.media)],
    );
  });
}
/**
 * As shipped: the store's one statement. Since post-write.ts's cut it also carries the post's
 * outbox rows (none here, but the empty INSERT and the NOTIFY are still paid), so against commit
 * 0e3e49e's figures this variant now reads a little dearer than the one INSERT it measured.
 */
async function oneInsert(call: number): Promise<void> {
  const tweet = aTweet(call);
  await store.transaction((tx) => tx.insertTweet({ tweet, standIn: authors[Math.abs(call) % authorCount]!, events: [] }));
}

const variants = { 'two INSERTs in turn': twoInserts, 'one INSERT': oneInsert };
const results = await interleavedCosts(variants, { rounds, calls: posts, warmUp: 200, serverPid: backendPid });
const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tweets');
const expected = 2 * rounds * (posts + 200);
if (rows[0]!.n !== expected) throw new Error(`${rows[0]!.n} tweets stored, expected ${expected}: a variant did not write its posts`);

printBeforeAfter(results, { process: 'this process', server: 'Postgres', per: 'post', rounds, calls: posts, comparison: 'one INSERT vs two' });
await pool.end();
await db.drop();
