// A follow's write in the user service's Postgres: a transaction of its statements in turn (before
// #16's cut: BEGIN, the follow with its pair's lock and both counts, the outbox row, COMMIT), or
// one statement that is its own transaction, the event's sequence filled in by it (as shipped),
// interleaved.
//   node services/user/bench/follow-write.ts [--follows 2000] [--rounds 7] [--users 300]
// Every follow is of a new pair, as the seeding's are. One pooled connection, so one Postgres
// backend: per follow, the CPU of this process and of that backend (/proc, so Postgres must run
// on this machine) and the wall time; medians of the rounds and the per-round ratio. Needs the
// local stack's .stack/env.
import { parseArgs } from 'node:util';
import { appendToOutbox } from '@chirp/common/outbox';
import { PreparingClient } from '@chirp/common/pg-prepared';
import { withTransaction } from '@chirp/common/pg-transaction';
import { runMigrations } from '@chirp/common/pg-migrations';
import { createEvent } from '@chirp/kernel/events';
import { createIdGenerator } from '@chirp/kernel/ids';
import { USER_EVENTS_TOPIC, UserFollowed } from '@chirp/kernel/user-events';
import { interleavedCosts, printBeforeAfter } from '@chirp/testing/cpu-counters';
import { createTestDatabase } from '@chirp/testing/stack';
import pg from 'pg';
import { USER_MIGRATIONS } from '../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../src/infrastructure/pg-user-store.ts';
import type { NewFollow } from '../src/use-cases/ports.ts';

const { values } = parseArgs({
  options: {
    follows: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
    users: { type: 'string', default: '300' },
  },
});
const [follows, rounds, userCount] = [Number(values.follows), Number(values.rounds), Number(values.users)];
const warmUp = 200;
const needed = 2 * rounds * (follows + warmUp);
if (userCount * (userCount - 1) < needed) throw new Error(`--users ${userCount} gives ${userCount * (userCount - 1)} pairs; ${needed} follows need more`);

const db = await createTestDatabase();
// One connection, so every statement runs on the backend whose CPU is counted.
const pool = new pg.Pool({ Client: PreparingClient, connectionString: db.url, max: 1 });
await runMigrations(pool, USER_MIGRATIONS);
const store = createPgUserStore(pool);
const ids = createIdGenerator({ workerId: 1006 });
const users = Array.from({ length: userCount }, (_, i) => ({
  id: ids.next(),
  handle: `follower${i}`,
  displayName: `follower${i}`,
  bio: '',
  createdAt: new Date(),
  followersCount: 0,
  followingCount: 0,
  tweetCount: 0,
  avatarUrl: null,
}));
await store.transaction(async (tx) => {
  for (const user of users) await tx.insertUser(user, 'not a hash');
});
const backendPid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

/** The next pair never followed before, both variants drawing from one walk of all pairs; its follow as the use case makes it. */
let drawn = 0;
const aFollow = (): NewFollow => {
  const k = drawn++;
  const [followerIndex, other] = [Math.floor(k / (userCount - 1)), k % (userCount - 1)];
  const follower = users[followerIndex]!;
  const followee = users[other >= followerIndex ? other + 1 : other]!;
  const at = new Date();
  return {
    followerId: follower.id,
    followeeId: followee.id,
    at,
    announce: (sequence) =>
      createEvent(UserFollowed, { followerId: follower.id, followeeId: followee.id, sequence, followedAt: at.toISOString() }, { occurredAt: at }),
  };
};

/** Before the cut: the transaction the follow use case ran, a statement at a time. */
async function inTurn(): Promise<void> {
  const { followerId, followeeId, at, announce } = aFollow();
  await withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ sequence: string }>(
      `WITH pair AS (SELECT pg_advisory_xact_lock(hashtextextended('follows:' || $1::bigint || ':' || $2::bigint, 0))),
       changed AS (
         INSERT INTO follows (follower_id, followee_id, sequence, created_at)
         SELECT $1, $2, nextval('follow_changes'), $3 FROM pair
         ON CONFLICT DO NOTHING RETURNING sequence),
       counted AS (
         UPDATE users SET
           following_count = following_count + 1 * (id = $1)::int,
           followers_count = followers_count + 1 * (id = $2)::int
         WHERE id IN (SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE)
           AND EXISTS (SELECT 1 FROM changed))
       SELECT sequence FROM changed`,
      [followerId, followeeId, at],
    );
    const sequence = rows[0]?.sequence;
    if (sequence === undefined) throw new Error(`pair ${followerId} → ${followeeId} was followed before`);
    await appendToOutbox(client, USER_EVENTS_TOPIC, [announce(sequence)]);
  });
}
/** As shipped: the store's one statement. */
async function oneStatement(): Promise<void> {
  const follow = aFollow();
  if ((await store.follow(follow)) === undefined) throw new Error(`pair ${follow.followerId} → ${follow.followeeId} was followed before`);
}

const variants = { 'a transaction, statement by statement': inTurn, 'one statement': oneStatement };
const results = await interleavedCosts(variants, { rounds, calls: follows, warmUp, serverPid: backendPid });
// Each event names its own pair's follow by the sequence that follow drew (a stand-in left in
// place would name another pair's), and every follow moved both counts once.
const { rows } = await pool.query<{ follows: number; events: number; sequenced: number; followers: number; following: number }>(
  `SELECT (SELECT count(*)::int FROM follows) AS follows, (SELECT count(*)::int FROM outbox WHERE type = 'user.followed') AS events,
          (SELECT count(*)::int FROM outbox o JOIN follows f ON f.sequence = (o.payload->>'sequence')::bigint
             AND f.follower_id = (o.payload->>'followerId')::bigint AND f.followee_id = (o.payload->>'followeeId')::bigint) AS sequenced,
          (SELECT sum(followers_count)::int FROM users) AS followers, (SELECT sum(following_count)::int FROM users) AS following`,
);
const stored = rows[0]!;
if (Object.values(stored).some((count) => count !== needed)) {
  throw new Error(`stored ${JSON.stringify(stored)}, expected ${needed} of each: a variant did not write its follows, events with their own sequences, or both counts`);
}

printBeforeAfter(results, { process: 'this process', server: 'Postgres', per: 'follow', rounds, calls: follows, comparison: 'one statement vs a transaction' });
await pool.end();
await db.drop();
