import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { NOTIFICATION_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgNotificationStore, createPgUserDirectory } from '../../src/infrastructure/pg-notification-store.ts';
import { notificationStoreContract, userDirectoryContract } from '../contract/notification-store.contract.ts';
import { aCandidate, anIdSource } from '../fixtures/builders.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: NOTIFICATION_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
});
// The suite uses fixed ids: every case starts from empty tables.
const truncate = () => db.pool.query('TRUNCATE notifications, notification_reads, deleted_tweets, known_users, held_mentions');
beforeEach(truncate);

notificationStoreContract('Postgres', async () => createPgNotificationStore(db.pool));
userDirectoryContract('Postgres', async () => createPgUserDirectory(db.pool));

it('when a create and a delete of one tweet race many times, then no notification of the deleted tweet survives', async () => {
  const store = createPgNotificationStore(db.pool);
  const ids = anIdSource();
  for (let i = 0; i < 30; i += 1) {
    const tweetId = String(90_000 + i);
    await Promise.all([store.add([aCandidate({ tweetId, type: 'mention' }), aCandidate({ tweetId, recipientId: '1005', type: 'reply' })], ids), store.forgetTweet(tweetId, new Date())]);
  }
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications');
  expect(rows[0]?.n).toBe(0);
});

it('when a user has 50,000 notifications, then unread-count reads at most the cap of index entries, and a page reads only its rows', async () => {
  await db.pool.query(
    `INSERT INTO notifications (id, recipient_id, type, actor_id, tweet_id, created_at)
     SELECT g, 4242, 'like', 7, g, now() FROM generate_series(1, 50000) AS g`,
  );
  await db.pool.query('ANALYZE notifications');
  const plan = async (sql: string, params: unknown[]) =>
    JSON.stringify((await db.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)).rows[0]!['QUERY PLAN']);
  const count = await plan(
    `SELECT count(*) FROM (SELECT 1 FROM notifications WHERE recipient_id = $1 AND id > COALESCE((SELECT read_up_to FROM notification_reads WHERE recipient_id = $1), 0) LIMIT $2) AS u`,
    ['4242', 1000],
  );
  const rowsRead = [...count.matchAll(/"Relation Name":"notifications"[^}]*?"Actual Rows":(\d+)/g)].map((m) => Number(m[1]));
  expect(rowsRead.length).toBeGreaterThan(0);
  expect(Math.max(...rowsRead)).toBeLessThanOrEqual(1000);
  expect(await createPgNotificationStore(db.pool).countUnread('4242', 1000)).toBe(1000);
  const typed = await plan(
    `SELECT n.* FROM unnest($2::text[]) AS wanted(type) CROSS JOIN LATERAL (
       SELECT id FROM notifications WHERE recipient_id = $1 AND type = wanted.type AND id < $3 ORDER BY id DESC LIMIT $4) AS n ORDER BY n.id DESC LIMIT $4`,
    ['4242', ['mention', 'like'], '9223372036854775807', 21],
  );
  expect(typed).not.toContain('Seq Scan');
  expect(Math.max(...[...typed.matchAll(/"Actual Rows":(\d+)/g)].map((m) => Number(m[1])))).toBeLessThanOrEqual(21);
});
