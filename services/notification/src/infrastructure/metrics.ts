import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '@chirp/common/logging';
import type { NotificationMetrics } from '../use-cases/ports.ts';

/**
 * What an operator watches on the notification service: notifications created by type, pushes
 * that failed (the notifications are stored; clients get them on reconnect), and the queue
 * consumer's outcomes and lag (event occurred → handled).
 */
export function createNotificationMetrics(registry: Registry, log: Logger) {
  const created = new Counter({
    name: 'chirp_notifications_created_total',
    help: 'Notifications stored, by type (follow, mention, reply, like); repeats of an act are not counted',
    labelNames: ['type'],
    registers: [registry],
  });
  const pushFailures = new Counter({
    name: 'chirp_notification_push_failures_total',
    help: 'Pushes to the stream Redis that failed; the notifications are stored and replayed on reconnect (check REDIS_URL)',
    registers: [registry],
  });
  const events = new Counter({
    name: 'chirp_notification_events_total',
    help: 'Events taken from the notification queue, by type and outcome (handled, failed, dead_lettered)',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'chirp_notification_event_lag_seconds',
    help: 'Time from an act (the event occurring) to the notification service having handled it',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const port: NotificationMetrics = {
    created: (type, count) => created.inc({ type }, count),
    pushFailed: (error, notifications) => {
      pushFailures.inc();
      log.warn({ err: error, notifications }, 'pushing new notifications to streams failed; they are stored and replayed on reconnect (check the stream Redis)');
    },
  };
  return {
    port,
    onProcessed: (outcome: 'handled' | 'failed' | 'dead_lettered', event: { type: string; occurredAt?: string }) => {
      events.inc({ type: event.type, outcome });
      if (outcome === 'handled' && event.occurredAt) lag.observe(Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    },
  };
}
