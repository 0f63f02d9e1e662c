import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '@chirp/kernel/events';

/** Resolves once `condition` holds, checking every 50 ms; fails naming `what` after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every event on the queue now, repeats included, deleting what it reads; stops after two empty receives. */
export async function drainEvents(sqs: SQSClient, queueUrl: string): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let empty = 0; empty < 2; ) {
    const result = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = result.Messages ?? [];
    if (messages.length === 0) empty += 1;
    for (const message of messages) {
      events.push(JSON.parse(message.Body!) as EventEnvelope);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return events;
}
