// `node src/migrate.ts`: applies pending migrations and exits (a Kubernetes Job or compose one-shot).
import { runMigrationCommand } from '@chirp/common/pg-migrations';
import { NOTIFICATION_MIGRATIONS } from './infrastructure/migrations.ts';

await runMigrationCommand('notification', NOTIFICATION_MIGRATIONS);
