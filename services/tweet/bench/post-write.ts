// A post's write in the tweet service's Postgres: a transaction of its statements in turn (before
// #16's cut: BEGIN, the Idempotency-Key's claim, the tweet with its author's stand-in, the outbox
// rows, COMMIT), or one statement that is its own transaction (as shipped), interleaved.
//   node services/tweet/bench/post-write.ts [--posts 2000] [--rounds 7] [--authors 100] [--no-key]
// Posts carry an Idempotency-Key, as the seeding's do (--no-key: none, as the cost table's; then
// the old way has no claim either). One pooled connection, so one Postgres backend: per post,
// the CPU of this process and of that backend (/proc, so Postgres must run on this machine) and
// the wall time; medians of the rounds and the per-round ratio. Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { appendToOutbox } from '@chirp/common/outbox';
import { PreparingClient } from '@chirp/common/pg-prepared';
import { withTransaction } from '@chirp/common/pg-transaction';
import { runMigrations } from '@chirp/common/pg-migrations';
import { createEvent } from '@chirp/kernel/events';
import { createIdGenerator } from '@chirp/kernel/ids';
import { TWEET_EVENTS_TOPIC, TweetCreated } from '@chirp/kernel/tweet-events';
import { interleavedCosts, printBeforeAfter } from '@chirp/testing/cpu-counters';
import { createTestDatabase } from '@chirp/testing/stack';
import pg from 'pg';
import { TWEET_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createPgTweetStore, tweetRowParams } from '../src/infrastructure/pg-tweet-store.ts';
import type { NewTweet } from '../src/use-cases/ports.ts';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
    authors: { type: 'string', default: '100' },
    'no-key': { type: 'boolean', default: false },
  },
});
const [posts, rounds, authorCount, keyed] = [Number(values.posts), Number(values.rounds), Number(values.authors), !values['no-key']];

const db = await createTestDatabase();
// One connection, so every statement runs on the backend whose CPU is counted.
const pool = new pg.Pool({ Client: PreparingClient, connectionString: db.url, max: 1 });
await runMigrations(pool, TWEET_MIGRATIONS);
const store = createPgTweetStore(pool);
const ids = createIdGenerator({ workerId: 1005 });
const authors = Array.from({ length: authorCount }, (_, i) => ({ id: ids.next(), handle: `author${i}`, displayName: `author${i}` }));
const backendPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

/** Post `call` of `round` as the create use case makes it: a fresh key per post, so every claim is won. */
const aPost = (call: number, round: number): NewTweet => {
  const author = authors[Math.abs(call) % authorCount]!;
  const now = new Date();
  const id = ids.next();
  const text = `post ${call}: about a hundred characters of text, with a #hashtag and an @mention, as the benchmark posts`;
  const tweet = { id, authorId: author.id, text, createdAt: now, replyToId: null, hashtags: ['hashtag'], mentions: ['mention'], likeCount: 0, replyCount: 0, media: [] };
  const event = createEvent(
    TweetCreated,
    { tweetId: id, authorId: author.id, createdAt: now.toISOString(), replyToId: null, replyToAuthorId: null, mentions: ['mention'], hashtags: ['hashtag'] },
    { occurredAt: now },
  );
  const post = { tweet, standIn: author, events: [event] };
  return keyed ? { ...post, claim: { key: `bench-${round}-${call}-${id}`, at: now, notBefore: new Date(now.getTime() - 86_400_000) } } : post;
};

/** Before the cut: the transaction the create use case ran for every post, a statement at a time. */
async function inTurn(call: number, round: number): Promise<void> {
  const { tweet, standIn, events, claim } = aPost(call, round);
  await withTransaction(pool, async (client) => {
    if (claim) {
      await client.query(
        `INSERT INTO idempotency_keys AS k (author_id, key, tweet_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (author_id, key) DO UPDATE SET tweet_id = EXCLUDED.tweet_id, created_at = EXCLUDED.created_at
         WHERE k.created_at < $5
         RETURNING 1`,
        [tweet.authorId, claim.key, tweet.id, claim.at, claim.notBefore],
      );
    }
    await client.query(
      `WITH stand_in AS (
         INSERT INTO authors (id, handle, display_name, profile_version) VALUES ($2, $10, $11, 0) ON CONFLICT (id) DO NOTHING)
       INSERT INTO tweets (id, author_id, text, created_at, reply_to_id, hashtags, mentions, words, media)
       VALUES ($1, $2, $3, $4, $5, $6, $7, array_to_tsvector($8::text[]), $9::jsonb)`,
      tweetRowParams(tweet, standIn),
    );
    await appendToOutbox(client, TWEET_EVENTS_TOPIC, events);
  });
}
/** As shipped: the store's one write. */
async function oneStatement(call: number, round: number): Promise<void> {
  const { replayOf } = await store.insertTweet(aPost(call, round));
  if (replayOf !== undefined) throw new Error(`post ${call} lost its fresh key's claim to tweet ${replayOf}`);
}

const variants = { 'a transaction, statement by statement': inTurn, 'one statement': oneStatement };
const results = await interleavedCosts(variants, { rounds, calls: posts, warmUp: 200, serverPid: backendPid });
const { rows } = await pool.query<{ tweets: number; events: number; keys: number }>(
  'SELECT (SELECT count(*)::int FROM tweets) AS tweets, (SELECT count(*)::int FROM outbox) AS events, (SELECT count(*)::int FROM idempotency_keys) AS keys',
);
const expected = 2 * rounds * (posts + 200);
if (rows[0]!.tweets !== expected || rows[0]!.events !== expected || rows[0]!.keys !== (keyed ? expected : 0)) {
  throw new Error(`stored ${JSON.stringify(rows[0])}, expected ${expected} tweets and events${keyed ? ' and keys' : ''}: a variant did not write its posts`);
}

printBeforeAfter(results, { process: 'this process', server: 'Postgres', per: `post${keyed ? ' with a key' : ''}`, rounds, calls: posts, comparison: 'one statement vs a transaction' });
await pool.end();
await db.drop();
