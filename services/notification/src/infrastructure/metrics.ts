import { Counter, type Registry } from 'prom-client';
import type { Logger } from '@chirp/common/logging';
import type { NotificationMetrics } from '../use-cases/ports.ts';

/**
 * The notification service's own metrics: notifications created by type, and pushes that
 * failed (the notifications are stored; clients get them on reconnect). The consumer's
 * outcomes, handling time and event age come from @chirp/common/messaging-metrics.
 */
export function createNotificationMetrics(registry: Registry, log: Logger): NotificationMetrics {
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
  const port: NotificationMetrics = {
    created: (type, count) => created.inc({ type }, count),
    pushFailed: (error, notifications) => {
      pushFailures.inc();
      log.warn({ err: error, notifications }, 'pushing new notifications to streams failed; they are stored and replayed on reconnect (check the stream Redis)');
    },
  };
  return port;
}
