import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { createTestTopology, type TestTopology } from '@chirp/testing/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, defineEvent } from '@chirp/kernel/events';
import { applyTopology, type MessagingTopology } from '../../src/messaging-topology.ts';

const Written = defineEvent('note.written', 1, Type.Object({ n: Type.Integer() }));
const Erased = defineEvent('note.erased', 1, Type.Object({ n: Type.Integer() }));
const topologyWith = (eventTypes?: string[]): MessagingTopology => ({
  topics: ['notes'],
  queues: [
    { name: 'everything', subscribesTo: ['notes'], maxReceiveCount: 3, visibilityTimeoutSeconds: 5 },
    { name: 'some', subscribesTo: ['notes'], maxReceiveCount: 3, visibilityTimeoutSeconds: 5, ...(eventTypes ? { eventTypes } : {}) },
  ],
});

let topology: TestTopology;
beforeAll(async () => {
  topology = await createTestTopology(topologyWith(['note.written']));
});
afterAll(async () => {
  await topology.destroy();
});

async function typesOn(queue: string): Promise<string[]> {
  const types: string[] = [];
  for (let empty = 0; empty < 2; ) {
    const result = await topology.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: topology.queueUrls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30 }),
    );
    const messages = result.Messages ?? [];
    if (messages.length === 0) empty += 1;
    for (const message of messages) types.push((JSON.parse(message.Body ?? '{}') as { type: string }).type);
  }
  return types.sort();
}

it('when a queue declares event types, then its subscription lets only those through; a queue without them gets every event', async () => {
  await topology.publisher('notes').publish([createEvent(Written, { n: 1 }), createEvent(Erased, { n: 2 }), createEvent(Written, { n: 3 })]);
  expect(await typesOn('some')).toEqual(['note.written', 'note.written']);
  expect(await typesOn('everything')).toEqual(['note.erased', 'note.written', 'note.written']);
});

it('when the topology is applied again with another filter, then the existing subscription is updated rather than refused', async () => {
  await applyTopology(topology.clients, topologyWith(['note.erased']), topology.prefix);
  await topology.publisher('notes').publish([createEvent(Written, { n: 4 }), createEvent(Erased, { n: 5 })]);
  expect(await typesOn('some')).toEqual(['note.erased']);
});
