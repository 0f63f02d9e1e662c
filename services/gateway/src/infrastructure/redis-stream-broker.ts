import type { Redis } from 'ioredis';
import type { StreamBroker } from '../use-cases/streaming-ports.ts';

/** A channel this replica is subscribed to (or subscribing to), and its local listeners. */
interface Subscription {
  listeners: Set<(text: string) => void>;
  subscribed: Promise<unknown>;
}

/**
 * Redis pub/sub on one subscriber connection per process. A channel is subscribed while at
 * least one local stream listens to it and unsubscribed with the last, so Redis sends this
 * replica only what its connected clients want (ioredis re-subscribes after a reconnect).
 * Every listen, the first of a channel or one joining it, resolves only once Redis has
 * confirmed the subscription, so nothing published after it resolves is missed.
 */
export function createRedisStreamBroker(subscriber: Redis): StreamBroker & { readonly channels: number } {
  const subscriptions = new Map<string, Subscription>();
  subscriber.on('message', (channel: string, text: string) => {
    for (const listener of subscriptions.get(channel)?.listeners ?? []) listener(text);
  });
  const subscribe = (channel: string): Subscription => {
    const subscription: Subscription = { listeners: new Set(), subscribed: subscriber.subscribe(channel) };
    subscriptions.set(channel, subscription);
    // A refused subscribe leaves nothing behind, so the next listen asks Redis again.
    subscription.subscribed.catch(() => {
      if (subscriptions.get(channel) === subscription) subscriptions.delete(channel);
    });
    return subscription;
  };
  return {
    get channels() {
      return subscriptions.size;
    },
    async listen(channel, onMessage) {
      for (;;) {
        const subscription = subscriptions.get(channel) ?? subscribe(channel);
        await subscription.subscribed;
        // Its last listener stopped while this one waited: the channel is being unsubscribed, so subscribe anew.
        if (subscriptions.get(channel) !== subscription) continue;
        subscription.listeners.add(onMessage);
        return async () => {
          subscription.listeners.delete(onMessage);
          if (subscription.listeners.size > 0 || subscriptions.get(channel) !== subscription) return;
          subscriptions.delete(channel);
          await subscriber.unsubscribe(channel);
        };
      }
    },
  };
}
