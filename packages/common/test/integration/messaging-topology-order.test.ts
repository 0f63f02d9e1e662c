// A publish must never reach a topic before the topic's subscriptions exist: SNS accepts it and
// delivers it nowhere. Checked across emulator restarts (private emulators on 25567 and 25568,
// started as scripts/stack.sh starts the shared one).
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { drainEvents } from '@chirp/testing/eventually';
import { type PrivateServer, startPrivateEmulator } from '@chirp/testing/private-servers';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsMessagingClients } from '../../src/aws-clients.ts';
import { createEvent, defineEvent } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '../../src/events.ts';
import { CHIRP_TOPOLOGY, deadLetterQueueName } from '../../src/messaging-topology.ts';

const Written = defineEvent('note.written', 1, Type.Object({ n: Type.Integer() }));
const servers: PrivateServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.destroy()));
});

describe('the local emulator restarting', () => {
  const tweetEvents = 'arn:aws:sns:us-east-1:000000000000:chirp-tweet-events';
  const subscribers = CHIRP_TOPOLOGY.queues.filter((queue) => queue.subscribesTo.includes('chirp-tweet-events') && queue.eventTypes?.includes('tweet.created') !== false);
  const TweetCreatedLike = defineEvent('tweet.created', 1, Type.Object({ tweetId: Type.String() }));

  async function onEmulator(server: PrivateServer) {
    const clients = createAwsMessagingClients({ region: 'us-east-1', endpoint: server.url });
    const queueUrl = async (name: string) => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    return { clients, queueUrl };
  }

  it('when the emulator (without persistence) restarts, then its very first publish already reaches every subscribed queue', async () => {
    const server = await startPrivateEmulator(25568, { persistent: false });
    servers.push(server);
    await server.stop({ kill: true });
    await server.start();
    const { clients, queueUrl } = await onEmulator(server);
    const event = createEvent(TweetCreatedLike, { tweetId: '1' });
    // No provisioning step after the start: the emulator applied the topology before it listened.
    await createSnsEventPublisher({ sns: clients.sns, topicArn: tweetEvents }).publish([event]);
    expect(subscribers.length).toBeGreaterThanOrEqual(2);
    for (const queue of subscribers) {
      expect({ queue: queue.name, ids: (await drainEvents(clients.sqs, await queueUrl(queue.name))).map((e) => e.id) }).toEqual({ queue: queue.name, ids: [event.id] });
    }
    clients.sns.destroy();
    clients.sqs.destroy();
  });

  it('when the emulator (with persistence, as scripts/stack.sh runs it) is killed and started again, then messages waiting on its queues are still there', async () => {
    const server = await startPrivateEmulator(25567);
    servers.push(server);
    const before = await onEmulator(server);
    const waiting = createEvent(Written, { n: 1 });
    const dead = createEvent(Written, { n: 2 });
    await before.clients.sqs.send(new SendMessageCommand({ QueueUrl: await before.queueUrl('chirp-user'), MessageBody: JSON.stringify(waiting) }));
    await before.clients.sqs.send(new SendMessageCommand({ QueueUrl: await before.queueUrl(deadLetterQueueName('chirp-user')), MessageBody: JSON.stringify(dead) }));
    before.clients.sns.destroy();
    before.clients.sqs.destroy();

    await server.stop({ kill: true });
    await server.start();
    const after = await onEmulator(server);
    const received = async (queue: string) => {
      const result = await after.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: await after.queueUrl(queue), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      return (result.Messages ?? []).map((m) => (JSON.parse(m.Body!) as { id: string }).id);
    };
    expect(await received('chirp-user')).toEqual([waiting.id]);
    expect(await received(deadLetterQueueName('chirp-user'))).toEqual([dead.id]);
    after.clients.sns.destroy();
    after.clients.sqs.destroy();
  });
});
