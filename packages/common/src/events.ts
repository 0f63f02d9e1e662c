import { randomUUID } from 'node:crypto';
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
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
