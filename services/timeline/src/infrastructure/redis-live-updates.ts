import type { Logger } from '@chirp/common/logging';
import type { ServiceClient } from '@chirp/common/service-client';
import type { StreamChannels, StreamControl, StreamMessage, StreamPublisher } from '@chirp/common/stream-channels';
import { Counter, type Registry } from 'prom-client';
import type { HydratedTweet, LiveUpdates } from '../use-cases/ports.ts';

/** Ids per batch call to the tweet service (its `/v1/tweets/batch` limit). */
const HYDRATE_BATCH = 100;

/**
 * Live updates through Redis pub/sub, on the channels the gateway replicas listen to while a
 * reader (or a follower of a merged author) is connected. One PUBSUB NUMSUB per chunk finds who
 * is online; the tweet is hydrated (once, without a viewer: nobody has liked a new tweet) only
 * when someone is. Failures are logged and counted, never thrown: the write they follow stands,
 * and a client that missed an event sees the tweet on its next read.
 */
export function createRedisLiveUpdates(deps: { publisher: StreamPublisher; channels: StreamChannels; tweets: ServiceClient; registry: Registry; log: Logger }): LiveUpdates {
  const failures = new Counter({
    name: 'chirp_timeline_live_update_failures_total',
    help: 'Live updates (stream events) that could not be published; timelines are written regardless (check the stream Redis and the tweet service)',
    registers: [deps.registry],
  });
  const published = new Counter({
    name: 'chirp_timeline_live_updates_published_total',
    help: 'Stream events published for online readers, by event (update, delete; control: a merged author followed or unfollowed)',
    labelNames: ['event'],
    registers: [deps.registry],
  });
  /** Many tweets in as few batch calls as the tweet service allows, in the order given; deleted ones left out. */
  const hydrateMany = async (tweetIds: string[]): Promise<HydratedTweet[]> => {
    const tweets: HydratedTweet[] = [];
    for (let from = 0; from < tweetIds.length; from += HYDRATE_BATCH) {
      const response = await deps.tweets.request<{ data: HydratedTweet[] }>({ method: 'POST', path: '/v1/tweets/batch', body: { ids: tweetIds.slice(from, from + HYDRATE_BATCH) }, idempotent: true });
      if (response.status !== 200) throw new Error(`tweet service batch get answered ${response.status}`);
      tweets.push(...response.body.data);
    }
    return tweets;
  };
  const hydrate = async (tweetId: string): Promise<HydratedTweet | undefined> => (await hydrateMany([tweetId]))[0];
  /** Publishes what `messages` builds (in order) to each of `channels` that someone listens to; builds nothing for nobody. */
  const send = async (what: string, channels: string[], messages: () => Promise<Array<StreamMessage | StreamControl> | StreamMessage | undefined>): Promise<void> => {
    try {
      const listened = await deps.publisher.listened(channels);
      if (listened.length === 0) return;
      const built = [await messages()].flat().filter((message) => message !== undefined);
      if (built.length === 0) return;
      await deps.publisher.publish(listened.flatMap((channel) => built.map((message) => ({ channel, message }))));
      for (const message of built) published.inc({ event: 'event' in message ? message.event : 'control' }, listened.length);
    } catch (err) {
      failures.inc();
      deps.log.warn({ err, what, channels: channels.length }, 'live update not published; timelines are written, online readers see it on their next read');
    }
  };
  const update = (tweetId: string, createdAt: string) => async (): Promise<StreamMessage | undefined> => {
    const tweet = await hydrate(tweetId);
    // Deleted meanwhile: its delete follows; nothing to announce.
    return tweet && { event: 'update', data: tweet, at: Date.parse(createdAt) };
  };
  const remove = (tweetId: string) => async (): Promise<StreamMessage> => ({ event: 'delete', data: { id: tweetId }, at: Date.now() });
  return {
    entered: (readerIds, tweetId, createdAt) => send('update', readerIds.map(deps.channels.user), update(tweetId, createdAt)),
    left: (readerIds, tweetId) => send('delete', readerIds.map(deps.channels.user), remove(tweetId)),
    // Oldest first, so a client adding each on top ends with the newest on top. Stamped now: the act is the follow.
    enteredHome: (readerId, tweetIds) =>
      send('follow updates', [deps.channels.user(readerId)], async () => {
        const tweets = await hydrateMany((await tweetIds()).toReversed());
        const at = Date.now();
        return tweets.map((tweet): StreamMessage => ({ event: 'update', data: tweet, at }));
      }),
    leftHome: (readerId, tweetIds) =>
      send('unfollow deletes', [deps.channels.user(readerId)], async () => (await tweetIds()).map((id): StreamMessage => ({ event: 'delete', data: { id }, at: Date.now() }))),
    mergedAuthorFollowed: (readerId, authorId, following) =>
      send('merged author followed', [deps.channels.user(readerId)], async () => [{ control: 'merged-author', authorId, following }]),
    mergedAuthorPosted: (authorId, tweetId, createdAt) => send('merged update', [deps.channels.author(authorId)], update(tweetId, createdAt)),
    mergedAuthorDeleted: (authorId, tweetId) => send('merged delete', [deps.channels.author(authorId)], remove(tweetId)),
  };
}
