import { type MigrationSource, OUTBOX_MIGRATIONS } from '@chirp/common/pg-migrations';

/** The outbox table first, then the user service's own numbered files in services/user/migrations. */
export const USER_MIGRATIONS: readonly MigrationSource[] = [
  OUTBOX_MIGRATIONS,
  { name: 'user', dir: new URL('../../migrations/', import.meta.url).pathname },
];
