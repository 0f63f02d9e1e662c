// `node src/migrate.ts`: creates the keyspace and tables and exits (a Kubernetes Job or compose one-shot).
import { createLogger } from '@chirp/common/logging';
import { migrateCassandra } from './infrastructure/cassandra-schema.ts';
import { loadConfig } from '@chirp/common/config';
import { Type } from '@sinclair/typebox';
import { CassandraConfig } from './infrastructure/config.ts';

const log = createLogger('timeline-migrate', process.env.LOG_LEVEL ?? 'info');
const config = loadConfig(Type.Object(CassandraConfig), process.env);
try {
  await migrateCassandra(config);
  log.info({ keyspace: config.CASSANDRA_KEYSPACE }, 'timeline schema applied');
} catch (error) {
  log.fatal({ err: error, keyspace: config.CASSANDRA_KEYSPACE }, 'timeline schema failed; check CASSANDRA_CONTACT_POINTS and the statement named in the error');
  process.exitCode = 1;
}
