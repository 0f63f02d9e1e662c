import { shouldTrim } from '../domain/timeline.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { DeletedTweets, FanoutChunk, FanoutMetrics, FollowGraph, HomeTimelineStore, LiveUpdates, TimelineCache } from './ports.ts';
import { trimStoredTimelines } from './trim-stored-timelines.ts';
import type { UnpushFromHome } from './unpush-from-home.ts';

export interface PushToHomeDeps {
  homeTimelines: HomeTimelineStore;
  cache: TimelineCache;
  deleted: DeletedTweets;
  graph: FollowGraph;
  metrics: FanoutMetrics;
  clock: Clock;
  live: LiveUpdates;
  unpushFromHome: UnpushFromHome;
}

/** What became of a pushed chunk: written, or taken back because the tweet turned out deleted. */
export type PushOutcome = 'pushed' | 'deleted';

/**
 * Writes one tweet into a set of home timelines (a fan-out chunk), stored and cached, tells the
 * readers who are online (an `update` on their streams), and trims
 * them now and then. After writing it checks whether the tweet was deleted and who still follows,
 * and takes back what a delete or an unfollow handled meanwhile would have removed, so no order of
 * events (or retry of this chunk) leaves a row that should be gone: a delete whose marker this
 * check misses removes the rows itself, after they were written. Idempotent: a worker killed
 * half-way leaves only work a redelivery does again.
 */
export function makePushToHome(deps: PushToHomeDeps) {
  const { homeTimelines, cache, deleted, unpushFromHome } = deps;
  return async function pushToHome(chunk: Omit<FanoutChunk, 'action'>, options: { checkFirst?: boolean } = {}): Promise<PushOutcome> {
    // A queued chunk checks before writing too, so a deleted tweet's late chunk does not trim real
    // entries away. fanOut's own chunk skips it (checkFirst: false): a create rarely comes after
    // its delete, and then the tweet holds a place only until the check after writing, so a full
    // timeline loses at most its oldest entry.
    if (options.checkFirst !== false && (await deleted.has(chunk.tweetId))) {
      await unpushFromHome(chunk);
      return 'deleted';
    }
    await homeTimelines.push(chunk.readerIds, { tweetId: chunk.tweetId, authorId: chunk.authorId });
    const depths = await cache.add(chunk.readerIds, chunk.tweetId);
    if (shouldTrim(chunk.tweetId)) await trimStoredTimelines(homeTimelines, depths);
    if (await deleted.has(chunk.tweetId)) {
      await unpushFromHome(chunk);
      return 'deleted';
    }
    const followers = chunk.readerIds.filter((id) => id !== chunk.authorId);
    const still = await deps.graph.followersAmong(chunk.authorId, followers);
    const gone = followers.filter((id) => !still.has(id));
    await unpushFromHome({ readerIds: gone, tweetId: chunk.tweetId });
    await deps.live.entered(gone.length === 0 ? chunk.readerIds : chunk.readerIds.filter((id) => !gone.includes(id)), chunk.tweetId, chunk.createdAt);
    deps.metrics.entriesWritten(chunk.readerIds.length);
    const lag = (deps.clock.now().getTime() - Date.parse(chunk.createdAt)) / 1000;
    if (Number.isFinite(lag)) deps.metrics.lag(lag);
    return 'pushed';
  };
}
export type PushToHome = ReturnType<typeof makePushToHome>;
