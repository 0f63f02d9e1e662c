// `node src/migrate.ts`: applies pending migrations and exits (a Kubernetes Job or compose one-shot).
import { runMigrationCommand } from '@chirp/common/pg-migrations';
import { TWEET_MIGRATIONS } from './infrastructure/migrations.ts';

await runMigrationCommand('tweet', TWEET_MIGRATIONS);
