// Outbox helpers for service integration tests: what a service's transactions wrote, and a
// relay run until it has published all of it.
import type { SNSClient } from '@aws-sdk/client-sns';
import { type EventEnvelope } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '@chirp/common/events';
import { createLogger } from '@chirp/common/logging';
import { createOutboxRelay } from '@chirp/common/outbox';
import type { Pool } from 'pg';
import { eventually } from './eventually.ts';

/** Events in the outbox not yet sent, oldest first. */
export async function pendingEvents(pool: Pool): Promise<EventEnvelope[]> {
  const { rows } = await pool.query<{ event_id: string; type: string; payload: unknown }>(
    'SELECT event_id, type, payload FROM outbox WHERE sent_at IS NULL ORDER BY position',
  );
  return rows.map((row) => ({ id: row.event_id, type: row.type, payload: row.payload, version: 1, occurredAt: '' }));
}

/** Marks everything pending as sent, so a test sees only the outbox rows it writes itself. */
export async function markOutboxSent(pool: Pool): Promise<void> {
  await pool.query('UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL');
}

/** Runs a relay publishing `topic` to `topicArn` until the outbox has nothing pending. */
export async function relayUntilDrained(options: { pool: Pool; sns: SNSClient; topic: string; topicArn: string }): Promise<void> {
  const relay = createOutboxRelay({
    pool: options.pool,
    publishers: { [options.topic]: createSnsEventPublisher({ sns: options.sns, topicArn: options.topicArn }) },
    log: createLogger('test-relay', 'silent'),
    idleIntervalMs: 100,
  });
  await relay.start();
  try {
    await eventually(async () => (await relay.pending()) === 0, 'outbox drained');
  } finally {
    await relay.stop();
  }
}
