import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { runMigrations } from '@chirp/common/pg-migrations';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { USER_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../../src/infrastructure/pg-user-store.ts';
import { userStoreContract } from '../contract/user-store.contract.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrations: USER_MIGRATIONS });
});
afterAll(async () => {
  await db.drop();
});

userStoreContract('Postgres', async () => createPgUserStore(db.pool));

it('when the migrations run a second time, then nothing is applied and the schema stands', async () => {
  expect(await runMigrations(db.pool, USER_MIGRATIONS)).toEqual([]);
  const { rows } = await db.pool.query<{ name: string }>("SELECT name FROM schema_migrations WHERE source = 'user' ORDER BY version");
  expect(rows.map((row) => row.name)).toEqual(['001_users.sql']);
});
