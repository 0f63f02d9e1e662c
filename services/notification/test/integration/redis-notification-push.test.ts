// The Redis push against a real subscriber on the channels the gateway replicas listen to.
import { randomUUID } from 'node:crypto';
import type { NotificationJson } from '@chirp/kernel/api-v1';
import { createStreamPublisher, parseStreamMessage, streamChannels } from '@chirp/common/stream-channels';
import { createStreamListener, stackEnv } from '@chirp/testing/stack';
import { freePort } from '@chirp/testing/platform';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisNotificationPush } from '../../src/infrastructure/redis-notification-push.ts';
import { notificationPushContract, type Received } from '../contract/notification-push.contract.ts';

/** A port in this test's range that nothing listens on. */
const unreachable: Redis[] = [];
afterAll(() => {
  for (const connection of unreachable) connection.disconnect();
});

notificationPushContract('Redis, heard by a subscriber as the gateway listens', {
  async open(online) {
    const channels = streamChannels(`test:${randomUUID()}:`);
    const publisher = new Redis(stackEnv().REDIS_URL);
    const listener = await createStreamListener(online.map(channels.user), (channel, text): Received | undefined => {
      const message = parseStreamMessage(text);
      // What the gateway relies on: a notification event whose SSE id is the notification's.
      if (!message || !('event' in message) || message.event !== 'notification' || message.id !== (message.data as NotificationJson).id) return undefined;
      return { recipientId: channel.slice(channels.user('').length), notification: message.data as NotificationJson, at: message.at };
    });
    return {
      push: createRedisNotificationPush(createStreamPublisher(publisher), channels),
      received: listener.heard,
      close: async () => {
        publisher.disconnect();
        listener.close();
      },
    };
  },
  // The service's own settings (main.ts): fail fast rather than hold an event up; no reconnecting here.
  async unreachable() {
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, commandTimeout: 500, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on('error', () => undefined);
    unreachable.push(redis);
    return createRedisNotificationPush(createStreamPublisher(redis), streamChannels(`test:${randomUUID()}:`));
  },
});
