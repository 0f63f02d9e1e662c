import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { eventually } from '@chirp/testing/eventually';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { USER_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../../src/infrastructure/pg-user-store.ts';
import { aUser, userStoreContract } from '../contract/user-store.contract.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: USER_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
});

userStoreContract('Postgres', async () => createPgUserStore(db.pool));

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
