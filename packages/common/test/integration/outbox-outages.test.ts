// The outbox relay and the consumer while their stores go away: a private Postgres (25432)
// restarted under the relay, and a private SNS/SQS emulator (25566) stopped under both.
import { Type } from '@sinclair/typebox';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { type PrivateServer, startPrivateEmulator, startPrivatePostgres } from '@chirp/testing/private-servers';
import type { Pool } from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsMessagingClients } from '../../src/aws-clients.ts';
import { createPostgresPool, postgresDependency } from '../../src/dependencies.ts';
import { createEvent, defineEvent, type EventEnvelope, EventHandlerRegistry, type EventPublisher } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '../../src/events.ts';
import { CHIRP_TOPOLOGY } from '../../src/messaging-topology.ts';
import { appendToOutbox, createOutboxRelay, type OutboxRelay } from '../../src/outbox.ts';
import { OUTBOX_MIGRATIONS, runMigrations } from '../../src/pg-migrations.ts';
import { createSqsConsumer } from '../../src/sqs-consumer.ts';

// Named as a type the chirp-user queue's subscription lets through (its filter policy).
const NoteWritten = defineEvent('tweet.deleted', 1, Type.Object({ noteId: Type.String() }));
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let postgres: PrivateServer;
let emulator: PrivateServer;
let pool: Pool;
let clients: ReturnType<typeof createAwsMessagingClients>;
// On the private emulator, Chirp's own topology: tweet events reach the user and timeline queues.
const topicArn = 'arn:aws:sns:us-east-1:000000000000:chirp-tweet-events';
const queueUrl = (port: number) => `http://sqs.us-east-1.localhost:${port}/000000000000/chirp-user`;

beforeAll(async () => {
  [postgres, emulator] = await Promise.all([startPrivatePostgres(25432), startPrivateEmulator(25566)]);
  // As a service makes and watches its pool.
  pool = createPostgresPool({ DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: 5, DATABASE_CONNECT_TIMEOUT_MS: 1000, DATABASE_STATEMENT_TIMEOUT_MS: 5000 });
  postgresDependency(pool).watch?.(log);
  await runMigrations(pool, [OUTBOX_MIGRATIONS]);
  clients = createAwsMessagingClients({ region: 'us-east-1', endpoint: emulator.url });
  expect(CHIRP_TOPOLOGY.queues.find((q) => q.name === 'chirp-user')?.subscribesTo).toContain('chirp-tweet-events');
}, 120_000);
afterAll(async () => {
  await pool?.end();
  clients?.sns.destroy();
  clients?.sqs.destroy();
  await Promise.all([postgres?.destroy(), emulator?.destroy()]);
});

/** Appends one event per transaction, as posting tweets one by one does (each commit NOTIFYs). */
async function append(count: number, tag: string, spreadOverMs = 0): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < count; i += 1) {
    const event = createEvent(NoteWritten, { noteId: `${tag}-${i}` });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await appendToOutbox(client, 'notes', [event]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    events.push(event);
    if (spreadOverMs > 0) await sleep(spreadOverMs / count);
  }
  return events;
}

const pendingRows = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')).rows[0]?.n);

async function withRelay<T>(publisher: EventPublisher, body: (relay: OutboxRelay) => Promise<T>): Promise<T> {
  // A two-minute poll: only a NOTIFY on a live LISTEN connection makes it publish promptly.
  const relay = createOutboxRelay({ pool, publishers: { notes: publisher }, log, idleIntervalMs: 120_000 });
  await relay.start();
  try {
    return await body(relay);
  } finally {
    await relay.stop();
  }
}

describe('outbox relay and store outages', () => {
  it('when Postgres restarts under the relay, then the process survives (no unhandled error), LISTENs again, and events appended afterwards are published on NOTIFY', async () => {
    const publisher = createSnsEventPublisher({ sns: clients.sns, topicArn });
    await withRelay(publisher, async () => {
      const before = await append(2, 'before');
      await eventually(async () => (await pendingRows()) === 0, 'published before the restart');

      await postgres.stop(); // fast shutdown: every connection gets 57P01
      await sleep(1500);
      await postgres.start();
      // The pool reconnects on demand; the relay's LISTEN connection comes back within about a second.
      await eventually(() => pool.query('SELECT 1').then(() => true, () => false), 'postgres answers again');
      await sleep(2500);

      const after = await append(3, 'after');
      await eventually(async () => (await pendingRows()) === 0, 'published after the restart, woken by NOTIFY', 10_000);
      const delivered = new Set((await drainEvents(clients.sqs, queueUrl(emulator.port))).map((e) => e.id));
      for (const event of [...before, ...after]) expect(delivered).toContain(event.id);
    });
  });

  it('when SNS is unavailable while 40 events are appended over 4 s, then the relay backs off instead of retrying on every NOTIFY, and publishes all of them once SNS is back', async () => {
    const real = createSnsEventPublisher({ sns: clients.sns, topicArn });
    let attempts = 0;
    const counting: EventPublisher = {
      publish(events) {
        attempts += 1;
        return real.publish(events);
      },
    };
    await withRelay(counting, async () => {
      await emulator.stop({ kill: true });
      const events = await append(40, 'outage', 4000);
      const attemptsDuringOutage = attempts;
      // 250 ms doubling: tries at about 0, 0.25, 0.75, 1.75 and 3.75 s; before, one per NOTIFY (~40).
      expect(attemptsDuringOutage).toBeGreaterThanOrEqual(2);
      expect(attemptsDuringOutage).toBeLessThanOrEqual(7);
      expect(await pendingRows()).toBe(40);

      await emulator.start();
      await eventually(async () => (await pendingRows()) === 0, 'published once SNS is back', 20_000);
      const delivered = new Set((await drainEvents(clients.sqs, queueUrl(emulator.port))).map((e) => e.id));
      expect(events.filter((event) => !delivered.has(event.id))).toEqual([]);
    });
  });
});

describe('consumer and an SNS/SQS restart', () => {
  it('when the emulator is killed and started again under a running consumer, then the consumer keeps polling and handles what is published afterwards', async () => {
    const handled: string[] = [];
    const consumer = createSqsConsumer({
      sqs: clients.sqs,
      queueUrl: queueUrl(emulator.port),
      deadLetterQueueUrl: `${queueUrl(emulator.port)}-dlq`,
      handlers: new EventHandlerRegistry().on(NoteWritten, async (event) => {
        handled.push(event.id);
      }),
      log,
      waitTimeSeconds: 1,
    });
    consumer.start();
    try {
      await emulator.stop({ kill: true });
      await sleep(2000);
      await emulator.start();
      const event = createEvent(NoteWritten, { noteId: 'after-restart' });
      await createSnsEventPublisher({ sns: clients.sns, topicArn }).publish([event]);
      await eventually(() => handled.includes(event.id), 'handled after the restart', 15_000);
    } finally {
      await consumer.stop();
    }
  });
});
