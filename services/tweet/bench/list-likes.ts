// A user timeline's page as a signed-in viewer reads it from the tweet service's Postgres: the
// author's ids, then the viewer's likes among them (before #16's cut), or both in the list's one
// statement (as shipped), interleaved.
//   node services/tweet/bench/list-likes.ts [--reads 2000] [--rounds 7] [--authors 100] [--page 11]
// `authors` authors with 50 tweets each; the viewer likes every third. Each read is one page of
// `page` ids (a page of 10 and the one that says whether more follow) of one author in turn, on
// one pooled connection, so one Postgres backend: per read, the CPU of this process
// (process.cpuUsage) and of that backend (/proc/PID/stat, so Postgres must run on this machine),
// and the wall time; medians of the rounds and the per-round ratio. Needs the local stack's .stack/env.
import { parseArgs } from 'node:util';
import { PreparingClient } from '@chirp/common/pg-prepared';
import { runMigrations } from '@chirp/common/pg-migrations';
import { createIdGenerator } from '@chirp/kernel/ids';
import { interleavedCosts, printBeforeAfter } from '@chirp/testing/cpu-counters';
import { createTestDatabase } from '@chirp/testing/stack';
import pg from 'pg';
import { TWEET_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createPgTweetStore } from '../src/infrastructure/pg-tweet-store.ts';

const { values } = parseArgs({
  options: {
    reads: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
    authors: { type: 'string', default: '100' },
    page: { type: 'string', default: '11' },
  },
});
const [reads, rounds, authorCount, pageSize] = [Number(values.reads), Number(values.rounds), Number(values.authors), Number(values.page)];
const TWEETS_EACH = 50;

const db = await createTestDatabase();
const pool = new pg.Pool({ Client: PreparingClient, connectionString: db.url, max: 1 });
await runMigrations(pool, TWEET_MIGRATIONS);
const store = createPgTweetStore(pool);
const ids = createIdGenerator({ workerId: 1005 });
const viewer = ids.next();
const authors = Array.from({ length: authorCount }, () => ids.next());
const tweets = authors.flatMap((author) => Array.from({ length: TWEETS_EACH }, () => ({ id: ids.next(), author })));
await pool.query(`INSERT INTO authors (id, handle, display_name, profile_version) SELECT a, 'author' || a, 'author', 1 FROM unnest($1::bigint[]) AS a`, [authors]);
await pool.query(
  `INSERT INTO tweets (id, author_id, text, created_at, hashtags, mentions, words, media)
   SELECT t.id, t.author, 'a tweet', now(), '{}', '{}', ''::tsvector, '[]' FROM unnest($1::bigint[], $2::bigint[]) AS t (id, author)`,
  [tweets.map((t) => t.id), tweets.map((t) => t.author)],
);
const liked = tweets.filter((_, i) => i % 3 === 0).map((t) => t.id);
await pool.query(`INSERT INTO likes (tweet_id, user_id, created_at) SELECT t, $2, now() FROM unnest($1::bigint[]) AS t`, [liked, viewer]);
await pool.query('ANALYZE');
const backendPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

const authorOf = (call: number) => Math.abs(call) % authorCount;
/** How many of an author's newest `pageSize` tweets the viewer likes (every third tweet overall). */
const likesOnPage = (author: number) =>
  Array.from({ length: pageSize }, (_, k) => author * TWEETS_EACH + TWEETS_EACH - 1 - k).filter((i) => i % 3 === 0).length;
const expectedLikes = authors.map((_, author) => likesOnPage(author));
/** Both variants read the same pages, so each must find the likes seeded. */
const check = (call: number, found: number) => {
  if (found !== expectedLikes[authorOf(call)]) throw new Error(`call ${call} found ${found} likes, expected ${expectedLikes[authorOf(call)]}: a variant read the wrong likes`);
};
/** Before the cut: the list's statement, then likedAmong's, each a round trip. */
async function listThenLikes(call: number): Promise<void> {
  const page = await store.listByAuthor(authors[authorOf(call)]!, undefined, pageSize);
  check(call, (await store.likedAmong(viewer, page.ids)).size);
}
/** As shipped: the list names the viewer, and its one statement says which of its ids they like. */
async function listWithLikes(call: number): Promise<void> {
  check(call, (await store.listByAuthor(authors[authorOf(call)]!, undefined, pageSize, viewer)).likedByViewer!.size);
}

const variants = { 'list, then likedAmong': listThenLikes, 'list with the likes': listWithLikes };
const results = await interleavedCosts(variants, { rounds, calls: reads, warmUp: 200, serverPid: backendPid });
printBeforeAfter(results, { process: 'this process', server: 'Postgres', per: 'page', rounds, calls: reads, comparison: 'one statement vs two' });
await pool.end();
await db.drop();
