// What a Postgres-owning service runs beside its HTTP server: the outbox relay publishing its
// events, and the consumer of its own queue. One piece, so every such service wires them alike.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createAwsMessagingClients } from './aws-clients.ts';
import { type EventHandlerRegistry } from '@chirp/kernel/events';
import { createSnsEventPublisher } from './events.ts';
import { createConsumerMetrics, registerOutboxMetrics } from './messaging-metrics.ts';
import type { ShutdownResource } from './http-service.ts';
import { createSqsConsumer, queueSettingsOf } from './sqs-consumer.ts';
import { createOutboxRelay } from './outbox.ts';

export interface ServiceMessagingOptions {
  pool: Pool;
  /** The `MessagingConfig` fragment of `@chirp/common/config`. */
  config: { AWS_REGION: string; AWS_ENDPOINT_URL?: string | undefined; EVENTS_QUEUE_URL: string; EVENTS_DLQ_URL: string; SQS_DELETE_BATCH_MS?: number; SQS_RECEIVE_GATHER_MS?: number; OUTBOX_GATHER_MS?: number };
  /** The topic the service's outbox rows name, and the ARN the relay publishes them to. */
  publishes: { topic: string; topicArn: string };
  /** What the service does with its queue's events; `name` labels it in shutdown logs. */
  consumes: { name: string; handlers: EventHandlerRegistry };
  log: Logger;
  /** The service's /metrics registry: outbox backlog, consumer outcomes and queue depths go there. */
  metrics: Registry;
}

/**
 * Starts the relay and the consumer (after the migrations: the relay needs the outbox table).
 * On shutdown the consumer stops at once; the relay runs until HTTP has closed, so what the
 * last requests wrote is published.
 */
export async function startServiceMessaging(options: ServiceMessagingOptions): Promise<{ consumer: ShutdownResource; relay: ShutdownResource }> {
  const { sns, sqs } = createAwsMessagingClients({ region: options.config.AWS_REGION, endpoint: options.config.AWS_ENDPOINT_URL });
  const relay = createOutboxRelay({
    pool: options.pool,
    publishers: { [options.publishes.topic]: createSnsEventPublisher({ sns, topicArn: options.publishes.topicArn }) },
    log: options.log,
    gatherMs: options.config.OUTBOX_GATHER_MS,
  });
  registerOutboxMetrics(options.metrics, options.pool, options.log);
  const consumerMetrics = createConsumerMetrics(options.metrics, {
    sqs,
    queueUrl: options.config.EVENTS_QUEUE_URL,
    deadLetterQueueUrl: options.config.EVENTS_DLQ_URL,
    log: options.log,
  });
  const consumer = createSqsConsumer({
    sqs,
    ...queueSettingsOf(options.config),
    handlers: options.consumes.handlers,
    log: options.log,
    onProcessed: consumerMetrics.onProcessed,
  });
  await relay.start();
  consumer.start();
  return {
    consumer: { name: options.consumes.name, close: () => consumer.stop() },
    relay: { name: 'outbox relay', close: () => relay.stop() },
  };
}
