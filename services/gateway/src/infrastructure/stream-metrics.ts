import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StreamMetrics } from '../adapters/http/event-streams.ts';

/** What an operator watches on the streams of one gateway replica. */
export function createStreamMetrics(registry: Registry): StreamMetrics {
  const open = new Gauge({ name: 'chirp_gateway_stream_connections', help: 'Server-Sent Event streams open on this replica', registers: [registry] });
  const closed = new Counter({
    name: 'chirp_gateway_stream_closed_total',
    help: 'Streams ended, by reason: client (went away), expired (token), revoked (session signed out), slow (buffer limit passed: dropped), shutdown (drain)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'chirp_gateway_stream_events_delivered_total',
    help: 'Live events written to streams, by event (notification, update, delete); replays not counted',
    labelNames: ['event'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'chirp_gateway_stream_delivery_lag_seconds',
    help: 'From the act (tweet posted, follow, like...) to its event being written to a stream',
    labelNames: ['event'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  for (const reason of ['client', 'expired', 'revoked', 'slow', 'shutdown']) closed.inc({ reason }, 0);
  return {
    opened: () => open.inc(),
    closed: (reason) => {
      open.dec();
      closed.inc({ reason });
    },
    delivered: (event, seconds) => {
      delivered.inc({ event });
      lag.observe({ event }, seconds);
    },
  };
}
