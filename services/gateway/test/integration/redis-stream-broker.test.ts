import { randomUUID } from 'node:crypto';
import { createStreamPublisher, streamChannels } from '@chirp/common/stream-channels';
import { eventually } from '@chirp/testing/eventually';
import { stackEnv } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRedisStreamBroker } from '../../src/infrastructure/redis-stream-broker.ts';

const connections = [new Redis(stackEnv().REDIS_URL), new Redis(stackEnv().REDIS_URL), new Redis(stackEnv().REDIS_URL)];
afterAll(() => {
  for (const connection of connections) connection.disconnect();
});
const [replicaA, replicaB, publisherConnection] = connections as [Redis, Redis, Redis];
const channels = streamChannels(`test:${randomUUID()}:`);

it('when two replicas listen to different users, then a publish reaches only the replica holding that user, and a channel is dropped with its last listener', async () => {
  const a = createRedisStreamBroker(replicaA);
  const b = createRedisStreamBroker(replicaB);
  const publisher = createStreamPublisher(publisherConnection);
  const heardA: string[] = [];
  const heardB: string[] = [];
  const stopA1 = await a.listen(channels.user('1'), (text) => heardA.push(`first ${text}`));
  const stopA2 = await a.listen(channels.user('1'), (text) => heardA.push(`second ${text}`));
  const stopB = await b.listen(channels.user('2'), (text) => heardB.push(text));
  expect(await publisher.listened([channels.user('1'), channels.user('2'), channels.user('3')])).toEqual([channels.user('1'), channels.user('2')]);

  await publisher.publish([
    { channel: channels.user('1'), message: { event: 'delete', data: { id: '9' }, at: 1 } },
    { channel: channels.user('2'), message: { event: 'delete', data: { id: '8' }, at: 2 } },
  ]);
  await eventually(() => heardA.length === 2 && heardB.length === 1, 'each replica its own');
  expect(heardA.sort()).toEqual(['first {"event":"delete","data":{"id":"9"},"at":1}', 'second {"event":"delete","data":{"id":"9"},"at":1}']);
  expect(heardB).toEqual(['{"event":"delete","data":{"id":"8"},"at":2}']);

  await stopA1();
  expect(await publisher.listened([channels.user('1')])).toEqual([channels.user('1')]);
  await stopA2();
  await stopB();
  expect(await publisher.listened([channels.user('1'), channels.user('2')])).toEqual([]);
  expect(a.channels + b.channels).toBe(0);
});
