import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
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
