import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { drainEvents } from '@chirp/testing/eventually';
import { createTestTopology, stackEnv, type TestTopology } from '@chirp/testing/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveDeadLetters } from '../../src/dlq-redrive.ts';
import { createEvent, defineEvent, type EventEnvelope } from '@chirp/kernel/events';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const Written = defineEvent('tweet.created', 1, Type.Object({ n: Type.Integer() }));

let topology: TestTopology;
beforeAll(async () => {
  topology = await createTestTopology();
});
afterAll(async () => {
  await topology.destroy();
});

/** Puts events on a dead-letter queue as the consumer does when it gives up on them. */
async function deadLetter(queue: string, count: number): Promise<EventEnvelope[]> {
  const events = Array.from({ length: count }, (_, n) => createEvent(Written, { n }));
  for (const event of events) {
    await topology.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: topology.deadLetterQueueUrls[queue]!,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: event.type },
          deadLetterReason: { DataType: 'String', StringValue: 'handler failed' },
          sourceQueueUrl: { DataType: 'String', StringValue: topology.queueUrls[queue]! },
        },
      }),
    );
  }
  return events;
}

describe('dead-letter redrive', () => {
  it('when a dead-letter queue holds 12 messages, then all go back to their source queue with their attributes but not the dead-letter reason; a second run moves none', async () => {
    const events = await deadLetter('chirp-user', 12);
    const queues = { sourceQueueUrl: topology.queueUrls['chirp-user']!, deadLetterQueueUrl: topology.deadLetterQueueUrls['chirp-user']! };
    expect(await redriveDeadLetters(topology.clients.sqs, queues)).toEqual({ found: 12, moved: 12 });
    expect(await redriveDeadLetters(topology.clients.sqs, queues)).toEqual({ found: 0, moved: 0 });

    const first = await topology.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.sourceQueueUrl, MaxNumberOfMessages: 1, MessageAttributeNames: ['All'], VisibilityTimeout: 0 }));
    expect(Object.keys(first.Messages?.[0]?.MessageAttributes ?? {})).toEqual(['eventType']);
    expect((await drainEvents(topology.clients.sqs, queues.sourceQueueUrl)).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(await drainEvents(topology.clients.sqs, queues.deadLetterQueueUrl)).toEqual([]);
  });

  it('when an operator runs the redrive command for one queue, then it reports and moves that queue only', async () => {
    await deadLetter('chirp-timeline', 3);
    await deadLetter('chirp-tweet', 2);
    const env = stackEnv();
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/redrive.ts'), '--queue', 'chirp-timeline'], {
      env: { ...process.env, AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL, AWS_REGION: env.AWS_REGION, CHIRP_TOPOLOGY_PREFIX: topology.prefix },
    });
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([{ queue: 'chirp-timeline', deadLettered: 3, moved: 3 }]);
    expect(await drainEvents(topology.clients.sqs, topology.queueUrls['chirp-timeline']!)).toHaveLength(3);
    expect(await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-tweet']!)).toHaveLength(2);
  });
});
