import { randomUUID } from 'node:crypto';
import { createStreamPublisher } from '@chirp/common/stream-channels';
import { eventually } from '@chirp/testing/eventually';
import { stackEnv } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createRedisStreamBroker } from '../../src/infrastructure/redis-stream-broker.ts';
import { streamBrokerContract } from '../contract/stream-broker.contract.ts';

/** Two replicas' subscriber connections and a publisher's, on the real Redis; channel names are the suite's own. */
const twoReplicas = () => {
  // The replicas connect when their first listen comes, as at a gateway's start.
  const subscribers = [new Redis(stackEnv().REDIS_URL, { lazyConnect: true }), new Redis(stackEnv().REDIS_URL, { lazyConnect: true })] as const;
  const publisherConnection = new Redis(stackEnv().REDIS_URL);
  const publisher = createStreamPublisher(publisherConnection);
  const replicas = [createRedisStreamBroker(subscribers[0]), createRedisStreamBroker(subscribers[1])] as const;
  return {
    replicas,
    publish: async (channel: string, text: string) => void (await publisherConnection.publish(channel, text)),
    listened: async (channel: string) => (await publisher.listened([channel])).length > 0,
    close: async () => {
      for (const connection of [...subscribers, publisherConnection]) connection.disconnect();
    },
  };
};

streamBrokerContract('Redis, two gateway replicas', async () => twoReplicas());

it('when the last local listener of a channel stops, then the replica unsubscribes from it', async () => {
  const { replicas, listened, close } = twoReplicas();
  const [a] = replicas;
  const channel = `test:${randomUUID()}:user:1`;
  try {
    const stops = [await a.listen(channel, () => undefined), await a.listen(channel, () => undefined)];
    expect(a.channels).toBe(1);
    await stops[0]!();
    expect([a.channels, await listened(channel)]).toEqual([1, true]);
    await stops[1]!();
    expect([a.channels, await listened(channel)]).toEqual([0, false]);
  } finally {
    await close();
  }
});

it('when a subscribe is refused, then listen rejects and the next listen subscribes again', async () => {
  const { publish, close } = twoReplicas();
  // Closed before it ever connects: its commands are refused until connect().
  const subscriber = new Redis(stackEnv().REDIS_URL, { lazyConnect: true });
  subscriber.disconnect();
  const broker = createRedisStreamBroker(subscriber);
  const channel = `test:${randomUUID()}:user:1`;
  const heard: string[] = [];
  try {
    await expect(broker.listen(channel, (text) => heard.push(text))).rejects.toThrow(/closed/);
    await subscriber.connect();
    await broker.listen(channel, (text) => heard.push(text));
    await publish(channel, 'after the refusal');
    await eventually(() => heard.length > 0, 'the message after the refusal', 5000);
    expect([heard, broker.channels]).toEqual([['after the refusal'], 1]);
  } finally {
    subscriber.disconnect();
    await close();
  }
});
