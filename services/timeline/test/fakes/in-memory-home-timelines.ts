// Home timelines in memory, for unit tests; test/contract keeps them honest against Cassandra.
import { byIdDesc, isBefore, MAX_HOME_ITEMS } from '../../src/domain/timeline.ts';
import type { HomeTimelineStore, TimelineEntry } from '../../src/use-cases/ports.ts';

export interface InMemoryHomeTimelines extends HomeTimelineStore {
  /** Every entry of a reader's timeline, newest first, untrimmed view included (for assertions). */
  entriesOf(readerId: string): TimelineEntry[];
}

export function createInMemoryHomeTimelines(): InMemoryHomeTimelines {
  const timelines = new Map<string, Map<string, TimelineEntry>>();
  const timelineOf = (readerId: string) => timelines.get(readerId) ?? timelines.set(readerId, new Map()).get(readerId)!;
  const newest = (ids: Iterable<string>) => [...ids].sort(byIdDesc);

  return {
    entriesOf: (readerId) => newest(timelineOf(readerId).keys()).map((id) => timelineOf(readerId).get(id)!),
    async push(readerIds, entry) {
      for (const readerId of readerIds) timelineOf(readerId).set(entry.tweetId, { ...entry });
    },
    async pushMany(readerId, entries) {
      for (const entry of entries) timelineOf(readerId).set(entry.tweetId, { ...entry });
    },
    async unpush(readerIds, tweetId) {
      for (const readerId of readerIds) timelineOf(readerId).delete(tweetId);
    },
    async unpushAuthor(readerId, authorId) {
      const timeline = timelineOf(readerId);
      const removed: string[] = [];
      for (const [id, entry] of timeline) {
        if (entry.authorId !== authorId) continue;
        timeline.delete(id);
        removed.push(id);
      }
      return removed;
    },
    async read(readerId) {
      return newest(timelineOf(readerId).keys()).slice(0, MAX_HOME_ITEMS);
    },
    async trimBelow(cuts) {
      for (const { readerId, oldestKept } of cuts) {
        const timeline = timelineOf(readerId);
        for (const id of timeline.keys()) if (isBefore(id, oldestKept)) timeline.delete(id);
      }
    },
    async trim(readerIds) {
      for (const readerId of readerIds) {
        const timeline = timelineOf(readerId);
        for (const id of newest(timeline.keys()).slice(MAX_HOME_ITEMS)) timeline.delete(id);
      }
    },
  };
}
