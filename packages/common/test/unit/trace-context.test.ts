// Trace context across the outbox, SNS and SQS, with the OpenTelemetry SDK recording in memory:
// the request's context stored with the event, the publish span as its child, the attributes
// carrying the publish span on, and the consumer's span as the publish span's child.
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activeTraceAttributes, captureTraceContext, inProcessSpan, openPublishSpan, TRACE_CARRIER } from '../../src/trace-context.ts';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

const event = { id: 'e-1', type: 'tweet.created' };

it('when not inside a span, then nothing is captured and no span or attribute is made', async () => {
  exporter.reset();
  const publish = openPublishSpan({ ...event, [TRACE_CARRIER]: captureTraceContext() });
  publish.end();

  expect(captureTraceContext()).toBeUndefined();
  expect(publish.attributes).toEqual({});
  expect(activeTraceAttributes()).toEqual({});
  expect(exporter.getFinishedSpans()).toEqual([]);
});

it('when an event is written inside a request, then its publish and its handling are spans of the same trace, each the child of the one before', async () => {
  exporter.reset();
  const tracer = trace.getTracer('test');
  const request = tracer.startSpan('POST /v1/tweets');
  const carrier = context.with(trace.setSpan(context.active(), request), () => captureTraceContext());
  request.end();

  const publish = openPublishSpan({ ...event, [TRACE_CARRIER]: carrier });
  publish.end();
  let chunkAttributes: Record<string, unknown> = {};
  await inProcessSpan(publish.attributes, event, 'chirp-timeline', async () => {
    chunkAttributes = activeTraceAttributes();
  });

  const [publishSpan, processSpan] = exporter.getFinishedSpans().filter((span) => span.name !== 'POST /v1/tweets');
  expect(carrier?.traceparent).toMatch(new RegExp(`^00-${request.spanContext().traceId}-${request.spanContext().spanId}-01$`));
  expect(publishSpan?.name).toBe('publish tweet.created');
  expect(publishSpan?.spanContext().traceId).toBe(request.spanContext().traceId);
  expect(publishSpan?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  expect(publish.attributes.traceparent?.StringValue).toContain(publishSpan?.spanContext().spanId);
  expect(processSpan?.name).toBe('process tweet.created');
  expect(processSpan?.spanContext().traceId).toBe(request.spanContext().traceId);
  expect(processSpan?.parentSpanContext?.spanId).toBe(publishSpan?.spanContext().spanId);
  // A chunk sent while handling carries the consumer's span on.
  expect((chunkAttributes.traceparent as { StringValue: string }).StringValue).toContain(processSpan?.spanContext().spanId);
});

it('when a handler fails, then its span records the error and the failure still reaches the consumer', async () => {
  exporter.reset();
  const failing = inProcessSpan({}, event, 'chirp-user', () => Promise.reject(new Error('store down')));

  await expect(failing).rejects.toThrow('store down');
  const [span] = exporter.getFinishedSpans();
  expect(span?.status).toMatchObject({ code: 2, message: 'store down' });
  expect(span?.events.map((e) => e.name)).toEqual(['exception']);
});
