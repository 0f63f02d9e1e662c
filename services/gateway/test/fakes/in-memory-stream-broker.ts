import type { StreamBroker } from '../../src/use-cases/streaming-ports.ts';

/** Pub/sub in one process, with the Redis broker's contract: a listener hears its channel until it stops. */
export function createInMemoryStreamBroker(): StreamBroker & { publish(channel: string, text: string): number; listened(channel: string): number } {
  const listeners = new Map<string, Set<(text: string) => void>>();
  return {
    async listen(channel, onMessage) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0) listeners.delete(channel);
      };
    },
    publish(channel, text) {
      const set = listeners.get(channel) ?? new Set();
      for (const listener of set) listener(text);
      return set.size;
    },
    listened: (channel) => listeners.get(channel)?.size ?? 0,
  };
}
