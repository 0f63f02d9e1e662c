import type { HomeTimelineStore, TimelineCache } from './ports.ts';

/** Takes a tweet out of the readers' home timelines, stored and cached; idempotent. */
export function makeUnpushFromHome(deps: { homeTimelines: HomeTimelineStore; cache: TimelineCache }) {
  return async function unpushFromHome(target: { readerIds: readonly string[]; tweetId: string }): Promise<void> {
    if (target.readerIds.length === 0) return;
    await deps.homeTimelines.unpush(target.readerIds, target.tweetId);
    await deps.cache.remove(target.readerIds, target.tweetId);
  };
}
export type UnpushFromHome = ReturnType<typeof makeUnpushFromHome>;
