import type { CachedDepth, HomeTimelineStore } from './ports.ts';

/**
 * Trims stored home timelines with what their cached copies just said (a helper of pushToHome
 * and mergeIntoHome): where the copy passed the depth, everything older than what it kept goes
 * in one range deletion, read-free; where it stayed within the depth, so did the store, and
 * nothing is done; only readers without a ready copy pay for a counted trim. Counting a
 * timeline reads all of it (about 1.4 ms of Cassandra CPU at 200 entries, 3.7 ms at 800).
 */
export async function trimStoredTimelines(homeTimelines: HomeTimelineStore, depths: ReadonlyMap<string, CachedDepth>): Promise<void> {
  const cuts: { readerId: string; oldestKept: string }[] = [];
  const uncached: string[] = [];
  for (const [readerId, depth] of depths) {
    if (depth.state === 'full') cuts.push({ readerId, oldestKept: depth.oldestKept });
    else if (depth.state === 'absent') uncached.push(readerId);
  }
  if (cuts.length > 0) await homeTimelines.trimBelow(cuts);
  if (uncached.length > 0) await homeTimelines.trim(uncached);
}
