// `node src/migrate.ts`: applies pending migrations and exits (a Kubernetes Job or compose one-shot).
import { runMigrations } from '@chirp/common/pg-migrations';
import { createLogger } from '@chirp/common/logging';
import pg from 'pg';
import { USER_MIGRATIONS } from './infrastructure/migrations.ts';

const log = createLogger('user-migrate', process.env.LOG_LEVEL ?? 'info');
const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  log.fatal('DATABASE_URL is not set; it names the user service database to migrate');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString, max: 1 });
try {
  const applied = await runMigrations(pool, USER_MIGRATIONS, log);
  log.info({ applied: applied.length }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
} catch (error) {
  log.fatal({ err: error }, 'migration failed; the schema is unchanged from the last file that succeeded');
  process.exitCode = 1;
} finally {
  await pool.end();
}
