import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import cassandra, { type Client } from 'cassandra-driver';

const CQL_DIR = new URL('../../cql/', import.meta.url).pathname;

/**
 * Creates the keyspace (when absent) and applies every statement of cql/*.cql in order. Each
 * statement is idempotent (IF NOT EXISTS), so this runs at every start and from the migrate
 * command alike. `client` must not be bound to the keyspace yet.
 */
export async function applyCassandraSchema(client: Client, keyspace: string, replication: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(keyspace)) throw new Error(`CASSANDRA_KEYSPACE '${keyspace}' is not a valid keyspace name`);
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`);
  const files = (await readdir(CQL_DIR)).filter((file) => /^\d+_.*\.cql$/.test(file)).sort();
  for (const file of files) {
    const text = await readFile(join(CQL_DIR, file), 'utf8');
    const statements = text
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('--'))
      .join('\n')
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    for (const statement of statements) {
      await client.execute(statement.replace(/CREATE TABLE IF NOT EXISTS (\w+)/, `CREATE TABLE IF NOT EXISTS ${keyspace}.$1`));
    }
  }
}

/** Connects without a keyspace, applies the schema, disconnects: what start-up and `migrate` both do. */
export async function migrateCassandra(config: {
  CASSANDRA_CONTACT_POINTS: string;
  CASSANDRA_LOCAL_DC: string;
  CASSANDRA_KEYSPACE: string;
  CASSANDRA_REPLICATION: string;
}): Promise<void> {
  const admin = new cassandra.Client({ contactPoints: config.CASSANDRA_CONTACT_POINTS.split(','), localDataCenter: config.CASSANDRA_LOCAL_DC });
  try {
    await applyCassandraSchema(admin, config.CASSANDRA_KEYSPACE, config.CASSANDRA_REPLICATION);
  } finally {
    await admin.shutdown();
  }
}
