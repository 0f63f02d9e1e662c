// The defect the Jepsen-style run found: with Cassandra down ~20 s, tweet.created events were
// received 5 times (1, 2, 4, 8 s backoff) and dead-lettered, and the driver took 9 s to reconnect.
// Here a private Cassandra (CQL 25042, storage 25043) is killed under the timeline's real consumer
// wiring (client, handlers, consumer defaults), with a queue that dead-letters after 5 receives.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createEvent } from '@chirp/kernel/events';
import { createIdGenerator } from '@chirp/kernel/ids';
import { createLogger } from '@chirp/common/logging';
import { CHIRP_TOPOLOGY } from '@chirp/common/messaging-topology';
import { createSqsConsumer, type SqsConsumer } from '@chirp/common/sqs-consumer';
import { TWEET_EVENTS_TOPIC, TweetCreated } from '@chirp/kernel/tweet-events';
import { USER_EVENTS_TOPIC, UserFollowed } from '@chirp/kernel/user-events';
import { drainEvents, eventually } from '@chirp/testing/eventually';
import { type PrivateServer, startPrivateCassandra } from '@chirp/testing/private-servers';
import { createTestRedis, createTestTopology, type TestTopology } from '@chirp/testing/stack';
import type cassandra from 'cassandra-driver';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsFanoutQueue } from '../../src/adapters/messaging/fanout-chunks.ts';
import { timelineEventHandlers } from '../../src/adapters/messaging/timeline-event-handlers.ts';
import { createCassandraAuthorTweetStore } from '../../src/infrastructure/cassandra-author-tweet-store.ts';
import { createCassandraClient } from '../../src/infrastructure/cassandra-client.ts';
import { createCassandraDeletedTweets } from '../../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraFollowGraph } from '../../src/infrastructure/cassandra-follow-graph.ts';
import { createCassandraHighFollowerAuthors } from '../../src/infrastructure/cassandra-high-follower-authors.ts';
import { createCassandraHomeTimelineStore } from '../../src/infrastructure/cassandra-home-timeline-store.ts';
import { applyCassandraSchema } from '../../src/infrastructure/cassandra-schema.ts';
import { createTimelineMetrics } from '../../src/infrastructure/metrics.ts';
import { createRedisTimelineCache } from '../../src/infrastructure/redis-timeline-cache.ts';
import { makeTimelineUseCases } from '../../src/use-cases/timeline-use-cases.ts';
import { aTweetDirectory } from '../fakes/fake-ports.ts';

const PORT = 25042;
const KEYSPACE = 'chirp_outage';
// Warnings and errors are kept (and shown only with TEST_LOG), so a failure can say what the consumer saw.
const logLines: string[] = [];
const log = createLogger('timeline-outage-test', process.env.TEST_LOG ?? 'warn', {
  write(line: string) {
    logLines.push(line);
    if (process.env.TEST_LOG) process.stdout.write(line);
  },
});
const ids = createIdGenerator({ workerId: 9 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: PrivateServer;
let client: cassandra.Client;
let topology: TestTopology;
let consumer: SqsConsumer;
const redis = createTestRedis();

beforeAll(async () => {
  server = await startPrivateCassandra(PORT);
  client = createCassandraClient({ contactPoints: [server.url], localDataCenter: 'datacenter1' });
  await applyCassandraSchema(client, KEYSPACE, "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  await client.execute(`USE ${KEYSPACE}`);
  // The timeline's queue as the report had it: dead-lettered after 5 receives.
  const timeline = CHIRP_TOPOLOGY.queues.find((queue) => queue.name === 'chirp-timeline')!;
  topology = await createTestTopology({ topics: CHIRP_TOPOLOGY.topics, queues: [{ ...timeline, maxReceiveCount: 5 }] });
  const queueUrl = topology.queueUrls['chirp-timeline']!;
  const useCases = makeTimelineUseCases({
    homeTimelines: createCassandraHomeTimelineStore(client),
    authorTweets: createCassandraAuthorTweetStore(client),
    deleted: createCassandraDeletedTweets(client),
    graph: createCassandraFollowGraph(client),
    cache: createRedisTimelineCache(redis.redis, { ttlSeconds: 600, log }),
    highFollowers: createCassandraHighFollowerAuthors(client, { refreshMs: 1000 }),
    queue: createSqsFanoutQueue({ sqs: topology.clients.sqs, queueUrl }),
    metrics: createTimelineMetrics(new Registry()).fanout,
    tweets: aTweetDirectory(),
    clock: { now: () => new Date() },
    settings: { highFollowerThreshold: 10_000, chunkSize: 1000 },
  });
  // The consumer as main.ts makes it: production defaults for retries, visibility and outages.
  consumer = createSqsConsumer({
    sqs: topology.clients.sqs,
    queueUrl,
    deadLetterQueueUrl: topology.deadLetterQueueUrls['chirp-timeline']!,
    handlers: timelineEventHandlers(useCases),
    log,
    waitTimeSeconds: 1,
  });
  consumer.start();
}, 400_000);
afterAll(async () => {
  await consumer?.stop();
  await client?.shutdown();
  await redis.cleanup();
  await topology?.destroy();
  await server?.destroy();
}, 60_000);

/** What a failure reports: the tweets still missing, the consumer's state, the dead letters and its last warnings. */
async function whatTheConsumerSaw(role: string, missing: string[]): Promise<string> {
  const deadLetters = await topology.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: topology.deadLetterQueueUrls['chirp-timeline']!, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const seen = new Map<string, number>(); // each kind of line once, with how often it came, in order of its last
  for (const line of logLines) {
    const entry = JSON.parse(line) as { level?: string; msg?: string; eventType?: string; receiveCount?: number; err?: { type?: string; message?: string } };
    const text = `${entry.level} ${entry.msg} [${entry.eventType ?? ''} receive ${entry.receiveCount ?? '-'}] ${entry.err ? `${entry.err.type}: ${entry.err.message}` : ''}`;
    const count = (seen.get(text) ?? 0) + 1;
    seen.delete(text);
    seen.set(text, count);
  }
  return [
    `${missing.length} tweets missing from ${role}'s timeline (${missing.join(', ')})`,
    `consumer paused=${consumer.paused} inFlight=${consumer.inFlight}`,
    `dead letters: ${deadLetters.Attributes?.ApproximateNumberOfMessages}`,
    `warnings and errors logged (${logLines.length} lines), the last 10 kinds:`,
    ...[...seen].slice(-10).map(([text, count]) => `${count} × ${text}`),
  ].join('\n');
}

describe('Cassandra goes away under the timeline consumer', () => {
  it('when Cassandra is killed the moment it acknowledged follows, then every one is there after it restarts', async () => {
    // The stack syncs the commit log before acknowledging (commitlog_sync: batch); with the
    // periodic default a kill -9 right after the writes lost some of them on replay.
    const graph = createCassandraFollowGraph(client);
    const author = ids.next();
    const followers = Array.from({ length: 40 }, () => ids.next());
    for (const [i, followerId] of followers.entries()) {
      await graph.saveFollow({ followerId, followeeId: author, sequence: String(i + 1), following: true });
    }
    await server.stop({ kill: true });
    await server.start();
    await eventually(() => graph.followersPage(author, undefined, 1000).then(() => true, () => false), 'driver reconnected', 30_000);
    const { followerIds } = await graph.followersPage(author, undefined, 1000);
    expect(followerIds.sort()).toEqual([...followers].sort());
  }, 200_000);

  it('when Cassandra is killed for ~20 s (plus its restart) while tweets are posted, then no event is dead-lettered, the driver reconnects within seconds, and every tweet reaches every follower', async () => {
    const author = ids.next();
    const followers = [ids.next(), ids.next()];
    const home = createCassandraHomeTimelineStore(client);
    await topology
      .publisher(USER_EVENTS_TOPIC)
      .publish(followers.map((followerId, i) => createEvent(UserFollowed, { followerId, followeeId: author, sequence: String(i + 1), followedAt: new Date().toISOString() })));
    const graph = createCassandraFollowGraph(client);
    await eventually(async () => (await Promise.all(followers.map((f) => graph.isFollowing(f, author)))).every(Boolean), 'follows applied', 30_000);

    await server.stop({ kill: true });
    const tweets = Array.from({ length: 10 }, () =>
      createEvent(TweetCreated, { tweetId: ids.next(), authorId: author, createdAt: new Date().toISOString(), replyToId: null, replyToAuthorId: null, mentions: [], hashtags: [] }),
    );
    await topology.publisher(TWEET_EVENTS_TOPIC).publish(tweets);
    await eventually(() => consumer.paused, 'consumer paused on the outage', 30_000);
    await sleep(20_000);
    expect(consumer.paused).toBe(true);

    await server.start(); // resolves once the server answers CQL (a minute on a busy machine)
    const answeredAt = performance.now();
    await eventually(() => client.execute('SELECT release_version FROM system.local').then(() => true, () => false), 'driver reconnected', 30_000);
    const reconnectSeconds = (performance.now() - answeredAt) / 1000;
    console.log(`cassandra-outage: the driver used the node again ${reconnectSeconds.toFixed(1)} s after it answered CQL`);
    // The default exponential policy waited up to 64 s after an outage this long; one retry a second here.
    expect(reconnectSeconds).toBeLessThan(5);

    const tweetIds = tweets.map((event) => event.payload.tweetId).sort();
    const readers = [{ reader: author, role: 'the author' }, ...followers.map((reader, i) => ({ reader, role: `follower ${i + 1}` }))];
    for (const { reader, role } of readers) {
      const missing = async () => {
        const stored = new Set(await home.read(reader));
        return tweetIds.filter((id) => !stored.has(id));
      };
      await eventually(async () => (await missing()).length === 0, `all tweets in ${role}'s timeline`, 60_000).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${await whatTheConsumerSaw(role, await missing())}`);
      });
    }
    expect(await drainEvents(topology.clients.sqs, topology.deadLetterQueueUrls['chirp-timeline']!)).toEqual([]);
    await eventually(() => consumer.inFlight === 0 && !consumer.paused, 'consumer settled');
    const attributes = await topology.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: topology.queueUrls['chirp-timeline']!, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Number(attributes.Attributes?.ApproximateNumberOfMessages) + Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible)).toBe(0);
  }, 400_000);
});
