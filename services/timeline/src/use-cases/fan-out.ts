import { distributionFor, shouldTrim } from '../domain/timeline.ts';
import type { Clock, FanoutChunk, FanoutMetrics, FanoutQueue, FollowGraph, HighFollowerAuthors, TimelineCache, TimelineEntry, TimelineStore } from './ports.ts';

export interface FanoutSettings {
  /** Authors with at least this many followers are merged on read (10,000 by default). */
  highFollowerThreshold: number;
  /** Followers per chunk: one chunk runs inline, more go to the queue for any worker. */
  chunkSize: number;
}

export interface FanoutDeps {
  graph: FollowGraph;
  store: TimelineStore;
  cache: TimelineCache;
  highFollowers: HighFollowerAuthors;
  queue: FanoutQueue;
  metrics: FanoutMetrics;
  clock: Clock;
  settings: FanoutSettings;
}

/**
 * Writing tweets into timelines and taking them out. Every step is idempotent (a row or a
 * sorted-set member keyed by the tweet id), so any event or chunk may run twice, and a worker
 * killed half-way leaves only work that redelivery does again.
 */
export function makeFanout(deps: FanoutDeps) {
  const { store, cache, metrics } = deps;

  /** One chunk: the entries of one tweet into (or out of) a set of timelines. */
  async function deliver(chunk: FanoutChunk): Promise<void> {
    const entry: TimelineEntry = { tweetId: chunk.tweetId, authorId: chunk.authorId };
    if (chunk.action === 'remove') {
      await store.removeFromTimelines(chunk.readerIds, chunk.tweetId);
      await cache.remove(chunk.readerIds, chunk.tweetId);
      return;
    }
    if (await store.isDeleted(chunk.tweetId)) return;
    await store.addToTimelines(chunk.readerIds, entry);
    await cache.add(chunk.readerIds, chunk.tweetId);
    if (shouldTrim(chunk.tweetId)) await store.trimTimelines(chunk.readerIds);
    metrics.entriesWritten(chunk.readerIds.length);
    metrics.lag((deps.clock.now().getTime() - Date.parse(chunk.createdAt)) / 1000);
    // A delete handled while this chunk was writing may have missed these rows: take them back out.
    if (await store.isDeleted(chunk.tweetId)) {
      await store.removeFromTimelines(chunk.readerIds, chunk.tweetId);
      await cache.remove(chunk.readerIds, chunk.tweetId);
    }
  }

  /**
   * Walks the author's followers a page at a time. A fan-out that fits one page runs here; a
   * larger one sends each page to the queue as soon as it is read, so workers start on the
   * first chunks while later pages are still being read. Adding stops at the high-follower
   * threshold: the author is marked, and from then on merged on read.
   */
  async function spread(action: FanoutChunk['action'], entry: TimelineEntry, createdAt: string): Promise<void> {
    let after: string | undefined;
    let seen = 0;
    let held: FanoutChunk | undefined;
    do {
      const page = await deps.graph.followersPage(entry.authorId, after, deps.settings.chunkSize);
      seen += page.followerIds.length;
      if (action === 'add' && distributionFor(seen, deps.settings.highFollowerThreshold) === 'merge_on_read') {
        await deps.highFollowers.add(entry.authorId);
        break;
      }
      after = page.next;
      if (page.followerIds.length === 0) continue;
      const chunk: FanoutChunk = { action, ...entry, readerIds: page.followerIds, createdAt };
      // The first chunk waits to see whether it is the only one (then it runs inline).
      if (held === undefined && seen === page.followerIds.length) held = chunk;
      else {
        if (held) await deps.queue.enqueue([held]);
        held = undefined;
        await deps.queue.enqueue([chunk]);
      }
    } while (after !== undefined);
    if (held) await deliver(held);
  }

  /** A new tweet: the author's recent tweets, the author's own timeline, then every follower's unless merged on read. */
  async function tweetCreated(tweet: TimelineEntry & { createdAt: string }): Promise<void> {
    if (await store.isDeleted(tweet.tweetId)) return;
    const mergedOnRead = await deps.highFollowers.has(tweet.authorId);
    await store.addAuthorTweet(tweet, !mergedOnRead);
    if (shouldTrim(tweet.tweetId)) await store.trimAuthorTweets(tweet.authorId);
    await deliver({ action: 'add', ...tweet, readerIds: [tweet.authorId] });
    if (!mergedOnRead) await spread('add', tweet, tweet.createdAt);
  }

  /**
   * A deleted tweet leaves every timeline. The marker comes first, so a create that arrives
   * later (or is being fanned out now) finds it and writes nothing, or takes its rows back.
   */
  async function tweetDeleted(tweet: TimelineEntry & { deletedAt: string }): Promise<void> {
    await store.markDeleted(tweet.tweetId);
    const fannedOut = await store.removeAuthorTweet(tweet);
    await deliver({ action: 'remove', ...tweet, readerIds: [tweet.authorId], createdAt: tweet.deletedAt });
    // Unknown (deleted before created, or trimmed away): walk the followers unless the author is merged on read.
    const walk = fannedOut ?? !(await deps.highFollowers.has(tweet.authorId));
    if (walk) await spread('remove', tweet, tweet.deletedAt);
  }

  return { deliver, tweetCreated, tweetDeleted };
}
export type Fanout = ReturnType<typeof makeFanout>;
