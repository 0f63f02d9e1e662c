// Handles on the real servers for one test file, each isolated by a fresh name
// (database, key prefix, keyspace, topology prefix) so files never see each other's data.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { createS3Client } from '@chirp/common/object-storage';
import { type EventHandlerRegistry, type EventPublisher } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '@chirp/common/events';
import { createSqsConsumer, type SqsConsumer } from '@chirp/common/sqs-consumer';
import { createLogger } from '@chirp/common/logging';
import { type AppliedTopology, applyTopology, CHIRP_TOPOLOGY, type MessagingTopology } from '@chirp/common/messaging-topology';
import { type MigrationSource, runMigrations } from '@chirp/common/pg-migrations';
import { PreparingClient } from '@chirp/common/pg-prepared';
import cassandra from 'cassandra-driver';
import { Redis } from 'ioredis';
import pg from 'pg';

export const STACK_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'CASSANDRA_CONTACT_POINTS', 'AWS_ENDPOINT_URL'] as const;

export function stackEnv(): Record<(typeof STACK_VARIABLES)[number], string> & { AWS_REGION: string; CASSANDRA_LOCAL_DC: string } {
  const missing = STACK_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) throw new Error(`integration test run without ${missing.join(', ')}; run it through the 'integration' vitest project`);
  return {
    DATABASE_URL: process.env.DATABASE_URL!,
    REDIS_URL: process.env.REDIS_URL!,
    CASSANDRA_CONTACT_POINTS: process.env.CASSANDRA_CONTACT_POINTS!,
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL!,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
  };
}

export const uniqueName = (prefix: string): string => `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A new database for one test file: empty, or with `migrations` applied. */
export async function createTestDatabase(options: { migrations?: readonly MigrationSource[] } = {}): Promise<TestDatabase> {
  const adminUrl = stackEnv().DATABASE_URL;
  const name = uniqueName('chirp_t_');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // The services' pools prepare statements with parameters (pg-prepared.ts); store tests run the same way.
  const pool = new pg.Pool({ Client: PreparingClient, connectionString: url.toString(), max: 20 });
  if (options.migrations) await runMigrations(pool, options.migrations);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      // pool.end() resolves before its connections have finished closing; forcing the drop
      // while they close would hand them a FATAL with no listener left (an uncaught error).
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (rows[0]?.n === '0') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestTopology extends AppliedTopology {
  prefix: string;
  clients: ReturnType<typeof createAwsMessagingClients>;
  /** A publisher to one of the topics, by its unprefixed name. */
  publisher(topic: string): EventPublisher;
  /** A started consumer of one of the queues (unprefixed name) with its DLQ, polling every second; stop it when done. */
  consume(queue: string, handlers: EventHandlerRegistry): SqsConsumer;
  destroy(): Promise<void>;
}

/** Chirp's topology (or another) under a fresh name prefix on the SNS/SQS server. */
export async function createTestTopology(topology: MessagingTopology = CHIRP_TOPOLOGY): Promise<TestTopology> {
  const env = stackEnv();
  const clients = createAwsMessagingClients({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL });
  const prefix = uniqueName('t') + '-';
  const applied = await applyTopology(clients, topology, prefix);
  const named = (map: Record<string, string>, name: string) => {
    const value = map[name];
    if (value === undefined) throw new Error(`the test topology has no ${name}`);
    return value;
  };
  return {
    ...applied,
    prefix,
    clients,
    publisher: (topic) => createSnsEventPublisher({ sns: clients.sns, topicArn: named(applied.topicArns, topic) }),
    consume(queue, handlers) {
      const consumer = createSqsConsumer({
        sqs: clients.sqs,
        queueUrl: named(applied.queueUrls, queue),
        deadLetterQueueUrl: named(applied.deadLetterQueueUrls, queue),
        handlers,
        log: createLogger('test-consumer', 'silent'),
        waitTimeSeconds: 1,
      });
      consumer.start();
      return consumer;
    },
    async destroy() {
      for (const url of [...Object.values(applied.queueUrls), ...Object.values(applied.deadLetterQueueUrls)]) {
        await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      }
      for (const arn of Object.values(applied.topicArns)) await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      clients.sns.destroy();
      clients.sqs.destroy();
    },
  };
}

/** A Redis connection whose keys all start with a fresh prefix. */
export function createTestRedis(): { redis: Redis; prefix: string; cleanup(): Promise<void> } {
  const prefix = uniqueName('t:') + ':';
  const redis = new Redis(stackEnv().REDIS_URL, { keyPrefix: prefix, lazyConnect: false, maxRetriesPerRequest: 2 });
  return {
    redis,
    prefix,
    async cleanup() {
      const raw = new Redis(stackEnv().REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await raw.del(...keys);
      } while (cursor !== '0');
      raw.disconnect();
      redis.disconnect();
    },
  };
}

/**
 * A subscriber on live-stream channels, listening as a gateway replica does. What it hears is made
 * into `T` by `read`, in the order published; a message `read` cannot use (undefined) fails
 * `heard()`, naming it.
 */
export async function createStreamListener<T>(channels: readonly string[], read: (channel: string, text: string) => T | undefined): Promise<{ heard(): T[]; close(): void }> {
  const subscriber = new Redis(stackEnv().REDIS_URL);
  const heard: T[] = [];
  const unusable: string[] = [];
  subscriber.on('message', (channel: string, text: string) => {
    const value = read(channel, text);
    if (value === undefined) unusable.push(`${channel}: ${text}`);
    else heard.push(value);
  });
  if (channels.length > 0) await subscriber.subscribe(...channels);
  return {
    heard() {
      if (unusable.length > 0) throw new Error(`heard what a gateway cannot use: ${unusable.join('; ')}`);
      return heard;
    },
    close: () => subscriber.disconnect(),
  };
}

export interface TestKeyspace {
  keyspace: string;
  client: cassandra.Client;
  drop(): Promise<void>;
}

export function cassandraClient(keyspace?: string): cassandra.Client {
  const env = stackEnv();
  return new cassandra.Client({
    contactPoints: env.CASSANDRA_CONTACT_POINTS.split(','),
    localDataCenter: env.CASSANDRA_LOCAL_DC,
    ...(keyspace ? { keyspace } : {}),
  });
}

/** A new keyspace (replication 1) and a client bound to it. */
export async function createTestKeyspace(): Promise<TestKeyspace> {
  const keyspace = uniqueName('t_');
  const admin = cassandraClient();
  await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.shutdown();
  const client = cassandraClient(keyspace);
  await client.connect();
  return {
    keyspace,
    client,
    async drop() {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
}

export interface TestBucket {
  name: string;
  s3: S3Client;
  /** Empties and deletes the bucket. */
  destroy(): Promise<void>;
}

/** A fresh S3 bucket on the emulator (fauxqs serves S3 on the SNS/SQS port), addressed by path. */
export async function createTestBucket(): Promise<TestBucket> {
  const env = stackEnv();
  const s3 = createS3Client({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL });
  const name = uniqueName('t-media-').toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return {
    name,
    s3,
    async destroy() {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: name }));
      const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys } }));
      await s3.send(new DeleteBucketCommand({ Bucket: name }));
      s3.destroy();
    },
  };
}
