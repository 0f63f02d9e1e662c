import { createTestDatabase, type TestDatabase } from '@chirp/testing/stack';
import { runMigrations } from '@chirp/common/pg-migrations';
import { afterAll, beforeAll } from 'vitest';
import { USER_MIGRATIONS } from '../../src/infrastructure/migrations.ts';
import { createPgUserStore } from '../../src/infrastructure/pg-user-store.ts';
import { userStoreContract } from '../contract/user-store.contract.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await runMigrations(db.pool, USER_MIGRATIONS);
});
afterAll(async () => {
  await db.drop();
});

userStoreContract('Postgres', async () => createPgUserStore(db.pool));
