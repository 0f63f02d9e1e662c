// Prometheus metrics of the messaging path, observed from outside it: the outbox backlog read
// from Postgres and the queue depths read from SQS at scrape time, and consumer outcomes through
// the consumer's `onProcessed` hook. Nothing here changes how events are relayed or consumed.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import type { ConsumerOutcome } from './sqs-consumer.ts';

/** What `createSqsConsumer` reports per message, as its `onProcessed` option takes it. */
export type { ConsumerOutcome };

/**
 * Reads `read` once per scrape however many gauges ask: prom-client collects every metric of a
 * registry at once, so the gauges fed by one query share the promise under way.
 */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/**
 * `chirp_outbox_pending_events` and `chirp_outbox_oldest_pending_age_seconds`: the rows the relay
 * has not published yet and how long the oldest has waited, by one query at scrape time (served by
 * the partial index on pending rows). When Postgres does not answer both are NaN, so alerts on
 * them neither fire nor clear on a guess, and the failure is logged.
 */
export function registerOutboxMetrics(registry: Registry, pool: Pool, log: Logger): void {
  const read = oncePerScrape(async () => {
    try {
      const { rows } = await pool.query<{ pending: number; oldest: number | null }>(
        `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest
         FROM outbox WHERE sent_at IS NULL`,
      );
      return { pending: rows[0]?.pending ?? 0, oldest: rows[0]?.oldest ?? 0 };
    } catch (err) {
      log.warn({ err, component: 'outbox-metrics' }, 'could not read the outbox backlog for /metrics; check Postgres');
      return { pending: Number.NaN, oldest: Number.NaN };
    }
  });
  new Gauge({
    name: 'chirp_outbox_pending_events',
    help: 'Outbox rows not yet published to SNS (read from Postgres at scrape time); growing means the relay is stuck or too slow',
    registers: [registry],
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: 'chirp_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when none is pending)',
    registers: [registry],
    async collect() {
      this.set((await read()).oldest);
    },
  });
}

export interface ConsumerMetricsOptions {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  log: Logger;
}

const queueName = (url: string) => url.slice(url.lastIndexOf('/') + 1);

// SQS's approximate counts: waiting to be received, received and not yet deleted, delayed.
const QUEUE_STATES = {
  visible: 'ApproximateNumberOfMessages',
  in_flight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const;

/**
 * The metrics of one queue consumer, labelled by queue name (the last segment of its URL):
 * - `chirp_events_consumed_total{queue,type,outcome}` and `chirp_event_handling_duration_seconds`;
 * - `chirp_event_age_seconds{queue,type}`: event occurred → handled (outbox, SNS and queue wait);
 * - `chirp_sqs_messages{queue,state}` for the queue and its dead-letter queue, read from SQS at
 *   scrape time (every replica reports the same queue: aggregate with `max by (queue)`).
 * Returns the `onProcessed` hook to give the consumer.
 */
export function createConsumerMetrics(registry: Registry, options: ConsumerMetricsOptions) {
  const queue = queueName(options.queueUrl);
  const consumed = new Counter({
    name: 'chirp_events_consumed_total',
    help: 'Messages taken from a queue, by event type and outcome (handled; failed and retried; dead_lettered; deferred: held while a dependency is unavailable; released: handed back on stop)',
    labelNames: ['queue', 'type', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'chirp_event_handling_duration_seconds',
    help: 'Time to handle one message, from receipt to deletion (or to the failure), by event type and outcome',
    labelNames: ['queue', 'type', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const age = new Histogram({
    name: 'chirp_event_age_seconds',
    help: 'Time from an event occurring to its message being handled: outbox, SNS and time waiting in the queue',
    labelNames: ['queue', 'type'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const queues = [options.queueUrl, options.deadLetterQueueUrl];
  const read = oncePerScrape(() =>
    Promise.all(
      queues.map(async (url) => {
        try {
          const result = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: Object.values(QUEUE_STATES) }));
          return { queue: queueName(url), attributes: result.Attributes ?? {} };
        } catch (err) {
          options.log.warn({ err, queueUrl: url, component: 'queue-metrics' }, 'could not read queue attributes for /metrics; check the queue URL and sqs:GetQueueAttributes');
          return { queue: queueName(url), attributes: undefined };
        }
      }),
    ),
  );
  new Gauge({
    name: 'chirp_sqs_messages',
    help: 'Messages on a queue or its dead-letter queue by state (visible, in_flight, delayed), read from SQS at scrape time; NaN when SQS did not answer',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const { queue: name, attributes } of await read()) {
        for (const [state, attribute] of Object.entries(QUEUE_STATES)) {
          this.set({ queue: name, state }, attributes ? Number(attributes[attribute] ?? 0) : Number.NaN);
        }
      }
    },
  });
  // Present from the start, so the dead-letter alert's increase() sees the first malformed message.
  consumed.inc({ queue, type: 'invalid', outcome: 'dead_lettered' }, 0);
  return {
    onProcessed: (outcome: ConsumerOutcome, event: { type: string; occurredAt?: unknown }, startedAt: number) => {
      const labels = { queue, type: event.type, outcome };
      consumed.inc(labels);
      duration.observe(labels, (performance.now() - startedAt) / 1000);
      if (outcome === 'handled' && typeof event.occurredAt === 'string') {
        const occurred = Date.parse(event.occurredAt);
        if (Number.isFinite(occurred)) age.observe({ queue, type: event.type }, Math.max(0, (Date.now() - occurred) / 1000));
      }
    },
  };
}
