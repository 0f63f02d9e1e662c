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

  const take = async (readerIds: readonly string[], tweetId: string) => {
    if (readerIds.length === 0) return;
    await store.removeFromTimelines(readerIds, tweetId);
    await cache.remove(readerIds, tweetId);
  };

  /**
   * One chunk: the entries of one tweet into (or out of) a set of timelines. After writing, it
   * checks again, and takes back what a delete or an unfollow handled meanwhile would have
   * removed, so no order of events (or retry of this chunk) leaves a row that should be gone.
   */
  async function deliver(chunk: FanoutChunk, options: { justChecked?: boolean } = {}): Promise<void> {
    // The check before writing keeps a deleted tweet's late chunk from trimming real entries
    // away; tweetCreated has just made it for the chunk it delivers itself.
    if (chunk.action === 'remove' || (!options.justChecked && (await store.isDeleted(chunk.tweetId)))) {
      await take(chunk.readerIds, chunk.tweetId);
      return;
    }
    await store.addToTimelines(chunk.readerIds, { tweetId: chunk.tweetId, authorId: chunk.authorId });
    await cache.add(chunk.readerIds, chunk.tweetId);
    if (shouldTrim(chunk.tweetId)) await store.trimTimelines(chunk.readerIds);
    if (await store.isDeleted(chunk.tweetId)) {
      await take(chunk.readerIds, chunk.tweetId);
      return;
    }
    const followers = chunk.readerIds.filter((id) => id !== chunk.authorId);
    const still = await deps.graph.followersAmong(chunk.authorId, followers);
    await take(
      followers.filter((id) => !still.has(id)),
      chunk.tweetId,
    );
    metrics.entriesWritten(chunk.readerIds.length);
    const lag = (deps.clock.now().getTime() - Date.parse(chunk.createdAt)) / 1000;
    if (Number.isFinite(lag)) metrics.lag(lag);
  }

  /**
   * Walks the author's followers a page at a time. Adding holds the pages until the walk passes
   * the high-follower threshold (then the author is marked and nothing is fanned out: from now
   * on they are merged on read) or ends (then one page runs here, more go to the queue as
   * chunks every worker shares). Removing sends each page as soon as it is read. `withAuthor`
   * (a new tweet, just checked not deleted) also writes the author's own timeline here: in the
   * one chunk that runs inline (the common case, a few hundred followers: one write, one check),
   * or on its own before the rest is queued.
   */
  async function spread(action: FanoutChunk['action'], entry: TimelineEntry, createdAt: string, withAuthor = false): Promise<void> {
    const own: FanoutChunk = { action, ...entry, readerIds: [entry.authorId], createdAt };
    const held: FanoutChunk[] = [];
    let after: string | undefined;
    let seen = 0;
    do {
      const page = await deps.graph.followersPage(entry.authorId, after, deps.settings.chunkSize);
      seen += page.followerIds.length;
      after = page.next;
      if (action === 'add' && distributionFor(seen, deps.settings.highFollowerThreshold) === 'merge_on_read') {
        await deps.highFollowers.add(entry.authorId);
        if (withAuthor) await deliver(own, { justChecked: true });
        return;
      }
      if (page.followerIds.length === 0) continue;
      const chunk: FanoutChunk = { action, ...entry, readerIds: page.followerIds, createdAt };
      if (action === 'add') held.push(chunk);
      else await deps.queue.enqueue([chunk]);
    } while (after !== undefined);
    if (held.length <= 1) {
      const inline = withAuthor ? { ...own, readerIds: [entry.authorId, ...(held[0]?.readerIds ?? [])] } : held[0];
      if (inline) await deliver(inline, { justChecked: withAuthor });
      return;
    }
    if (withAuthor) await deliver(own, { justChecked: true });
    await deps.queue.enqueue(held);
  }

  /**
   * A new tweet: the author's recent tweets, then the author's own timeline and every
   * follower's (or only the author's, when merged on read). If the tweet turns out deleted
   * already (a delete that overtook this event, or a redelivery after it), what this or an
   * earlier delivery wrote for the author is taken back; followers' chunks check for themselves.
   */
  async function tweetCreated(tweet: TimelineEntry & { createdAt: string }): Promise<void> {
    const own: FanoutChunk = { action: 'add', ...tweet, readerIds: [tweet.authorId] };
    const mergedOnRead = await deps.highFollowers.has(tweet.authorId);
    await store.addAuthorTweet(tweet, !mergedOnRead);
    if (await store.isDeleted(tweet.tweetId)) {
      await store.removeAuthorTweet(tweet);
      await deliver({ ...own, action: 'remove' });
      return;
    }
    if (shouldTrim(tweet.tweetId)) await store.trimAuthorTweets(tweet.authorId);
    if (mergedOnRead) await deliver(own, { justChecked: true });
    else await spread('add', tweet, tweet.createdAt, true);
  }

  /**
   * A deleted tweet leaves every timeline. The marker comes first, so a create that arrives
   * later (or is being fanned out now) finds it and takes its rows back. The author's record
   * goes last, so a retry after a failed walk still knows whether to walk.
   */
  async function tweetDeleted(tweet: TimelineEntry & { deletedAt: string }): Promise<void> {
    await store.markDeleted(tweet.tweetId);
    const fannedOut = await store.authorTweetFannedOut(tweet);
    await deliver({ action: 'remove', ...tweet, readerIds: [tweet.authorId], createdAt: tweet.deletedAt });
    // Unknown (deleted before created, or trimmed away): walk the followers unless the author is merged on read.
    const walk = fannedOut ?? !(await deps.highFollowers.has(tweet.authorId));
    if (walk) await spread('remove', tweet, tweet.deletedAt);
    await store.removeAuthorTweet(tweet);
  }

  return { deliver, tweetCreated, tweetDeleted };
}
