import { eventually } from '@chirp/testing/eventually';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { getEventListeners } from 'node:events';
import { Type } from '@sinclair/typebox';
import { type PrivateServer, startPrivateRedis } from '@chirp/testing/private-servers';
import { createTestTopology, type TestTopology } from '@chirp/testing/stack';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEvent, defineEvent, type EventEnvelope, EventHandlerRegistry } from '@chirp/kernel/events';
import { createSnsEventPublisher } from '../../src/events.ts';
import { createSqsConsumer, type SqsConsumer, type SqsConsumerOptions } from '../../src/sqs-consumer.ts';

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
  // SQS (and the emulator) may still hand a message to the long poll that stop aborted, until
  // its wait (1 s here) ends; the next test's messages must not land there.
  await new Promise((resolve) => setTimeout(resolve, 1100));
});
afterAll(async () => {
  await topology.destroy();
});

const queueUrl = () => topology.queueUrls['note-readers']!;
const dlqUrl = () => topology.deadLetterQueueUrls['note-readers']!;

function startConsumer(
  handler: (event: EventEnvelope<{ noteId: string; text: string }>, receiveCount: number) => Promise<void>,
  overrides: Partial<SqsConsumerOptions> = {},
) {
  consumer = createSqsConsumer({
    sqs: topology.clients.sqs,
    queueUrl: queueUrl(),
    deadLetterQueueUrl: dlqUrl(),
    handlers: new EventHandlerRegistry().on(NoteWritten, (event, { receiveCount }) => handler(event, receiveCount)),
    log,
    concurrency: 4,
    waitTimeSeconds: 1,
    visibilityTimeoutSeconds: 5,
    retryBaseSeconds: 0,
    ...overrides,
  });
  consumer.start();
  return consumer;
}

/** The test's SQS client, noting the name of every command sent through it in `calls`. */
function countingCalls(calls: string[]): SQSClient {
  const real = topology.clients.sqs;
  return { send: (command: { constructor: { name: string } }, options?: unknown) => (calls.push(command.constructor.name), real.send(command as never, options as never)) } as unknown as SQSClient;
}

/** What the dead-letter queue holds, taken out of it (so a later test's check does not see it again once its visibility ends). */
async function receiveFromDlq(): Promise<Array<{ body: string; reason: string | undefined }>> {
  const result = await topology.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: dlqUrl(), MaxNumberOfMessages: 10, WaitTimeSeconds: 2, MessageAttributeNames: ['All'] }),
  );
  const entries = (result.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
  if (entries.length > 0) await topology.clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl(), Entries: entries }));
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

  it('when messages are handled together, then they are deleted in batches, fewer calls than messages, and none is received again', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const events = Array.from({ length: 20 }, (_, i) => createEvent(NoteWritten, { noteId: String(i), text: `note ${i}` }));
    const calls: string[] = [];
    const counting = countingCalls(calls);
    const seen: string[] = [];
    startConsumer(async (event) => {
      seen.push(event.id);
    }, { sqs: counting, concurrency: 10, deleteBatchWindowMs: 20 });
    await publisher.publish(events);
    await eventually(() => seen.length >= 20);
    // Past the 3 s claim: a message whose delete had not landed would be received again by now.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    expect(calls).not.toContain('DeleteMessageCommand');
    const batches = calls.filter((name) => name === 'DeleteMessageBatchCommand').length;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(20);
    await consumer!.stop();
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it('when messages trickle in and receives gather, then several come per receive and each is handled once', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const events = Array.from({ length: 12 }, (_, i) => createEvent(NoteWritten, { noteId: String(i), text: `note ${i}` }));
    const calls: string[] = [];
    const counting = countingCalls(calls);
    const seen: string[] = [];
    startConsumer(async (event) => {
      seen.push(event.id);
    }, { sqs: counting, concurrency: 10, receiveGatherMs: 1000 });
    // One message every 50 ms: without the gather, long polling answers each on its own.
    for (const event of events) {
      await publisher.publish([event]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await eventually(() => seen.length >= 12);
    expect(calls.filter((name) => name === 'ReceiveMessageCommand').length).toBeLessThan(8);
    // Past the 3 s claim: a message received twice would be handled twice by now.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    await consumer!.stop();
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it('when stop comes while receives gather, then it cuts the wait short instead of waiting it out', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const seen: string[] = [];
    // A gather longer than this test's timeout: if stop waited it out, the test would time out.
    startConsumer(async (event) => {
      seen.push(event.id);
    }, { receiveGatherMs: 600_000 });
    await publisher.publish([createEvent(NoteWritten, { noteId: 'one', text: 'one' })]);
    await eventually(() => seen.length >= 1);
    await consumer!.stop();
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it('when a receive brings fewer messages than asked but one older than the gather, then the consumer is behind and receives again at once', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const seen: string[] = [];
    const gatherMs = 3000;
    // In the queue longer than the gather before the consumer starts: its receive is behind.
    await publisher.publish([createEvent(NoteWritten, { noteId: 'old', text: 'old' })]);
    await new Promise((resolve) => setTimeout(resolve, gatherMs + 300));
    startConsumer(async (event) => {
      seen.push(event.payload.text);
    }, { receiveGatherMs: gatherMs });
    await eventually(() => seen.includes('old'));
    const sentAt = Date.now();
    await publisher.publish([createEvent(NoteWritten, { noteId: 'next', text: 'next' })]);
    await eventually(() => seen.includes('next'), 'the next message handled', 6000);
    // Had the consumer waited out the gather after the old message, this one would come ~3 s later.
    expect(Date.now() - sentAt).toBeLessThan(gatherMs / 2);
  });

  it('when receives gather many times over, then each wait leaves no abort listener behind on the consumer\'s stop signal', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    // Every AbortSignal an 'abort' listener is added to while the consumer runs (its stop signal among them).
    const signals = new Set<AbortSignal>();
    const add = EventTarget.prototype.addEventListener;
    const spy = vi.spyOn(EventTarget.prototype, 'addEventListener').mockImplementation(function (this: EventTarget, type, listener, options) {
      if (this instanceof AbortSignal && type === 'abort') signals.add(this);
      add.call(this, type, listener, options);
    });
    try {
      const seen: string[] = [];
      startConsumer(async (event) => {
        seen.push(event.id);
      }, { receiveGatherMs: 100 });
      // One at a time, each after the last was handled: every receive brings one and then gathers.
      for (let i = 0; i < 20; i += 1) {
        await publisher.publish([createEvent(NoteWritten, { noteId: String(i), text: `note ${i}` })]);
        await eventually(() => seen.length > i);
      }
      const most = Math.max(...[...signals].map((signal) => getEventListeners(signal, 'abort').length));
      // The long poll in flight and a gather's wait hold one each; twenty finished waits must not.
      expect(most).toBeLessThanOrEqual(3);
    } finally {
      spy.mockRestore();
    }
  });

  it('when SQS refuses one entry of a delete batch, then that message is not counted as handled and is handled again; the rest are gone', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const events = Array.from({ length: 3 }, (_, i) => createEvent(NoteWritten, { noteId: String(i), text: `note ${i}` }));
    const real = topology.clients.sqs;
    let spoiled = false;
    // The first batch's first entry gets a receipt handle SQS does not know: SQS refuses that entry alone.
    const spoiling = {
      send: (command: unknown, options?: unknown) => {
        if (command instanceof DeleteMessageBatchCommand && !spoiled) {
          spoiled = true;
          const [first, ...rest] = command.input.Entries ?? [];
          return real.send(new DeleteMessageBatchCommand({ ...command.input, Entries: [{ ...first!, ReceiptHandle: 'not-a-receipt-handle' }, ...rest] }), options as never);
        }
        return real.send(command as never, options as never);
      },
    } as unknown as SQSClient;
    const seen: string[] = [];
    const outcomes: string[] = [];
    startConsumer(async (event) => {
      seen.push(event.id);
    }, { sqs: spoiling, concurrency: 10, deleteBatchWindowMs: 50, onProcessed: (outcome) => outcomes.push(outcome) });
    await publisher.publish(events);
    // The refused one comes back after its 3 s claim and is handled (and deleted) a second time.
    await eventually(() => seen.length >= 4, 'the refused message handled again', 15_000);
    await eventually(() => outcomes.filter((outcome) => outcome === 'handled').length >= 3);
    expect(new Set(seen)).toEqual(new Set(events.map((e) => e.id)));
    expect(outcomes.filter((outcome) => outcome === 'handled')).toHaveLength(3);
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
    // SQS applies the redrive policy on the next receive after the last failure.
    await eventually(async () => (await queueDepth(dlqUrl())) === 1, 'the poisoned message dead-lettered', 10_000);
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

/** Messages on the queue that a receive would get now, and those received and not yet deleted or visible again. */
async function queueState(): Promise<{ visible: number; invisible: number }> {
  const result = await topology.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl(), AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(result.Attributes?.ApproximateNumberOfMessages), invisible: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

describe('a store the handler needs goes away (private Redis on 25379)', () => {
  let server: PrivateServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis(25379);
    // Fails fast while the server is down, as the services' clients do.
    redis = new Redis(server.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 200 });
    redis.on('error', () => undefined);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.destroy();
  });

  const applyToRedis = async (event: EventEnvelope<{ noteId: string }>, receiveCount: number, receives: Map<string, number[]>) => {
    receives.set(event.payload.noteId, [...(receives.get(event.payload.noteId) ?? []), receiveCount]);
    await redis.incr(`applied:${event.payload.noteId}`);
  };

  it('when Redis is down longer than the visibility timeout, then no message is dead-lettered or received again: they are held, and all applied once it is back', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const receives = new Map<string, number[]>();
    const c = startConsumer((event, receiveCount) => applyToRedis(event, receiveCount, receives), { visibilityTimeoutSeconds: 2, outageRetryMaxMs: 500 });
    await server.stop({ kill: true });
    const events = Array.from({ length: 5 }, (_, i) => createEvent(NoteWritten, { noteId: `outage-${i}`, text: 'while redis is down' }));
    await publisher.publish(events);
    await eventually(() => c.paused && c.inFlight > 0, 'consumer paused holding messages');
    const held = c.inFlight;

    // Three visibility timeouts pass: the held messages stay invisible (heartbeat), the rest are not received at all.
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(c.paused).toBe(true);
      expect(await queueState()).toEqual({ visible: 5 - held, invisible: held });
    }
    await server.start();
    const applied = () => Promise.all(events.map((e) => redis.get(`applied:${e.payload.noteId}`))).catch(() => []);
    await eventually(async () => (await applied()).filter((v) => v === '1').length === events.length, 'all applied', 15_000);
    await eventually(() => c.inFlight === 0 && !c.paused);
    await c.stop();
    for (const event of events) expect(new Set(receives.get(event.payload.noteId))).toEqual(new Set([1]));
    expect(await receiveFromDlq()).toEqual([]);
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  it('when the consumer stops while holding messages for an outage, then they go back to the queue at once, nothing lost', async () => {
    const publisher = createSnsEventPublisher({ sns: topology.clients.sns, topicArn: topology.topicArns.notes! });
    const c = startConsumer((event, receiveCount) => applyToRedis(event, receiveCount, new Map()), { visibilityTimeoutSeconds: 30 });
    await server.stop({ kill: true });
    const events = [createEvent(NoteWritten, { noteId: 'stop-1', text: 'held' }), createEvent(NoteWritten, { noteId: 'stop-2', text: 'held' })];
    await publisher.publish(events);
    await eventually(() => c.paused && c.inFlight > 0, 'consumer holding messages');
    // A receive under way when the gate opened ends within its 1 s wait; what it brings is held too.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const startedAt = performance.now();
    await c.stop();
    expect(performance.now() - startedAt).toBeLessThan(2000);
    // Visible long before the 30 s visibility timeout: handed back, not abandoned.
    expect(await queueState()).toEqual({ visible: 2, invisible: 0 });
    await server.start();
    const handled: string[] = [];
    startConsumer(async (event) => {
      await redis.incr(`applied:${event.payload.noteId}`);
      handled.push(event.id);
    });
    await eventually(() => handled.length === 2, 'handled after restart');
    expect(handled.sort()).toEqual(events.map((e) => e.id).sort());
  });
});

describe('stopping', () => {
  it('when a handler is running at stop, then stop waits for it within the grace period and its message is deleted', async () => {
    const event = createEvent(NoteWritten, { noteId: 'slow', text: 'takes a second' });
    let finished = false;
    const c = startConsumer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      finished = true;
    });
    await topology.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: JSON.stringify(event) }));
    await eventually(() => c.inFlight === 1);
    await c.stop();
    expect(finished).toBe(true);
    expect(await queueDepth(queueUrl())).toBe(0);
  });

  // Last in the file: the emulator may still hand a message to the aborted 20 s poll until its wait ends.
  it('when an idle consumer in a 20 s long poll stops, then the poll is aborted and stop resolves at once', async () => {
    const c = startConsumer(async () => undefined, { waitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = performance.now();
    await c.stop();
    expect(performance.now() - startedAt).toBeLessThan(2000);
  });
});
