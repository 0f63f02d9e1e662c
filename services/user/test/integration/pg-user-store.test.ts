import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { eventually } from '@chirp/testing/eventually';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { USER_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../../src/infrastructure/pg-user-store.ts';
import { aFollow, aUser, userStoreContract } from '../contract/user-store.contract.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: USER_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
});

userStoreContract(
  'Postgres',
  async () => createPgUserStore(db.pool),
  async (_store, eventId) => (await db.pool.query<{ payload: unknown }>('SELECT payload FROM outbox WHERE event_id = $1', [eventId])).rows[0]?.payload,
);

it('when a transaction reads a user, then it uses its own connection: with a pool of one it does not wait on itself', async () => {
  const one = new pg.Pool({ connectionString: db.url, max: 1, connectionTimeoutMillis: 1000 });
  try {
    const user = aUser();
    const store = createPgUserStore(one);
    await store.transaction((tx) => tx.insertUser(user, 'hash'));
    expect(await store.transaction(async (tx) => (await tx.lockRefreshToken('00')) ?? (await tx.readUser(user.id)))).toEqual(user);
  } finally {
    await one.end();
  }
});

it('when a deletion waits on the creation it undoes, then it counts from the committed count, not from its older snapshot', async () => {
  const store = createPgUserStore(db.pool);
  const author = aUser();
  await store.transaction((tx) => tx.insertUser(author, 'hash'));
  const creating = await db.pool.connect();
  try {
    // A creation caught between its two writes: the tally row is locked, the count not yet committed.
    await creating.query('BEGIN');
    await creating.query('INSERT INTO tweet_tallies (tweet_id, author_id, created) VALUES (5000001, $1, true)', [author.id]);
    await creating.query('UPDATE users SET tweet_count = tweet_count + 1 WHERE id = $1', [author.id]);
    const deletion = store.recordTweetDeleted('5000001', author.id);
    await eventually(async () => {
      const { rows } = await db.pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return rows[0]!.waiting === 1;
    }, 'deletion waiting on the tally row');
    await creating.query('COMMIT');
    await deletion;
  } finally {
    creating.release();
  }
  expect((await store.findById(author.id))?.tweetCount).toBe(0);
  const { rows } = await db.pool.query('SELECT created, deleted FROM tweet_tallies WHERE tweet_id = 5000001');
  expect(rows).toEqual([{ created: true, deleted: true }]);
});

/** Two users, `fan` following `star` when `following`. */
async function aPair(store: ReturnType<typeof createPgUserStore>, following: boolean) {
  const [fan, star] = [aUser(), aUser()];
  await store.transaction(async (tx) => {
    await tx.insertUser(fan, 'hash');
    await tx.insertUser(star, 'hash');
  });
  if (following) await store.follow(aFollow(fan.id, star.id));
  return { fan, star };
}

type PairChange = 'follow' | 'unfollow';

/**
 * `first` runs and holds its transaction open (with the pair's lock); `second` starts and waits
 * on that lock; then `first` commits. Resolves to both changes' sequences.
 */
async function raceOnPair(store: ReturnType<typeof createPgUserStore>, pair: { fan: { id: string }; star: { id: string } }, first: PairChange, second: PairChange) {
  const [fanId, starId] = [pair.fan.id, pair.star.id];
  let commit!: () => void;
  const held = new Promise<void>((resolve) => (commit = resolve));
  const change = (kind: PairChange) => (kind === 'follow' ? store.follow(aFollow(fanId, starId)) : store.transaction((tx) => tx.deleteFollow(fanId, starId)));
  const holdOpen = async (kind: PairChange): Promise<string | undefined> => {
    if (kind === 'unfollow') {
      return store.transaction(async (tx) => {
        const sequence = await tx.deleteFollow(fanId, starId);
        await held;
        return sequence;
      });
    }
    // A follow is one statement, its own transaction: held open here by running it inside one,
    // on a store whose only connection is this client.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const sequence = await createPgUserStore(client as unknown as pg.Pool).follow(aFollow(fanId, starId));
      await held;
      await client.query('COMMIT');
      return sequence;
    } catch (error) {
      // Not back to the pool inside an aborted transaction, where it would fail the next test.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const holding = holdOpen(first);
  // pg_locks is the whole server's: only this test's database counts.
  const pairLocks = async (granted: boolean) =>
    (
      await db.pool.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [granted],
      )
    ).rowCount;
  let waiting: Promise<string | undefined> | undefined;
  try {
    await eventually(async () => (await pairLocks(true)) === 1, 'the first change holding the pair lock');
    waiting = change(second);
    await eventually(async () => (await pairLocks(false)) === 1, 'the second change waiting on it');
  } finally {
    // Always let the first commit: a transaction left open would hold its connection past the test.
    commit();
  }
  return { first: await holding, second: await waiting };
}

/** The sequences in the fan's `user.followed` events, in the outbox's order. */
const followedSequences = async (fanId: string) =>
  (
    await db.pool.query<{ sequence: string }>(
      `SELECT payload->>'sequence' AS sequence FROM outbox WHERE type = 'user.followed' AND payload->>'followerId' = $1 ORDER BY position`,
      [fanId],
    )
  ).rows.map((row) => row.sequence);

it('when a follow of a pair waits on the same follow in flight, then once that commits it finds the row: one sequence, counts moved once, one event', async () => {
  const store = createPgUserStore(db.pool);
  const pair = await aPair(store, false);
  const { first, second } = await raceOnPair(store, pair, 'follow', 'follow');
  expect(first).toMatch(/^\d+$/);
  expect(second).toBeUndefined();
  expect(await store.findById(pair.star.id)).toMatchObject({ followersCount: 1 });
  expect(await store.findById(pair.fan.id)).toMatchObject({ followingCount: 1 });
  expect(await followedSequences(pair.fan.id)).toEqual([first]);
});

it.each([
  // The waiting change undoes the held one, so the pair ends as it started.
  { waiting: 'follow', onA: 'unfollow', following: true },
  { waiting: 'unfollow', onA: 'follow', following: false },
] as const)('when a $waiting waits on an $onA of the pair in flight, then it acts on the committed state: the later sequence, the counts to match', async ({ waiting, onA, following }) => {
  const store = createPgUserStore(db.pool);
  const pair = await aPair(store, following);
  const { first, second } = await raceOnPair(store, pair, onA, waiting);
  expect(BigInt(second!)).toBeGreaterThan(BigInt(first!));
  const count = following ? 1 : 0;
  expect(await store.followedAmong(pair.fan.id, [pair.star.id])).toEqual(new Set(following ? [pair.star.id] : []));
  expect(await store.findById(pair.star.id)).toMatchObject({ followersCount: count });
  expect(await store.findById(pair.fan.id)).toMatchObject({ followingCount: count });
  // A waiting follow's event carries the sequence it drew after the unfollow committed.
  if (waiting === 'follow') expect((await followedSequences(pair.fan.id)).at(-1)).toBe(second);
});

it('when a handle is looked up for its id, then a found id is remembered and an unknown handle is asked again', async () => {
  const store = createPgUserStore(db.pool);
  const user = aUser();
  await store.transaction((tx) => tx.insertUser(user, 'hash'));
  const asked = vi.spyOn(db.pool, 'query');
  try {
    expect(await store.idOfHandle(user.handle)).toBe(user.id);
    expect(await store.idOfHandle(user.handle.toUpperCase())).toBe(user.id);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(await store.idOfHandle('nobody_yet')).toBeUndefined();
    expect(await store.idOfHandle('nobody_yet')).toBeUndefined();
    expect(asked).toHaveBeenCalledTimes(3);
  } finally {
    asked.mockRestore();
  }
});
