import { randomUUID } from 'node:crypto';
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { Logger } from 'pino';

export const ISO_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';

/** The one shape every event travels in. `id` is unique per event and is what consumers dedupe on. */
export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    type: Type.String({ pattern: '^[a-z]+(\\.[a-z_]+)+$' }),
    occurredAt: Type.String({ pattern: ISO_DATE_TIME }),
    version: Type.Integer({ minimum: 1 }),
    payload: Type.Unknown(),
  },
  { additionalProperties: false },
);

export interface EventEnvelope<P = unknown> {
  id: string;
  type: string;
  occurredAt: string;
  version: number;
  payload: P;
}

/** A named, versioned event with the schema its payload must satisfy on both sides of the wire. */
export interface EventDefinition<S extends TSchema = TSchema> {
  type: string;
  version: number;
  schema: S;
  check: TypeCheck<S>;
}

export function defineEvent<S extends TSchema>(type: string, version: number, schema: S): EventDefinition<S> {
  return { type, version, schema, check: TypeCompiler.Compile(schema) };
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

function assertPayload<S extends TSchema>(definition: EventDefinition<S>, payload: unknown): asserts payload is Static<S> {
  if (!definition.check.Check(payload)) {
    const first = definition.check.Errors(payload).First();
    throw new InvalidEventError(
      `payload of ${definition.type} v${definition.version} is invalid at '${first?.path ?? ''}': ${first?.message ?? 'unknown'}`,
    );
  }
}

/** Builds an envelope, validating the payload so a bad event never leaves the producer. */
export function createEvent<S extends TSchema>(
  definition: EventDefinition<S>,
  payload: Static<S>,
  options: { id?: string; occurredAt?: Date } = {},
): EventEnvelope<Static<S>> {
  assertPayload(definition, payload);
  return {
    id: options.id ?? randomUUID(),
    type: definition.type,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    version: definition.version,
    payload,
  };
}

const envelopeCheck = TypeCompiler.Compile(EventEnvelopeSchema);

/** Parses a message body into an envelope; throws InvalidEventError naming what is wrong. */
export function parseEnvelope(body: string): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidEventError('message body is not JSON');
  }
  if (!envelopeCheck.Check(value)) {
    const first = envelopeCheck.Errors(value).First();
    throw new InvalidEventError(`not an event envelope: '${first?.path ?? ''}' ${first?.message ?? ''}`.trim());
  }
  return value;
}

/** The port use cases publish through. */
export interface EventPublisher {
  publish(events: readonly EventEnvelope[]): Promise<void>;
}

const SNS_BATCH_SIZE = 10;

/**
 * Publishes envelopes to one SNS topic in batches of 10. The event type travels as a
 * message attribute too, so subscriptions can filter on it without parsing bodies.
 * Throws when any entry fails, so the caller (the outbox relay) retries the lot.
 */
export function createSnsEventPublisher(options: { sns: SNSClient; topicArn: string }): EventPublisher {
  return {
    async publish(events) {
      for (let start = 0; start < events.length; start += SNS_BATCH_SIZE) {
        const batch = events.slice(start, start + SNS_BATCH_SIZE);
        const result = await options.sns.send(
          new PublishBatchCommand({
            TopicArn: options.topicArn,
            PublishBatchRequestEntries: batch.map((event, index) => ({
              Id: String(index),
              Message: JSON.stringify(event),
              MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type } },
            })),
          }),
        );
        const failed = result.Failed ?? [];
        if (failed.length > 0) {
          const detail = failed.map((f) => `${batch[Number(f.Id)]?.id}: ${f.Code} ${f.Message ?? ''}`).join('; ');
          throw new Error(`SNS rejected ${failed.length} of ${batch.length} events on ${options.topicArn}: ${detail}`);
        }
      }
    },
  };
}

export type EventHandler<P = unknown> = (event: EventEnvelope<P>, context: { receiveCount: number; log: Logger }) => Promise<void>;

/** Maps event types to their definition and handler; types not listed are poison for this consumer. */
export class EventHandlerRegistry {
  readonly #entries = new Map<string, { definition: EventDefinition; handler: EventHandler }>();

  on<S extends TSchema>(definition: EventDefinition<S>, handler: EventHandler<Static<S>>): this {
    this.#entries.set(`${definition.type}@${definition.version}`, { definition, handler: handler });
    return this;
  }

  /** Validates the payload against its definition and returns the handler to run. */
  resolve(event: EventEnvelope): EventHandler {
    const entry = this.#entries.get(`${event.type}@${event.version}`);
    if (!entry) throw new InvalidEventError(`no handler for event type ${event.type} v${event.version}`);
    assertPayload(entry.definition, event.payload);
    return entry.handler;
  }
}

export interface SqsConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Where messages that can never succeed (malformed, unknown type) go at once, with the reason. */
  deadLetterQueueUrl: string;
  handlers: EventHandlerRegistry;
  log: Logger;
  /** Messages handled at once; the poller asks SQS only for as many as there is room for. */
  concurrency?: number;
  waitTimeSeconds?: number;
  visibilityTimeoutSeconds?: number;
  /** Delay before a failed message is visible again: min(base * 2^(receives-1), max). */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  onProcessed?: (outcome: 'handled' | 'failed' | 'dead_lettered', event: { type: string }, startedAt: number) => void;
}

export interface SqsConsumer {
  start(): void;
  /**
   * Stops receiving and waits for messages being handled to finish. The receive under
   * way is not aborted (an aborted long poll can still be handed messages by SQS, which
   * then stay invisible until their timeout); it ends within `waitTimeSeconds` and its
   * messages are handled before stop resolves.
   */
  stop(): Promise<void>;
  readonly inFlight: number;
}

/**
 * Long-polls one queue and hands each message to its handler. A message is deleted
 * only after its handler succeeded; a failure makes it visible again after a backoff,
 * and the queue's redrive policy moves it to the dead-letter queue after N receives.
 */
export function createSqsConsumer(options: SqsConsumerOptions): SqsConsumer {
  const concurrency = options.concurrency ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const retryBase = options.retryBaseSeconds ?? 1;
  const retryMax = options.retryMaxSeconds ?? 60;
  const log = options.log.child({ component: 'sqs-consumer', queueUrl: options.queueUrl });
  let running = false;
  let inFlight = 0;
  let loop: Promise<void> | undefined;
  const idle: Array<() => void> = [];
  const notifyIdle = () => {
    while (idle.length > 0) idle.shift()?.();
  };
  const waitForSlot = () => new Promise<void>((resolve) => idle.push(resolve));

  const handle = async (message: Message): Promise<void> => {
    const startedAt = performance.now();
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    let event: EventEnvelope;
    let handler: EventHandler;
    try {
      event = parseEnvelope(message.Body ?? '');
      handler = options.handlers.resolve(event);
    } catch (error) {
      await deadLetter(message, (error as Error).message);
      options.onProcessed?.('dead_lettered', { type: 'invalid' }, startedAt);
      return;
    }
    const eventLog = log.child({ eventId: event.id, eventType: event.type, messageId: message.MessageId });
    try {
      await handler(event, { receiveCount, log: eventLog });
    } catch (error) {
      const delay = Math.min(retryMax, retryBase * 2 ** (receiveCount - 1));
      eventLog.error({ err: error, receiveCount, retryInSeconds: delay }, 'event handler failed; the message will be retried');
      await options.sqs
        .send(new ChangeMessageVisibilityCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: delay }))
        .catch((err: unknown) => eventLog.warn({ err }, 'could not shorten visibility; the message returns after the visibility timeout'));
      options.onProcessed?.('failed', event, startedAt);
      return;
    }
    await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    options.onProcessed?.('handled', event, startedAt);
  };

  const deadLetter = async (message: Message, reason: string) => {
    log.error(
      { messageId: message.MessageId, reason, body: message.Body?.slice(0, 512), deadLetterQueueUrl: options.deadLetterQueueUrl },
      'unprocessable message moved to the dead-letter queue',
    );
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MessageBody: message.Body ?? '',
        MessageAttributes: {
          deadLetterReason: { DataType: 'String', StringValue: reason.slice(0, 256) },
          sourceQueueUrl: { DataType: 'String', StringValue: options.queueUrl },
        },
      }),
    );
    await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  };

  const poll = async () => {
    let failures = 0;
    while (running) {
      if (inFlight >= concurrency) {
        await waitForSlot();
        continue;
      }
      let messages: Message[];
      try {
        const result = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, concurrency - inFlight),
            WaitTimeSeconds: waitTimeSeconds,
            VisibilityTimeout: options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = result.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (!running) break;
        failures += 1;
        const backoff = Math.min(30_000, 250 * 2 ** failures);
        log.error({ err: error, retryInMs: backoff }, 'receiving from SQS failed; check the queue URL, credentials and endpoint');
        await new Promise((resolve) => setTimeout(resolve, backoff));
        continue;
      }
      for (const message of messages) {
        inFlight += 1;
        void handle(message)
          .catch((error: unknown) => log.error({ err: error, messageId: message.MessageId }, 'could not settle message; it will be redelivered'))
          .finally(() => {
            inFlight -= 1;
            notifyIdle();
          });
      }
    }
  };

  return {
    get inFlight() {
      return inFlight;
    },
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    async stop() {
      running = false;
      notifyIdle();
      await loop;
      while (inFlight > 0) await waitForSlot();
    },
  };
}
