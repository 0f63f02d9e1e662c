// The timeline's Prometheus metrics, with the queue depth read from the SNS/SQS emulator.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createTestTopology, type TestTopology } from '@chirp/testing/stack';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTimelineMetrics } from '../../src/infrastructure/metrics.ts';

let topology: TestTopology;
beforeAll(async () => {
  topology = await createTestTopology();
});
afterAll(async () => {
  await topology.destroy();
});

it('when fan-out writes, events are handled or fail, and messages wait, then /metrics shows lag, entries, outcomes and queue depth', async () => {
  const registry = new Registry();
  const queueUrl = topology.queueUrls['chirp-timeline']!;
  const metrics = createTimelineMetrics(registry, { sqs: topology.clients.sqs, queueUrl });
  metrics.fanout.entriesWritten(1000);
  metrics.fanout.entriesWritten(4);
  metrics.fanout.lag(0.3);
  metrics.onProcessed('handled', { type: 'tweet.created' });
  metrics.onProcessed('failed', { type: 'tweet.created' });
  metrics.onProcessed('dead_lettered', { type: 'invalid' });
  for (const body of ['{}', '{}', '{}']) await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

  const text = await registry.metrics();
  expect(text).toContain('chirp_timeline_entries_written_total 1004');
  expect(text).toContain('chirp_timeline_fanout_lag_seconds_count 1');
  expect(text).toMatch(/chirp_timeline_fanout_lag_seconds_bucket\{le="0.5"\} 1/);
  expect(text).toContain('chirp_timeline_events_total{type="tweet.created",outcome="handled"} 1');
  expect(text).toContain('chirp_timeline_events_total{type="tweet.created",outcome="failed"} 1');
  expect(text).toContain('chirp_timeline_events_total{type="invalid",outcome="dead_lettered"} 1');
  expect(text).toContain('chirp_timeline_queue_depth 3');
});

it('when the process does not consume (the api role), then no queue depth is reported and SQS is never asked', async () => {
  const registry = new Registry();
  createTimelineMetrics(registry);
  const text = await registry.metrics();
  expect(text).toContain('chirp_timeline_entries_written_total 0');
  expect(text).not.toContain('chirp_timeline_queue_depth');
});
