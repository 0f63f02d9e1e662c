import { type MigrationSource, OUTBOX_MIGRATIONS } from '@chirp/common/pg-migrations';
import { WORKER_LEASE_MIGRATIONS } from '@chirp/common/worker-lease';

/** The outbox and worker-lease tables first, then the user service's own numbered files in services/user/migrations. */
export const USER_MIGRATIONS: readonly MigrationSource[] = [
  OUTBOX_MIGRATIONS,
  WORKER_LEASE_MIGRATIONS,
  { name: 'user', dir: new URL('../../migrations/', import.meta.url).pathname },
];
