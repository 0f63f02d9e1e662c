// The SQS fan-out queue on the emulator, taken from by the consumer and handler registry the
// timeline's workers run (the chunk's event checked against its schema on the way out).
import { createAwsMessagingClients } from '@chirp/common/aws-clients';
import { EventHandlerRegistry } from '@chirp/kernel/events';
import { createTestTopology, stackEnv } from '@chirp/testing/stack';
import { afterAll } from 'vitest';
import { createSqsFanoutQueue, FanoutChunkEvent } from '../../src/adapters/messaging/fanout-chunks.ts';
import type { FanoutChunk } from '../../src/use-cases/ports.ts';
import { fanoutQueueContract } from '../contract/fanout-queue.contract.ts';

/** A port in this test's range that nothing listens on. */
const UNUSED_PORT = 11566;
const unreachable = createAwsMessagingClients({ region: stackEnv().AWS_REGION, endpoint: `http://127.0.0.1:${UNUSED_PORT}` });
afterAll(() => {
  unreachable.sqs.destroy();
  unreachable.sns.destroy();
});

fanoutQueueContract('SQS, taken by the timeline consumer', {
  async open() {
    // The timeline's queue alone (with its dead-letter queue), under a name of this case's own.
    const topology = await createTestTopology({ topics: [], queues: [{ name: 'chirp-timeline', subscribesTo: [], maxReceiveCount: 10, visibilityTimeoutSeconds: 10 }] });
    const taken: FanoutChunk[] = [];
    const consumer = topology.consume('chirp-timeline', new EventHandlerRegistry().on(FanoutChunkEvent, async ({ payload }) => void taken.push(payload)));
    return {
      queue: createSqsFanoutQueue({ sqs: topology.clients.sqs, queueUrl: topology.queueUrls['chirp-timeline']! }),
      taken: () => taken,
      close: async () => {
        await consumer.stop();
        await topology.destroy();
      },
    };
  },
  unreachable: async () => createSqsFanoutQueue({ sqs: unreachable.sqs, queueUrl: `http://127.0.0.1:${UNUSED_PORT}/000000000000/chirp-timeline` }),
});
