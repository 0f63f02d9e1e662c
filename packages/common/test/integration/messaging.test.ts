import { eventually } from '@chirp/testing/eventually';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { createTestTopology, type TestTopology } from '@chirp/testing/stack';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  createSnsEventPublisher,
  createSqsConsumer,
  defineEvent,
  type EventEnvelope,
  EventHandlerRegistry,
  type SqsConsumer,
} from '../../src/events.ts';

const NoteWritten = defineEvent('note.written', 1, Type.Object({ noteId: Type.String(), text: Type.String() }, { additionalProperties: false }));
const MAX_RECEIVES = 3;
const log = pino({ level: process.env.TEST_LOG ?? 'silent' });

let topology: TestTopology;
let consumer: SqsConsumer | undefined;
beforeAll(async () => {
  topology = await createTestTopology({
    topics: ['notes'],
    queues: [{ name: 'note-readers', subscribesTo: ['notes'], maxReceiveCount: MAX_RECEIVES, visibilityTimeoutSeconds: 5 }],
  });
});
afterEach(async () => {
  await consumer?.stop();
  consumer = undefined;
});
afterAll(async () => {
  await topology.destroy();
});

const queueUrl = () => topology.queueUrls['note-readers']!;
const dlqUrl = () => topology.deadLetterQueueUrls['note-readers']!;

function startConsumer(handler: (event: EventEnvelope<{ noteId: string; text: string }>, receiveCount: number) => Promise<void>) {
  consumer = createSqsConsumer({
    sqs: topology.clients.sqs,
    queueUrl: queueUrl(),
    deadLetterQueueUrl: dlqUrl(),
    handlers: new EventHandlerRegistry().on(NoteWritten, (event, { receiveCount }) => handler(event, receiveCount)),
    log,
    concurrency: 4,
    waitTimeSeconds: 1,
    retryBaseSeconds: 0,
  });
  consumer.start();
  return consumer;
}

async function receiveFromDlq(): Promise<Array<{ body: string; reason: string | undefined }>> {
  const result = await topology.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlqUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 2, MessageAttributeNames: ['All'] }),
  );
  return (result.Messages ?? []).map((m) => ({ body: m.Body ?? '', reason: m.MessageAttributes?.deadLetterReason?.StringValue }));
}

async function queueDepth(url: string): Promise<number> {
  const result = await topology.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(result.Attributes?.ApproximateNumberOfMessages) + Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

describe('SNS to SQS', () => {
  it('when 25 events are published to the topic, then each arrives once on the subscribed queue and is deleted after handling', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const events = Array.from({ length: 25 }, (_, i) => createEvent(NoteWritten, { noteId: String(i), text: `note ${i}` }));
    const seen: string[] = [];
    startConsumer(async (event) => {
      seen.push(event.id);
    });
    await publisher.publish(events);
    await eventually(() => seen.length >= 25);
    expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    await consumer!.stop();
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it(`when a handler keeps failing, then the message is retried and lands in the dead-letter queue after ${MAX_RECEIVES} receives`, async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const poisoned = createEvent(NoteWritten, { noteId: 'p', text: 'always fails' });
    const receives: number[] = [];
    startConsumer(async (_event, receiveCount) => {
      receives.push(receiveCount);
      throw new Error('handler bug');
    });
    await publisher.publish([poisoned]);
    await eventually(() => receives.length >= MAX_RECEIVES);
    // One more poll lets SQS apply the redrive policy on the next receive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await consumer!.stop();
    expect(receives).toEqual([1, 2, 3]);
    const dead = await receiveFromDlq();
    expect(dead.map((m) => (JSON.parse(m.body) as EventEnvelope).id)).toEqual([poisoned.id]);
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it('when a message is malformed or of an unknown type, then it goes to the dead-letter queue at once with the reason, and the queue keeps flowing', async () => {
    const good = createEvent(NoteWritten, { noteId: 'g', text: 'fine' });
    const unknown = { ...createEvent(NoteWritten, { noteId: 'u', text: 'x' }), type: 'note.exploded' };
    for (const body of ['{not json', JSON.stringify(unknown), JSON.stringify(good)]) {
      await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: body }));
    }
    const handled: string[] = [];
    startConsumer(async (event) => {
      handled.push(event.id);
    });
    await eventually(() => handled.length === 1);
    await eventually(() => consumer!.inFlight === 0);
    expect(handled).toEqual([good.id]);
    const dead = await receiveFromDlq();
    expect(dead.map((m) => m.reason).sort()).toEqual(['message body is not JSON', 'no handler for event type note.exploded v1']);
  });
});
