import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FanoutMetrics } from '../use-cases/ports.ts';
import type { ConsumerOutcome } from '@chirp/common/sqs-consumer';

/**
 * What an operator watches on the consumer: fan-out lag (tweet created → entries written),
 * entries written (rate() gives per second), queue depth, and consumer outcomes. Only a process
 * that consumes gets `queue`: the depth is read from SQS at each scrape, once per consumer.
 */
export function createTimelineMetrics(registry: Registry, queue?: { sqs: SQSClient; queueUrl: string }) {
  const lag = new Histogram({
    name: 'chirp_timeline_fanout_lag_seconds',
    help: 'Time from a tweet being created to its timeline entries being written',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const written = new Counter({
    name: 'chirp_timeline_entries_written_total',
    help: 'Home timeline entries written by fan-out',
    registers: [registry],
  });
  const events = new Counter({
    name: 'chirp_timeline_events_total',
    help: 'Events taken from the timeline queue, by type and outcome (handled, failed, dead_lettered)',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  if (queue) {
    new Gauge({
      name: 'chirp_timeline_queue_depth',
      help: 'Messages waiting on the timeline queue (SQS ApproximateNumberOfMessages), read at scrape time',
      registers: [registry],
      async collect() {
        const result = await queue.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        this.set(Number(result.Attributes?.ApproximateNumberOfMessages ?? 0));
      },
    });
  }
  const fanout: FanoutMetrics = {
    entriesWritten: (count) => written.inc(count),
    lag: (seconds) => lag.observe(Math.max(0, seconds)),
  };
  return {
    fanout,
    onProcessed: (outcome: ConsumerOutcome, event: { type: string }) => events.inc({ type: event.type, outcome }),
  };
}
