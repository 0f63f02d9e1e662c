// Schema guarantees checked on the real server (searching is in the store contract, on the store's own SQL).
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

describe('tweet schema', () => {
  it('when the reply target does not exist, then the row is refused', async () => {
    await expect(db.pool.query(`INSERT INTO tweets (id, author_id, text, created_at, reply_to_id) VALUES (10, 1, 'x', now(), 999)`)).rejects.toMatchObject({
      code: '23503',
    });
  });
});
