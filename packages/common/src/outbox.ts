import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { EventEnvelope, EventPublisher } from './events.ts';

const NOTIFY_CHANNEL = 'chirp_outbox';

/**
 * Writes events into the outbox with the caller's client, inside the caller's
 * transaction, so they exist exactly when the change they describe commits.
 * The NOTIFY is delivered at commit and wakes the relay without polling.
 */
export async function appendToOutbox(client: PoolClient, topic: string, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO outbox (event_id, topic, type, version, occurred_at, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::jsonb[])`,
    [
      events.map((e) => e.id),
      events.map(() => topic),
      events.map((e) => e.type),
      events.map((e) => e.version),
      events.map((e) => e.occurredAt),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
  await client.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`);
}

export interface OutboxRelayOptions {
  pool: Pool;
  /** A publisher per logical topic name written with the events. */
  publishers: Record<string, EventPublisher>;
  log: Logger;
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (a safety net; NOTIFY is the fast path). */
  idleIntervalMs?: number;
  /** Sent rows older than this are deleted. */
  retentionMs?: number;
  onPublished?: (count: number, oldestOccurredAt: Date) => void;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Publishes one batch of pending events; resolves to how many were published. */
  relayOnce(): Promise<number>;
  /** Pending rows right now (for readiness and metrics). */
  pending(): Promise<number>;
}

interface OutboxRow {
  position: string;
  event_id: string;
  topic: string;
  type: string;
  version: number;
  occurred_at: Date;
  payload: unknown;
}

/**
 * Publishes pending outbox rows oldest first and marks them sent. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, so several relays share the work without waiting on
 * each other. A relay that dies after publishing but before committing leaves the
 * rows pending and they are published again: delivery is at least once, and
 * consumers dedupe on the event id.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const idleIntervalMs = options.idleIntervalMs ?? 1000;
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const log = options.log.child({ component: 'outbox-relay' });
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: PoolClient | undefined;
  let wake: (() => void) | undefined;
  // A NOTIFY that lands while a batch is being published must not be lost until the next poll.
  let notified = false;
  let lastPrune = 0;

  const relayOnce = async (): Promise<number> => {
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT position, event_id, topic, type, version, occurred_at, payload FROM outbox
         WHERE sent_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const byTopic = new Map<string, EventEnvelope[]>();
      for (const row of rows) {
        const envelope: EventEnvelope = {
          id: row.event_id,
          type: row.type,
          version: row.version,
          occurredAt: row.occurred_at.toISOString(),
          payload: row.payload,
        };
        const events = byTopic.get(row.topic);
        if (events) events.push(envelope);
        else byTopic.set(row.topic, [envelope]);
      }
      for (const [topic, events] of byTopic) {
        const publisher = options.publishers[topic];
        if (!publisher) throw new Error(`outbox has events for topic '${topic}' but the relay has no publisher for it`);
        await publisher.publish(events);
      }
      await client.query('UPDATE outbox SET sent_at = now() WHERE position = ANY($1::bigint[])', [rows.map((r) => r.position)]);
      await client.query('COMMIT');
      options.onPublished?.(rows.length, rows[0]?.occurred_at ?? new Date());
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const prune = async () => {
    if (Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    const result = await options.pool.query(
      `DELETE FROM outbox WHERE position IN (
         SELECT position FROM outbox WHERE sent_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [retentionMs / 1000],
    );
    if (result.rowCount) log.info({ deleted: result.rowCount }, 'pruned sent outbox rows');
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (notified) {
        notified = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const run = async () => {
    let failures = 0;
    while (running) {
      try {
        const published = await relayOnce();
        failures = 0;
        if (published === batchSize) continue;
        await prune();
      } catch (error) {
        failures += 1;
        const backoff = Math.min(30_000, 200 * 2 ** failures);
        log.error({ err: error, retryInMs: backoff }, 'outbox relay could not publish; events stay pending and will be retried');
        await sleep(backoff);
        continue;
      }
      if (running) await sleep(idleIntervalMs);
    }
  };

  return {
    relayOnce,
    async pending() {
      const { rows } = await options.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE sent_at IS NULL');
      return Number(rows[0]?.count ?? 0);
    },
    async start() {
      if (running) return;
      listener = await options.pool.connect();
      listener.on('notification', () => {
        if (wake) wake();
        else notified = true;
      });
      await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      if (listener) {
        await listener.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
        listener.release();
        listener = undefined;
      }
    },
  };
}
