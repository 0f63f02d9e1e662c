import type { MigrationSource } from '@chirp/common/pg-migrations';
import { WORKER_LEASE_MIGRATIONS } from '@chirp/common/worker-lease';

/** The worker-lease table first (ids are Snowflakes), then the service's own numbered files in services/notification/migrations. No outbox: it publishes no events. */
export const NOTIFICATION_MIGRATIONS: readonly MigrationSource[] = [
  WORKER_LEASE_MIGRATIONS,
  { name: 'notification', dir: new URL('../../migrations/', import.meta.url).pathname },
];
