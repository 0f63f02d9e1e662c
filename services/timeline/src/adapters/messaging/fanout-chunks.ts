import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createEvent, defineEvent, ISO_DATE_TIME } from '@chirp/kernel/events';
import { IdString } from '@chirp/kernel/id-schema';
import { activeTraceAttributes } from '@chirp/common/trace-context';
import { Type } from '@sinclair/typebox';
import type { FanoutQueue } from '../../use-cases/ports.ts';

/** A share of a large fan-out; private to the timeline service, sent to its own queue. */
export const FanoutChunkEvent = defineEvent(
  'timeline.fanout_chunk',
  1,
  Type.Object({
    action: Type.Union([Type.Literal('add'), Type.Literal('remove')]),
    tweetId: IdString(),
    authorId: IdString(),
    readerIds: Type.Array(IdString(), { minItems: 1, maxItems: 5000 }),
    createdAt: Type.String({ pattern: ISO_DATE_TIME }),
  }),
);

/** SQS takes at most 10 messages per batch call. */
const SQS_BATCH = 10;

/** Sends chunks to the service's own queue, where every consumer process shares them. */
export function createSqsFanoutQueue(options: { sqs: SQSClient; queueUrl: string }): FanoutQueue {
  return {
    async enqueue(chunks) {
      for (let start = 0; start < chunks.length; start += SQS_BATCH) {
        const batch = chunks.slice(start, start + SQS_BATCH).map((chunk) => createEvent(FanoutChunkEvent, chunk));
        const result = await options.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            // In the trace of the event being fanned out, so a post's trace shows its chunks.
            Entries: batch.map((event, index) => ({ Id: String(index), MessageBody: JSON.stringify(event), MessageAttributes: activeTraceAttributes() })),
          }),
        );
        // The event that made these chunks is retried whole (and chunks are idempotent), so a partial send is a failure.
        if (result.Failed && result.Failed.length > 0) {
          throw new Error(`SQS refused ${result.Failed.length} fan-out chunks: ${result.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
        }
      }
    },
  };
}
