import type { HomeTimelineStore, LiveUpdates, TimelineCache } from './ports.ts';

/** Takes a tweet out of the readers' home timelines, stored and cached, and tells those online (a `delete`); idempotent. */
export function makeUnpushFromHome(deps: { homeTimelines: HomeTimelineStore; cache: TimelineCache; live: LiveUpdates }) {
  return async function unpushFromHome(target: { readerIds: readonly string[]; tweetId: string }): Promise<void> {
    if (target.readerIds.length === 0) return;
    await deps.homeTimelines.unpush(target.readerIds, target.tweetId);
    await deps.cache.remove(target.readerIds, target.tweetId);
    await deps.live.left(target.readerIds, target.tweetId);
  };
}
export type UnpushFromHome = ReturnType<typeof makeUnpushFromHome>;
