import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SetSubscriptionAttributesCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { TweetCreated, TweetDeleted, TweetLiked } from '@chirp/kernel/tweet-events';
import { UserFollowed, UserRegistered, UserUnfollowed, UserUpdated } from '@chirp/kernel/user-events';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The one declaration of Chirp's topics, queues and subscriptions. The local stack,
 * the tests, docker-compose and the AWS set-up all apply it through `applyTopology`.
 */
export interface QueueDeclaration {
  name: string;
  subscribesTo: readonly string[];
  /** Receives before SQS moves a failing message to `<name>-dlq`. */
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  /**
   * The event types the queue's subscriptions let through (an SNS filter policy on the
   * `eventType` message attribute); absent: every event of its topics.
   */
  eventTypes?: readonly string[];
}

export interface MessagingTopology {
  topics: readonly string[];
  queues: readonly QueueDeclaration[];
}

/**
 * Visibility and receive budget follow from the consumer (`sqs-consumer.ts`): a consumer holds
 * a message for as long as it works on it or waits out an outage of a store, extending its
 * visibility before it runs out, so the timeout only bounds how long a crashed consumer's
 * messages stay hidden (10 s). A receive is spent only when a handler fails for a reason of its
 * own (retried after 1, 2, 4... 60 s) or a consumer dies or stops holding it; 10 receives leave
 * room for several restarts and still dead-letter a poison event within about five minutes.
 * docs/reliability.md says more.
 */
const QUEUE_DEFAULTS = { maxReceiveCount: 10, visibilityTimeoutSeconds: 10 } as const;

export const CHIRP_TOPOLOGY: MessagingTopology = {
  topics: ['chirp-user-events', 'chirp-tweet-events'],
  queues: [
    // The timeline learns the follow graph and new tweets.
    {
      name: 'chirp-timeline',
      subscribesTo: ['chirp-user-events', 'chirp-tweet-events'],
      ...QUEUE_DEFAULTS,
      eventTypes: typesOf(UserFollowed, UserUnfollowed, TweetCreated, TweetDeleted),
    },
    // The tweet service keeps its copy of handles and display names.
    { name: 'chirp-tweet', subscribesTo: ['chirp-user-events'], ...QUEUE_DEFAULTS, eventTypes: typesOf(UserRegistered, UserUpdated) },
    // The user service keeps tweet counts.
    { name: 'chirp-user', subscribesTo: ['chirp-tweet-events'], ...QUEUE_DEFAULTS, eventTypes: typesOf(TweetCreated, TweetDeleted) },
    // The notification service: who follows, mentions, replies to and likes whom, and its handle directory.
    // Unfollows and unlikes are left out: one act notifies once, and its notification stays.
    {
      name: 'chirp-notification',
      subscribesTo: ['chirp-user-events', 'chirp-tweet-events'],
      ...QUEUE_DEFAULTS,
      eventTypes: typesOf(UserRegistered, UserUpdated, UserFollowed, TweetCreated, TweetDeleted, TweetLiked),
    },
  ],
};

function typesOf(...definitions: ReadonlyArray<{ type: string }>): string[] {
  return definitions.map((definition) => definition.type);
}

export const deadLetterQueueName = (queue: string): string => `${queue}-dlq`;

export interface AppliedTopology {
  topicArns: Record<string, string>;
  queueUrls: Record<string, string>;
  deadLetterQueueUrls: Record<string, string>;
}

/**
 * Creates what `topology` declares, with a name prefix (tests use one per run).
 * Every call is idempotent: SNS and SQS return the existing topic, queue or subscription.
 * Subscriptions use raw delivery, so queue bodies are the event envelopes themselves.
 *
 * Order matters: a publish to a topic with no subscription is accepted and lost. So queues
 * (with their dead-letter queues and send policies) come first, and each topic is subscribed
 * to its queues right after it is created; until it exists a topic refuses publishes
 * (NotFound), which the outbox relay retries. The API leaves a window of a few requests between
 * creating a topic and its last subscription, so apply the topology before the services run (in
 * AWS, once per change; the local emulator applies `emulatorInitConfig` before it listens).
 */
export async function applyTopology(
  clients: { sns: SNSClient; sqs: SQSClient },
  topology: MessagingTopology = CHIRP_TOPOLOGY,
  prefix = '',
): Promise<AppliedTopology> {
  const applied: AppliedTopology = { topicArns: {}, queueUrls: {}, deadLetterQueueUrls: {} };
  const queueArns: Record<string, string> = {};
  for (const queue of topology.queues) {
    const dlqUrl = await createQueue(clients.sqs, prefix + deadLetterQueueName(queue.name), { MessageRetentionPeriod: '1209600' });
    const dlqArn = await queueArn(clients.sqs, dlqUrl);
    const url = await createQueue(clients.sqs, prefix + queue.name, queueAttributes(queue, dlqArn));
    const arn = await queueArn(clients.sqs, url);
    // Real SQS drops SNS deliveries unless the queue policy allows the topics to send. The topics'
    // ARNs follow from the queue's (same partition, region and account), so the policy exists first.
    const [, partition, , region, account] = arn.split(':');
    const sources = queue.subscribesTo.map((topic) => `arn:${partition}:sns:${region}:${account}:${prefix + topic}`);
    await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: queuePolicy(arn, sources) } }));
    queueArns[queue.name] = arn;
    applied.queueUrls[queue.name] = url;
    applied.deadLetterQueueUrls[queue.name] = dlqUrl;
  }
  for (const topic of topology.topics) {
    const created = await clients.sns.send(new CreateTopicCommand({ Name: prefix + topic }));
    const topicArn = required(created.TopicArn, `topic ${prefix + topic}`);
    for (const queue of topology.queues.filter((q) => q.subscribesTo.includes(topic))) {
      await subscribe(clients.sns, topicArn, required(queueArns[queue.name], `queue ${queue.name}`), subscriptionAttributes(queue));
    }
    applied.topicArns[topic] = topicArn;
  }
  for (const queue of topology.queues) {
    for (const topic of queue.subscribesTo) required(applied.topicArns[topic], `topic ${topic} used by ${queue.name}`);
  }
  return applied;
}

/**
 * Subscribes `queueArn` to `topicArn`. SNS refuses a subscription that exists with other
 * attributes (a filter policy added later); then the existing one is updated, so re-runs converge.
 */
async function subscribe(sns: SNSClient, topicArn: string, queueArn: string, attributes: Record<string, string>): Promise<void> {
  try {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: attributes, ReturnSubscriptionArn: true }));
    return;
  } catch (error) {
    if (!(error instanceof Error) || !/already exists with different attributes/i.test(error.message)) throw error;
  }
  let nextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }));
    for (const subscription of page.Subscriptions ?? []) {
      if (subscription.Endpoint !== queueArn || subscription.SubscriptionArn === undefined) continue;
      for (const [name, value] of Object.entries(attributes)) {
        await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscription.SubscriptionArn, AttributeName: name, AttributeValue: value }));
      }
      return;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  throw new Error(`SNS says ${queueArn} is subscribed to ${topicArn} with other attributes, but does not list the subscription`);
}

/** Raw delivery (queue bodies are the envelopes), and the queue's event types as a filter policy. */
function subscriptionAttributes(queue: QueueDeclaration): Record<string, string> {
  const attributes: Record<string, string> = { RawMessageDelivery: 'true' };
  if (queue.eventTypes) attributes.FilterPolicy = JSON.stringify({ eventType: queue.eventTypes });
  return attributes;
}

function queueAttributes(queue: QueueDeclaration, deadLetterQueueArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    ReceiveMessageWaitTimeSeconds: '20',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: String(queue.maxReceiveCount) }),
  };
}

function queuePolicy(queueArn: string, topicArns: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'chirp-topics-send',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArns } },
      },
    ],
  });
}

/** The shape of the emulator's init config (fauxqs `init`): what it creates before it serves its first request. */
export interface EmulatorInitConfig {
  region: string;
  queues: Array<{ name: string; attributes?: Record<string, string> }>;
  topics: Array<{ name: string }>;
  subscriptions: Array<{ topic: string; queue: string; attributes: Record<string, string> }>;
}

/**
 * The topology as the emulator's init config. The emulator applies it before it listens, so
 * after a restart no publish can reach a topic whose subscriptions do not exist yet.
 */
export function emulatorInitConfig(topology: MessagingTopology, options: { region: string; accountId?: string }): EmulatorInitConfig {
  const account = options.accountId ?? '000000000000';
  return {
    region: options.region,
    queues: topology.queues.flatMap((queue) => [
      { name: deadLetterQueueName(queue.name), attributes: { MessageRetentionPeriod: '1209600' } },
      { name: queue.name, attributes: queueAttributes(queue, `arn:aws:sqs:${options.region}:${account}:${deadLetterQueueName(queue.name)}`) },
    ]),
    topics: topology.topics.map((name) => ({ name })),
    subscriptions: topology.queues.flatMap((queue) =>
      queue.subscribesTo.map((topic) => ({ topic, queue: queue.name, attributes: subscriptionAttributes(queue) })),
    ),
  };
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  let url: string;
  try {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    url = required(created.QueueUrl, `queue ${name}`);
  } catch (error) {
    // AWS refuses CreateQueue when an existing queue has other attributes; update it so re-runs converge.
    if (!(error instanceof Error) || !/QueueNameExists|QueueAlreadyExists/.test(error.name)) throw error;
    const existing = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    url = required(existing.QueueUrl, `queue ${name}`);
  }
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  return url;
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return required(result.Attributes?.QueueArn, `ARN of ${url}`);
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`AWS answered without ${what}`);
  return value;
}
