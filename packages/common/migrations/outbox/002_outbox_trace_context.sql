-- The W3C trace context (traceparent, tracestate) the change was written in, so the relay
-- publishes each event in the trace of the request that made it; null when not tracing.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS trace_context jsonb;
