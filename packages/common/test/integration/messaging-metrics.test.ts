// The messaging metrics against the real outbox table in Postgres and real queues in the SNS/SQS emulator.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { createTestDatabase, createTestTopology, type TestDatabase, type TestTopology } from '@chirp/testing/stack';
import { Pool } from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '@chirp/kernel/events';
import { createConsumerMetrics, registerOutboxMetrics } from '../../src/messaging-metrics.ts';
import { appendToOutbox } from '../../src/outbox.ts';
import { OUTBOX_MIGRATIONS } from '../../src/pg-migrations.ts';

const NoteWritten = defineEvent('note.written', 1, Type.Object({ noteId: Type.String() }));
const log = pino({ level: 'silent' });

let db: TestDatabase;
let topology: TestTopology;
beforeAll(async () => {
  [db, topology] = await Promise.all([
    createTestDatabase({ migrations: [OUTBOX_MIGRATIONS] }),
    createTestTopology({ topics: ['notes'], queues: [{ name: 'readers', subscribesTo: ['notes'], maxReceiveCount: 5, visibilityTimeoutSeconds: 30 }] }),
  ]);
});
afterAll(async () => {
  await db.drop();
  await topology.destroy();
});

/** One sample of `name` with exactly these labels, from the registry's text exposition. */
async function sample(registry: Registry, name: string, labels = ''): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('outbox backlog', () => {
  beforeEach(async () => {
    await db.pool.query('TRUNCATE outbox');
  });

  it('when nothing is pending, then the backlog and the oldest age are 0', async () => {
    const registry = new Registry();
    registerOutboxMetrics(registry, db.pool, log);

    expect(await sample(registry, 'chirp_outbox_pending_events')).toBe(0);
    expect(await sample(registry, 'chirp_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('when rows wait unsent, then they are counted and the oldest age grows; sent rows are not counted', async () => {
    const registry = new Registry();
    registerOutboxMetrics(registry, db.pool, log);
    const client = await db.pool.connect();
    try {
      await appendToOutbox(client, 'notes', ['a', 'b', 'c'].map((noteId) => createEvent(NoteWritten, { noteId })));
    } finally {
      client.release();
    }
    await db.pool.query("UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE position = (SELECT min(position) FROM outbox)");
    await db.pool.query('UPDATE outbox SET sent_at = now() WHERE position = (SELECT max(position) FROM outbox)');

    expect(await sample(registry, 'chirp_outbox_pending_events')).toBe(2);
    const age = await sample(registry, 'chirp_outbox_oldest_pending_age_seconds');
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
  });

  it('when Postgres cannot be reached, then both read NaN and /metrics still answers', async () => {
    const registry = new Registry();
    const unreachable = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    registerOutboxMetrics(registry, unreachable, log);

    expect(await sample(registry, 'chirp_outbox_pending_events')).toBeNaN();
    expect(await sample(registry, 'chirp_outbox_oldest_pending_age_seconds')).toBeNaN();
    await unreachable.end();
  });
});

describe('consumer outcomes and queue depths', () => {
  const queueUrl = () => topology.queueUrls.readers!;
  const dlqUrl = () => topology.deadLetterQueueUrls.readers!;
  const name = (url: string) => url.slice(url.lastIndexOf('/') + 1);

  it('when messages wait on the queue and its dead-letter queue, then both depths are reported by queue name', async () => {
    const registry = new Registry();
    createConsumerMetrics(registry, { sqs: topology.clients.sqs, queueUrl: queueUrl(), deadLetterQueueUrl: dlqUrl(), log });
    for (const [url, count] of [[queueUrl(), 3], [dlqUrl(), 2]] as const) {
      for (let i = 0; i < count; i++) await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{}' }));
    }

    expect(name(dlqUrl())).toMatch(/-dlq$/);
    expect(await sample(registry, 'chirp_sqs_messages', `queue="${name(queueUrl())}",state="visible"`)).toBe(3);
    expect(await sample(registry, 'chirp_sqs_messages', `queue="${name(dlqUrl())}",state="visible"`)).toBe(2);
    expect(await sample(registry, 'chirp_sqs_messages', `queue="${name(dlqUrl())}",state="in_flight"`)).toBe(0);
  });

  it('when SQS cannot be reached, then the depths read NaN and /metrics still answers', async () => {
    const registry = new Registry();
    const missing = `${queueUrl()}-missing`;
    createConsumerMetrics(registry, { sqs: topology.clients.sqs, queueUrl: missing, deadLetterQueueUrl: `${missing}-dlq`, log });

    expect(await sample(registry, 'chirp_sqs_messages', `queue="${name(missing)}",state="visible"`)).toBeNaN();
  });

  it('when events are handled, fail or are dead-lettered, then outcomes, handling time and event age are counted by type', async () => {
    const registry = new Registry();
    const metrics = createConsumerMetrics(registry, { sqs: topology.clients.sqs, queueUrl: queueUrl(), deadLetterQueueUrl: dlqUrl(), log });
    const queue = name(queueUrl());
    expect(await sample(registry, 'chirp_events_consumed_total', `queue="${queue}",type="invalid",outcome="dead_lettered"`)).toBe(0);

    const old = { ...createEvent(NoteWritten, { noteId: 'n' }), occurredAt: new Date(Date.now() - 4000).toISOString() };
    metrics.onProcessed('handled', old, performance.now() - 20);
    metrics.onProcessed('failed', old, performance.now());
    metrics.onProcessed('dead_lettered', { type: 'invalid' }, performance.now());

    expect(await sample(registry, 'chirp_events_consumed_total', `queue="${queue}",type="note.written",outcome="handled"`)).toBe(1);
    expect(await sample(registry, 'chirp_events_consumed_total', `queue="${queue}",type="note.written",outcome="failed"`)).toBe(1);
    expect(await sample(registry, 'chirp_events_consumed_total', `queue="${queue}",type="invalid",outcome="dead_lettered"`)).toBe(1);
    expect(await sample(registry, 'chirp_event_handling_duration_seconds_bucket', `le="0.01",queue="${queue}",type="note.written",outcome="handled"`)).toBe(0);
    expect(await sample(registry, 'chirp_event_handling_duration_seconds_bucket', `le="0.05",queue="${queue}",type="note.written",outcome="handled"`)).toBe(1);
    // Only a handled event's age is observed: 4 s after it occurred.
    expect(await sample(registry, 'chirp_event_age_seconds_bucket', `le="2.5",queue="${queue}",type="note.written"`)).toBe(0);
    expect(await sample(registry, 'chirp_event_age_seconds_bucket', `le="5",queue="${queue}",type="note.written"`)).toBe(1);
    expect(await sample(registry, 'chirp_event_age_seconds_count', `queue="${queue}",type="note.written"`)).toBe(1);
  });
});
