// The SQS consumer loop: long polling, bounded concurrency, delete only after success, and
// the line between a failure of the event (retry with backoff, then the dead-letter queue)
// and an outage of what the handler needs (hold the message and wait: no receive is spent).
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { createDependencyGate, type DependencyGate } from './dependency-gate.ts';
import { isDependencyUnavailable } from './problems.ts';
import { type EventEnvelope, type EventHandler, type EventHandlerRegistry, parseEnvelope } from '@chirp/kernel/events';
import { inProcessSpan } from './trace-context.ts';

/**
 * What became of one attempt at a message: handled (deleted), failed (retried after a backoff,
 * dead-lettered by the queue's redrive policy after maxReceiveCount receives), dead_lettered
 * (malformed or unknown, moved at once), deferred (a dependency is unavailable: the message
 * is held and retried when it answers), released (handed back to the queue on stop).
 */
export type ConsumerOutcome = 'handled' | 'failed' | 'dead_lettered' | 'deferred' | 'released';

export interface SqsConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Where messages that can never succeed (malformed, unknown type) go at once, with the reason. */
  deadLetterQueueUrl: string;
  handlers: EventHandlerRegistry;
  log: Logger;
  /** Messages handled (or held) at once; the poller asks SQS only for as many as there is room for. */
  concurrency?: number;
  waitTimeSeconds?: number;
  /**
   * How long a held message stays invisible (default 10 s): a heartbeat extends it by this
   * before it runs out, for as long as the consumer holds the message. Short, because it is how
   * late a message comes back after its consumer died.
   */
  visibilityTimeoutSeconds?: number;
  /** Delay before a failed message is visible again: min(base * 2^(receives-1), max). */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
  /** Backoff between probes while a dependency is unavailable (defaults 250 ms doubling to 2 s). */
  outageRetryBaseMs?: number;
  outageRetryMaxMs?: number;
  /**
   * Handled messages are deleted in batches of up to 10 (DeleteMessageBatch), sent this many ms
   * after the first one is ready or at once when 10 are (default 5; 0: one DeleteMessage per
   * message). A message counts as handled only once its batch is acknowledged.
   */
  deleteBatchWindowMs?: number;
  /**
   * After a receive that brought some messages but fewer than asked for, wait this many ms
   * before the next one (default 0: receive again at once). Long polling answers as soon as one
   * message is there, so at a trickle every message costs a signed ReceiveMessage and a
   * DeleteMessageBatch of its own (0.65–0.9 ms of CPU each in this process, and the service's
   * wake-ups around them); waiting lets the messages of the next moments come in one receive
   * and go in one delete. It delays messages that arrive during the wait by up to this much, so
   * it suits consumers whose events may be handled a moment late (counts, notifications), not
   * the fan-out. A full receive, one bringing a message older than the gather (a backlog, which
   * real SQS may hand out in parts) and an empty one (the long poll timed out) never wait.
   */
  receiveGatherMs?: number;
  /** How long stop waits for running handlers before handing their messages back (default 5 s). */
  stopGraceMs?: number;
  onProcessed?: (outcome: ConsumerOutcome, event: { type: string }, startedAt: number) => void;
}

/**
 * A service's queue as its `MessagingConfig` (@chirp/common/config) names it, in the consumer's
 * terms: every service wires its consumer from this, so a setting added there reaches them all.
 */
export function queueSettingsOf(config: {
  EVENTS_QUEUE_URL: string;
  EVENTS_DLQ_URL: string;
  SQS_DELETE_BATCH_MS?: number;
  SQS_RECEIVE_GATHER_MS?: number;
}): Pick<SqsConsumerOptions, 'queueUrl' | 'deadLetterQueueUrl' | 'deleteBatchWindowMs' | 'receiveGatherMs'> {
  return {
    queueUrl: config.EVENTS_QUEUE_URL,
    deadLetterQueueUrl: config.EVENTS_DLQ_URL,
    deleteBatchWindowMs: config.SQS_DELETE_BATCH_MS,
    receiveGatherMs: config.SQS_RECEIVE_GATHER_MS,
  };
}

export interface SqsConsumer {
  start(): void;
  /**
   * Stops at once: the long poll is aborted, messages held for an outage go back to the queue
   * (visibility 0), running handlers get `stopGraceMs` to finish and are handed back after it.
   * A message SQS hands to the aborted poll (it may, until the poll's wait would have ended)
   * is received again after the 3 s claim: late, never lost.
   */
  stop(): Promise<void>;
  readonly inFlight: number;
  /** True while a dependency is unavailable: receiving is paused and held messages are probed. */
  readonly paused: boolean;
}

/** The most entries one SQS batch call takes. */
const SQS_BATCH = 10;
/**
 * Messages are received invisible for only this long, and extended once they are held longer:
 * a message SQS hands to a long poll that `stop` aborted (nobody will handle it) is back in 3 s.
 */
const CLAIM_SECONDS = 3;
const HEARTBEAT_MS = 1000;
/** A held message is extended when it would become visible within this. */
const EXTEND_MARGIN_MS = 2000;

/**
 * Deletes by receipt handle, gathered into DeleteMessageBatch calls of up to 10: one signed
 * request instead of ten when messages finish together. Each call resolves once SQS has
 * acknowledged its own entry, and rejects when that entry (or the whole call) failed, so a
 * message is never counted as settled before it is gone.
 */
function createBatchedDelete(sqs: SQSClient, queueUrl: string, windowMs: number): (receiptHandle: string | undefined) => Promise<void> {
  let pending: Array<{ receiptHandle: string | undefined; resolve: () => void; reject: (error: Error) => void }> = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map(({ receiptHandle }, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })) }))
      .then((result) => {
        const failed = new Map((result.Failed ?? []).map((failure) => [Number(failure.Id), failure]));
        batch.forEach((entry, index) => {
          const failure = failed.get(index);
          if (failure) entry.reject(new Error(`SQS refused to delete the message: ${failure.Code ?? 'unknown'} ${failure.Message ?? ''}`.trim()));
          else entry.resolve();
        });
      })
      .catch((error: unknown) => {
        for (const entry of batch) entry.reject(error instanceof Error ? error : new Error(String(error)));
      });
  };
  return (receiptHandle) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ receiptHandle, resolve, reject });
      if (pending.length >= SQS_BATCH) flush();
      else timer ??= setTimeout(flush, windowMs);
    });
}

/**
 * Resolves after `ms`, or at once when `signal` aborts (or has). Its abort listener goes with the
 * timer: the consumer sleeps after most receives at a trickle, on one signal for its whole life.
 */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Whether to wait before the next receive: the receive brought some messages but fewer than asked
 * for (nothing more was there), and none of them had waited in the queue longer than the gather
 * itself. Real SQS may answer a long poll with part of a backlog; a message that old says the
 * consumer is behind, and waiting would only slow it further.
 */
function shouldGather(messages: readonly Message[], asked: number, gatherMs: number, receivedAt: number): boolean {
  if (messages.length === 0 || messages.length >= asked) return false;
  return messages.every((message) => receivedAt - Number(message.Attributes?.SentTimestamp ?? receivedAt) <= gatherMs);
}

/**
 * Long-polls one queue and hands each message to its handler. A message is deleted only after
 * its handler succeeded. A handler failing because a store or downstream is unavailable
 * (`isDependencyUnavailable`) opens the consumer's gate: receiving pauses, the message is held
 * with its visibility extended, and it is retried (one probe at a time, backing off to
 * `outageRetryMaxMs`) until the dependency answers, however long that takes. Any other failure
 * makes the message visible again after a backoff, and the queue's redrive policy moves it to
 * the dead-letter queue after maxReceiveCount receives.
 */
export function createSqsConsumer(options: SqsConsumerOptions): SqsConsumer {
  const concurrency = options.concurrency ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const visibilitySeconds = options.visibilityTimeoutSeconds ?? 10;
  const claimSeconds = Math.min(CLAIM_SECONDS, visibilitySeconds);
  const retryBase = options.retryBaseSeconds ?? 1;
  const retryMax = options.retryMaxSeconds ?? 60;
  const stopGraceMs = options.stopGraceMs ?? 5000;
  const deleteWindowMs = options.deleteBatchWindowMs ?? 5;
  const gatherMs = options.receiveGatherMs ?? 0;
  const log = options.log.child({ component: 'sqs-consumer', queueUrl: options.queueUrl });
  const { sqs, queueUrl } = options;
  /** The queue's name (the URL's last segment), as process spans name their destination. */
  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  let running = false;
  let stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  /** Every message received and not yet deleted or handed back, by receipt handle, with when SQS would show it again. */
  const held = new Map<string, { message: Message; visibleAt: number }>();
  /** Messages whose handling has not returned yet (a subset of `held` until it settles). */
  const active = new Set<Message>();
  const slotWaiters = new Set<() => void>();
  const notifySlot = () => {
    for (const wake of [...slotWaiters]) wake();
  };
  const waitForSlot = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        slotWaiters.delete(done);
        resolve();
      };
      slotWaiters.add(done);
    });

  const gate: DependencyGate = createDependencyGate({
    baseDelayMs: options.outageRetryBaseMs ?? 250,
    maxDelayMs: options.outageRetryMaxMs ?? 2000,
    onChange: (state, detail) => {
      if (state === 'open' && detail.attempts === 1) {
        log.error(
          { heldMessages: held.size },
          'a dependency of the event handlers is unavailable; receiving is paused and held messages will be retried when it answers (check the stores this service uses)',
        );
      } else if (state === 'closed') {
        log.info({ failedProbes: detail.attempts }, 'the dependency answers again; consuming resumes');
      }
    },
  });

  /** Hands a message back to the queue at once; its next receive counts as a new attempt. */
  const release = async (message: Message) => {
    held.delete(message.ReceiptHandle ?? '');
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })).catch(
      (err: unknown) => log.warn({ err, messageId: message.MessageId }, 'could not hand the message back; it returns after its visibility timeout'),
    );
  };

  const deleteMessage =
    deleteWindowMs > 0
      ? createBatchedDelete(sqs, queueUrl, deleteWindowMs)
      : async (receiptHandle: string | undefined) => {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
        };
  const settle = async (message: Message) => {
    await deleteMessage(message.ReceiptHandle);
    held.delete(message.ReceiptHandle ?? '');
  };

  const deadLetter = async (message: Message, reason: string) => {
    log.error(
      { messageId: message.MessageId, reason, body: message.Body?.slice(0, 512), deadLetterQueueUrl: options.deadLetterQueueUrl },
      'unprocessable message moved to the dead-letter queue',
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MessageBody: message.Body ?? '',
        MessageAttributes: {
          deadLetterReason: { DataType: 'String', StringValue: reason.slice(0, 256) },
          sourceQueueUrl: { DataType: 'String', StringValue: queueUrl },
        },
      }),
    );
    await settle(message);
  };

  const handle = async (message: Message): Promise<void> => {
    const startedAt = performance.now();
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    let event: EventEnvelope;
    let handler: EventHandler;
    try {
      event = parseEnvelope(message.Body ?? '');
      handler = options.handlers.resolve(event);
    } catch (error) {
      await deadLetter(message, (error as Error).message);
      options.onProcessed?.('dead_lettered', { type: 'invalid' }, startedAt);
      return;
    }
    const eventLog = log.child({ eventId: event.id, eventType: event.type, messageId: message.MessageId });
    for (;;) {
      try {
        await gate.pass(stopping.signal);
      } catch {
        await release(message);
        options.onProcessed?.('released', event, startedAt);
        return;
      }
      try {
        await inProcessSpan(message.MessageAttributes, event, queueName, () => handler(event, { receiveCount, log: eventLog }));
      } catch (error) {
        if (isDependencyUnavailable(error)) {
          gate.failed();
          eventLog.warn({ err: error, receiveCount }, 'event handler failed because a dependency is unavailable; the message is held and retried');
          options.onProcessed?.('deferred', event, startedAt);
          continue;
        }
        // The handler's dependencies answered; the failure is the event's or the handler's.
        gate.succeeded();
        const delay = Math.min(retryMax, retryBase * 2 ** (receiveCount - 1));
        eventLog.error({ err: error, receiveCount, retryInSeconds: delay }, 'event handler failed; the message will be retried');
        held.delete(message.ReceiptHandle ?? '');
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: delay })).catch(
          (err: unknown) => eventLog.warn({ err }, 'could not shorten visibility; the message returns after the visibility timeout'),
        );
        options.onProcessed?.('failed', event, startedAt);
        return;
      }
      gate.succeeded();
      await settle(message);
      options.onProcessed?.('handled', event, startedAt);
      return;
    }
  };

  /** Keeps every held message invisible while this consumer works on it or waits for a dependency. */
  const extendVisibility = async () => {
    const due = [...held.values()].filter((entry) => entry.visibleAt - Date.now() < EXTEND_MARGIN_MS);
    for (let start = 0; start < due.length; start += SQS_BATCH) {
      const batch = due.slice(start, start + SQS_BATCH);
      const extendedTo = Date.now() + visibilitySeconds * 1000;
      try {
        const result = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map(({ message }, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: visibilitySeconds })),
          }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => Number(failure.Id)));
        batch.forEach((entry, index) => {
          if (!failed.has(index)) entry.visibleAt = extendedTo;
        });
        for (const failure of result.Failed ?? []) {
          log.warn({ messageId: batch[Number(failure.Id)]?.message.MessageId, reason: failure.Message }, 'could not extend a held message; it may be delivered again');
        }
      } catch (err) {
        log.warn({ err, messages: batch.length }, 'could not extend held messages; they may be delivered again (check the SQS endpoint)');
      }
    }
  };

  const poll = async () => {
    let failures = 0;
    while (running) {
      try {
        await gate.whenClosed(stopping.signal);
      } catch {
        break;
      }
      if (held.size >= concurrency) {
        await waitForSlot();
        continue;
      }
      let messages: Message[];
      const asked = Math.min(SQS_BATCH, concurrency - held.size);
      try {
        const result = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: asked,
            WaitTimeSeconds: waitTimeSeconds,
            VisibilityTimeout: claimSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: stopping.signal },
        );
        messages = result.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (!running) break;
        failures += 1;
        const backoff = Math.min(5000, 250 * 2 ** failures);
        log.error({ err: error, retryInMs: backoff }, 'receiving from SQS failed; check the queue URL, credentials and endpoint');
        await sleep(backoff, stopping.signal);
        continue;
      }
      const receivedAt = Date.now();
      for (const message of messages) {
        held.set(message.ReceiptHandle ?? '', { message, visibleAt: receivedAt + claimSeconds * 1000 });
        if (!running) {
          void release(message);
          continue;
        }
        void handle(message)
          .catch((error: unknown) => {
            held.delete(message.ReceiptHandle ?? '');
            log.error({ err: error, messageId: message.MessageId }, 'could not settle message; it will be delivered again');
          })
          .finally(() => {
            active.delete(message);
            notifySlot();
          });
        active.add(message);
      }
      if (gatherMs > 0 && running && shouldGather(messages, asked, gatherMs, receivedAt)) await sleep(gatherMs, stopping.signal); // stop cuts it short
    }
  };
  return {
    get inFlight() {
      return held.size;
    },
    get paused() {
      return gate.state !== 'closed';
    },
    start() {
      if (running) return;
      running = true;
      stopping = new AbortController();
      heartbeat = setInterval(() => void extendVisibility(), HEARTBEAT_MS);
      heartbeat.unref();
      loop = poll();
    },
    async stop() {
      if (!running) return;
      running = false;
      stopping.abort(new Error('the consumer is stopping'));
      notifySlot();
      await loop;
      const deadline = Date.now() + stopGraceMs;
      while (active.size > 0 && Date.now() < deadline) {
        await Promise.race([waitForSlot(), sleep(deadline - Date.now())]);
      }
      clearInterval(heartbeat);
      // Handlers still running past the grace: their messages go back to the queue now.
      await Promise.all([...held.values()].map(({ message }) => release(message)));
    },
  };
}
