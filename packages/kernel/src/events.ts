// The event envelope every Chirp event travels in, event definitions and the registry a
// consumer resolves handlers from: pure (no I/O, no SDK), so domain and use cases can make
// events and adapters can check them. The SNS publisher and SQS consumer are in @chirp/common/events.
import { randomUUID } from 'node:crypto';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

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

/** The logger a consumer hands each handler (pino's, in practice), as far as a handler may use it. */
export interface EventLog {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export type EventHandler<P = unknown> = (event: EventEnvelope<P>, context: { receiveCount: number; log: EventLog }) => Promise<void>;

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
