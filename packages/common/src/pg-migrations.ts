import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg, { type Pool } from 'pg';
import type { Logger } from 'pino';
import { type Static, Type } from '@sinclair/typebox';
import { ConfigError, HttpServerConfig, loadConfig, PostgresConfig } from './config.ts';
import { createLogger } from './logging.ts';

/** What the `migrate` command reads: through the schema like every setting, so a bad one fails by name. */
const MigrationCommandConfig = Type.Object({ DATABASE_URL: PostgresConfig.DATABASE_URL, LOG_LEVEL: HttpServerConfig.LOG_LEVEL });

/** A folder of numbered SQL files (`001_init.sql`, `002_...sql`), applied in order under its own name. */
export interface MigrationSource {
  name: string;
  dir: string;
}

/** The outbox table every service with an outbox applies before its own migrations. */
export const OUTBOX_MIGRATIONS: MigrationSource = {
  name: 'outbox',
  dir: new URL('../migrations/outbox/', import.meta.url).pathname,
};

const FILE_PATTERN = /^(\d+)_[a-z0-9_]+\.sql$/;
// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK_KEY = 7_270_001;

/**
 * Applies the files not yet applied, each in its own transaction, under an advisory
 * lock so concurrent start-ups take turns. Running it twice changes nothing. A file
 * changed after it was applied stops the run: migrations are append-only.
 */
export async function runMigrations(pool: Pool, sources: readonly MigrationSource[], log?: Logger): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      source text NOT NULL, version integer NOT NULL, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, version))`);
    for (const source of sources) {
      const files = (await readdir(source.dir)).filter((file) => FILE_PATTERN.test(file));
      files.sort((a, b) => versionOf(a) - versionOf(b));
      const done = await client.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations WHERE source = $1',
        [source.name],
      );
      const doneByVersion = new Map(done.rows.map((row) => [row.version, row.checksum]));
      for (const file of files) {
        const sql = await readFile(join(source.dir, file), 'utf8');
        const checksum = createHash('sha256').update(sql).digest('hex');
        const version = versionOf(file);
        const previous = doneByVersion.get(version);
        if (previous !== undefined) {
          if (previous !== checksum) {
            throw new Error(`migration ${source.name}/${file} changed after it was applied; add a new numbered file instead`);
          }
          continue;
        }
        await client.query('BEGIN');
        try {
          // A migration may build an index for minutes; the pool's statement timeout is for requests.
          await client.query('SET LOCAL statement_timeout = 0');
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (source, version, name, checksum) VALUES ($1, $2, $3, $4)', [
            source.name,
            version,
            file,
            checksum,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${source.name}/${file} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(`${source.name}/${file}`);
        log?.info({ migration: `${source.name}/${file}` }, 'migration applied');
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

function versionOf(file: string): number {
  return Number(FILE_PATTERN.exec(file)?.[1]);
}

/**
 * The body of a service's `migrate` command (a Kubernetes Job or compose one-shot): applies
 * pending migrations to DATABASE_URL and exits non-zero when they fail.
 */
export async function runMigrationCommand(service: string, sources: readonly MigrationSource[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Static<typeof MigrationCommandConfig>;
  try {
    config = loadConfig(MigrationCommandConfig, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // DATABASE_URL names the service's database to migrate; LOG_LEVEL may be the bad one, so log at info.
    createLogger(`${service}-migrate`, 'info').fatal({ problems: error.problems }, `the ${service} migration's settings are invalid (each problem is listed); DATABASE_URL names the ${service} service database`);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(`${service}-migrate`, config.LOG_LEVEL);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const applied = await runMigrations(pool, sources, log);
    log.info({ applied: applied.length }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
  } catch (error) {
    log.fatal({ err: error }, 'migration failed; the schema is unchanged from the last file that succeeded');
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
