// W3C trace context across the outbox and SNS/SQS. Only @opentelemetry/api: without the SDK
// (`@chirp/common/tracing` not loaded, or no OTLP endpoint) every call here is the API's no-op,
// so the carrier is empty, no attribute is added and spans are not recorded.
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@chirp/common/messaging');

/** The active trace context as W3C headers (`traceparent`, `tracestate`); undefined when not tracing. */
export function captureTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

type MessageAttributes = Record<string, { DataType?: string | undefined; StringValue?: string | undefined }>;

/** SNS/SQS message attributes carrying `carrier` (at most two of the ten a message may have). */
function traceAttributes(carrier: Record<string, string> | undefined): Record<string, { DataType: 'String'; StringValue: string }> {
  const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {};
  for (const [key, value] of Object.entries(carrier ?? {})) attributes[key] = { DataType: 'String', StringValue: value };
  return attributes;
}

/** The attributes of a message sent now, in the active trace (a fan-out chunk sent while handling an event). */
export const activeTraceAttributes = () => traceAttributes(captureTraceContext());

/** Where the outbox relay hands an event's stored trace context to the publisher; JSON.stringify skips it. */
export const TRACE_CARRIER = Symbol('chirp.traceCarrier');
export type Traced<T> = T & { [TRACE_CARRIER]?: Record<string, string> | null | undefined };

/**
 * A PRODUCER span `publish <type>`, child of the trace the event was written in (the carrier kept
 * with its outbox row), and the message attributes that carry it on; `end` once the publish settled.
 * Without a carrier (written untraced) nothing is started.
 */
export function openPublishSpan(event: Traced<{ type: string; id: string }>): { attributes: ReturnType<typeof traceAttributes>; end(error?: Error): void } {
  const carrier = event[TRACE_CARRIER];
  if (!carrier) return { attributes: {}, end: () => undefined };
  const parent = propagation.extract(context.active(), carrier);
  const span = tracer.startSpan(
    `publish ${event.type}`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'aws_sns', 'messaging.operation.type': 'send', 'messaging.message.id': event.id } },
    parent,
  );
  const attributes: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), attributes);
  return {
    attributes: traceAttributes(attributes),
    end(error) {
      if (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      span.end();
    },
  };
}

/**
 * Runs `work` in a CONSUMER span `process <type>`, child of the trace the message's attributes
 * carry (or a new trace when they carry none): the handler's store calls are its children.
 */
export function inProcessSpan<T>(attributes: MessageAttributes | undefined, event: { type: string; id: string }, queue: string, work: () => Promise<T>): Promise<T> {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value.StringValue !== undefined) carrier[key] = value.StringValue;
  const parent = propagation.extract(context.active(), carrier);
  return tracer.startActiveSpan(
    `process ${event.type}`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'process', 'messaging.destination.name': queue, 'messaging.message.id': event.id } },
    parent,
    (span) => settle(span, work),
  );
}

async function settle<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
