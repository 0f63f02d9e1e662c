import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { EventPublisher } from '@chirp/kernel/events';
import { openPublishSpan } from './trace-context.ts';

const SNS_BATCH_SIZE = 10;

/**
 * Publishes envelopes to one SNS topic in batches of 10. The event type travels as a
 * message attribute too, so subscriptions can filter on it without parsing bodies.
 * Throws when any entry fails, so the caller (the outbox relay) retries the lot.
 */
export function createSnsEventPublisher(options: { sns: SNSClient; topicArn: string }): EventPublisher {
  return {
    async publish(events) {
      for (let start = 0; start < events.length; start += SNS_BATCH_SIZE) {
        const batch = events.slice(start, start + SNS_BATCH_SIZE);
        const spans = batch.map(openPublishSpan);
        let error: Error | undefined;
        try {
          const result = await options.sns.send(
            new PublishBatchCommand({
              TopicArn: options.topicArn,
              PublishBatchRequestEntries: batch.map((event, index) => ({
                Id: String(index),
                Message: JSON.stringify(event),
                MessageAttributes: { eventType: { DataType: 'String', StringValue: event.type }, ...spans[index]?.attributes },
              })),
            }),
          );
          const failed = result.Failed ?? [];
          if (failed.length > 0) {
            const detail = failed.map((f) => `${batch[Number(f.Id)]?.id}: ${f.Code} ${f.Message ?? ''}`).join('; ');
            throw new Error(`SNS rejected ${failed.length} of ${batch.length} events on ${options.topicArn}: ${detail}`);
          }
        } catch (failure) {
          error = failure as Error;
          throw failure;
        } finally {
          for (const span of spans) span.end(error);
        }
      }
    },
  };
}
