// Moving dead-lettered messages back to the queue they came from, once their cause is fixed.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Attributes the consumer adds when it dead-letters a message itself; they say why, and go when it is redriven. */
const DEAD_LETTER_ATTRIBUTES = new Set(['deadLetterReason', 'sourceQueueUrl']);

export interface RedriveResult {
  /** Messages on the dead-letter queue when the redrive started. */
  found: number;
  /** Messages sent back to the source queue and deleted from the dead-letter queue. */
  moved: number;
}

/**
 * Moves the messages on `deadLetterQueueUrl` back to `sourceQueueUrl`: each is sent to the source
 * first and deleted from the dead-letter queue after, so a crash in between leaves a copy in both
 * (consumers dedupe on the event id), never none. It moves at most as many messages as the
 * dead-letter queue held when it started, so a message that fails again at once and comes back
 * is not moved round in circles; a second run moves what is left or newly dead-lettered.
 */
export async function redriveDeadLetters(sqs: SQSClient, queues: { sourceQueueUrl: string; deadLetterQueueUrl: string }): Promise<RedriveResult> {
  const found = await visibleMessages(sqs, queues.deadLetterQueueUrl);
  let moved = 0;
  while (moved < found) {
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, found - moved),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = result.Messages ?? [];
    if (messages.length === 0) break;
    await sendAll(sqs, queues.sourceQueueUrl, messages);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    if (deleted.Failed?.length) {
      throw new Error(`moved ${messages.length} messages but could not delete ${deleted.Failed.length} from ${queues.deadLetterQueueUrl}: ${deleted.Failed[0]?.Message ?? ''}; they are on both queues (consumers dedupe)`);
    }
    moved += messages.length;
  }
  return { found, moved };
}

async function sendAll(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body ?? '',
        MessageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).filter(([name]) => !DEAD_LETTER_ATTRIBUTES.has(name))),
      })),
    }),
  );
  if (sent.Failed?.length) {
    throw new Error(`could not send ${sent.Failed.length} of ${messages.length} messages back to ${queueUrl}: ${sent.Failed[0]?.Message ?? ''}; they stay on the dead-letter queue`);
  }
}

async function visibleMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(result.Attributes?.ApproximateNumberOfMessages ?? 0);
}
