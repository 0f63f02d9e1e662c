import type { StreamChannels, StreamPublisher } from '@chirp/common/stream-channels';
import type { NotificationPush } from '../use-cases/ports.ts';

/**
 * Pushes to the gateway replicas through Redis pub/sub, on each recipient's own channel. A
 * replica subscribes to a user's channel only while it holds that user's stream, so
 * `connected` (one PUBSUB NUMSUB) tells who is online, and offline users cost no hydration.
 */
export function createRedisNotificationPush(publisher: StreamPublisher, channels: StreamChannels): NotificationPush {
  return {
    async connected(recipientIds) {
      const listened = new Set(await publisher.listened(recipientIds.map(channels.user)));
      return new Set(recipientIds.filter((id) => listened.has(channels.user(id))));
    },
    async push(deliveries) {
      await publisher.publish(
        deliveries.map(({ recipientId, notification, at }) => ({
          channel: channels.user(recipientId),
          message: { event: 'notification', id: notification.id, data: notification, at: at.getTime() },
        })),
      );
    },
  };
}
