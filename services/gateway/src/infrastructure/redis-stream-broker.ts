import type { Redis } from 'ioredis';
import type { StreamBroker } from '../use-cases/streaming-ports.ts';

/**
 * Redis pub/sub on one subscriber connection per process. A channel is subscribed while at
 * least one local stream listens to it and unsubscribed with the last, so Redis sends this
 * replica only what its connected clients want (ioredis re-subscribes after a reconnect).
 */
export function createRedisStreamBroker(subscriber: Redis): StreamBroker & { readonly channels: number } {
  const listeners = new Map<string, Set<(text: string) => void>>();
  subscriber.on('message', (channel: string, text: string) => {
    for (const listener of listeners.get(channel) ?? []) listener(text);
  });
  return {
    get channels() {
      return listeners.size;
    },
    async listen(channel, onMessage) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await subscriber.subscribe(channel);
      }
      set.add(onMessage);
      const mine = set;
      return async () => {
        mine.delete(onMessage);
        if (mine.size > 0 || listeners.get(channel) !== mine) return;
        listeners.delete(channel);
        await subscriber.unsubscribe(channel);
      };
    },
  };
}
