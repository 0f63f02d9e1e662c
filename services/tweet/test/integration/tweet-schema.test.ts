// The schema decisions the tweet store will rely on, checked on the real server.
import { runMigrations } from '@chirp/common/pg-migrations';
import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWEET_MIGRATIONS } from '../../src/infrastructure/migrations.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: TWEET_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
});

const insert = (id: number, text: string, hashtags: string[] = [], deleted = false) =>
  db.pool.query(`INSERT INTO tweets (id, author_id, text, created_at, hashtags, deleted_at) VALUES ($1, 1, $2, now(), $3, $4)`, [
    id,
    text,
    hashtags,
    deleted ? new Date() : null,
  ]);

const search = async (words: string[], hashtags: string[] = []) => {
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT id FROM tweets
     WHERE deleted_at IS NULL
       AND (cardinality($1::text[]) = 0 OR words @@ array_to_string(array(SELECT quote_literal(w) FROM unnest($1::text[]) AS w), ' & ')::tsquery)
       AND hashtags @> $2::text[]
     ORDER BY id DESC`,
    [words, hashtags],
  );
  return rows.map((row) => Number(row.id));
};

describe('tweet schema', () => {
  it('when the migrations run again, then nothing is applied', async () => {
    expect(await runMigrations(db.pool, TWEET_MIGRATIONS)).toEqual([]);
  });

  it('when searching words, then whole words match without regard to case, unstemmed, and deleted tweets never', async () => {
    await insert(1, 'Running with COFFEE');
    await insert(2, 'coffeehouse run');
    await insert(3, 'coffee, deleted', [], true);
    await insert(4, 'the morning coffee', ['morning']);
    expect(await search(['coffee'])).toEqual([4, 1]);
    expect(await search(['run'])).toEqual([2]);
    expect(await search(['the', 'coffee'])).toEqual([4]);
    expect(await search([], ['morning'])).toEqual([4]);
    expect(await search(['coffee'], ['morning'])).toEqual([4]);
  });

  it('when the reply target does not exist, then the row is refused', async () => {
    await expect(db.pool.query(`INSERT INTO tweets (id, author_id, text, created_at, reply_to_id) VALUES (10, 1, 'x', now(), 999)`)).rejects.toMatchObject({
      code: '23503',
    });
  });
});
