// The local SNS/SQS emulator (fauxqs), started with Chirp's topology as its init config, which
// it applies before it listens: after a restart no publish can reach a topic before the topic's
// subscriptions exist. With FAUXQS_DATA_DIR set it persists queues, messages, topics and
// subscriptions there (SQLite), so a restart loses nothing that was acknowledged.
//   FAUXQS_PORT (4566), FAUXQS_HOST (host named in queue URLs, localhost), FAUXQS_DATA_DIR, AWS_REGION
import { DatabaseSync } from 'node:sqlite';
import { CHIRP_TOPOLOGY, emulatorInitConfig } from '@chirp/common/messaging-topology';
import { DEFAULT_MEDIA_BUCKET, MEDIA_BUCKET_LIFECYCLE } from '@chirp/common/object-storage';
import { startFauxqs } from 'fauxqs';

// fauxqs writes every change through to SQLite in WAL mode with synchronous=FULL: an fsync per
// message, ~170 messages/s on the development machine against ~1,400 in memory. NORMAL drops the
// fsync per commit; a killed emulator still keeps every committed change (only a machine crash
// can lose the last ones), which is what the local stack needs.
// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever called with .call(this) on a database
const exec = DatabaseSync.prototype.exec;
DatabaseSync.prototype.exec = function execThenRelaxSync(this: DatabaseSync, sql: string): void {
  exec.call(this, sql);
  if (/journal_mode\s*=\s*WAL/i.test(sql)) exec.call(this, 'PRAGMA synchronous = NORMAL');
};

// fauxqs 2.4.1 hands a message back (ChangeMessageVisibility to 0) by writing NULL into its
// NOT NULL receive count: the statement throws after the message has left the in-flight list and
// before it is queued again, so with persistence every handed-back message vanished until the next
// restart (packages/common/test/integration/messaging.test.ts shows it). Keep the stored counts
// when the statement is given none.
// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever called with .call(this) on a database
const prepare = DatabaseSync.prototype.prepare;
DatabaseSync.prototype.prepare = function prepareKeepingReceiveCounts(this: DatabaseSync, sql: string) {
  const kept = /UPDATE sqs_messages SET receipt_handle/.test(sql)
    ? sql
        .replace('approximate_receive_count = ?', 'approximate_receive_count = COALESCE(?, approximate_receive_count)')
        .replace('approximate_first_receive_timestamp = ?', 'approximate_first_receive_timestamp = COALESCE(?, approximate_first_receive_timestamp)')
    : sql;
  return prepare.call(this, kept);
};

const dataDir = process.env.FAUXQS_DATA_DIR;
const server = await startFauxqs({
  port: Number(process.env.FAUXQS_PORT ?? 4566),
  host: process.env.FAUXQS_HOST ?? 'localhost',
  logger: process.env.FAUXQS_LOGGER === 'true',
  ...(dataDir ? { dataDir } : {}),
  init: {
    ...emulatorInitConfig(CHIRP_TOPOLOGY, { region: process.env.AWS_REGION ?? 'us-east-1' }),
    // Media uploads (S3 on the same port); provision-messaging.ts ensures it on an emulator started otherwise.
    buckets: [{ name: process.env.MEDIA_BUCKET ?? DEFAULT_MEDIA_BUCKET, lifecycleConfiguration: MEDIA_BUCKET_LIFECYCLE }],
  },
});
console.log(JSON.stringify({ port: server.port, persistence: dataDir ?? 'none' }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().finally(() => process.exit(0));
  });
}
