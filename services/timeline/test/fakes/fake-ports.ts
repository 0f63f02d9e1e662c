// Fakes of the timeline's ports other than the store, and one builder for the lot.
import { aClock } from '@chirp/testing/fakes';
import { byIdDesc, isBefore, MAX_HOME_ITEMS } from '../../src/domain/timeline.ts';
import type { CachedDepth, FanoutChunk, HighFollowerAuthors, HydratedTweet, LiveUpdates, TimelineCache, TweetHydrator } from '../../src/use-cases/ports.ts';
import { makeTimelineUseCases, type TimelinePorts } from '../../src/use-cases/timeline-use-cases.ts';
import { createInMemoryAuthorTweets } from './in-memory-author-tweets.ts';
import { createInMemoryDeletedTweets } from './in-memory-deleted-tweets.ts';
import { createInMemoryFollowGraph } from './in-memory-follow-graph.ts';
import { createInMemoryHomeTimelines, type InMemoryHomeTimelines } from './in-memory-home-timelines.ts';

export interface InMemoryTimelineCache extends TimelineCache {
  down: boolean;
  /** The cached ids of a reader, newest first, or undefined when absent. */
  peek(readerId: string): string[] | undefined;
  clear(): void;
}

/** Whole-or-absent entries, as the Redis adapter keeps them (no lock: one process). */
export function createInMemoryTimelineCache(): InMemoryTimelineCache {
  const entries = new Map<string, { ids: Set<string>; ready: boolean }>();
  const newest = (ids: Set<string>) => [...ids].sort(byIdDesc);
  /** Keeps the newest MAX_HOME_ITEMS; says what the Redis script says (see CachedDepth). */
  const trim = (entry: { ids: Set<string>; ready: boolean }): CachedDepth => {
    const sorted = newest(entry.ids);
    for (const id of sorted.slice(MAX_HOME_ITEMS)) entry.ids.delete(id);
    if (!entry.ready) return { state: 'absent' };
    return sorted.length > MAX_HOME_ITEMS ? { state: 'full', oldestKept: sorted[MAX_HOME_ITEMS - 1]! } : { state: 'within' };
  };
  const cache: InMemoryTimelineCache = {
    down: false,
    peek: (readerId) => {
      const entry = entries.get(readerId);
      return entry?.ready ? newest(entry.ids) : undefined;
    },
    clear: () => entries.clear(),
    async add(readerIds, tweetId) {
      const depths = new Map<string, CachedDepth>();
      for (const readerId of readerIds) {
        const entry = cache.down ? undefined : entries.get(readerId);
        if (entry) entry.ids.add(tweetId);
        depths.set(readerId, entry ? trim(entry) : { state: 'absent' });
      }
      return depths;
    },
    async merge(readerId, tweetIds) {
      const entry = entries.get(readerId);
      if (cache.down || !entry || tweetIds.length === 0) return { state: 'absent' };
      for (const tweetId of tweetIds) entry.ids.add(tweetId);
      return trim(entry);
    },
    async remove(readerIds, tweetId) {
      if (cache.down) return;
      for (const readerId of readerIds) {
        const entry = entries.get(readerId);
        // An entry being built is dropped, so the build cannot put the tweet back.
        if (entry && !entry.ready) entries.delete(readerId);
        else entry?.ids.delete(tweetId);
      }
    },
    async forget(readerId) {
      if (!cache.down) entries.delete(readerId);
    },
    async read(readerId, before, limit) {
      const entry = entries.get(readerId);
      if (cache.down || !entry?.ready) return undefined;
      return newest(entry.ids)
        .filter((id) => isBefore(id, before))
        .slice(0, limit);
    },
    async rebuild(readerId, load) {
      if (cache.down) return false;
      const entry = { ids: new Set<string>(), ready: false };
      entries.set(readerId, entry);
      const loaded = await load();
      if (entries.get(readerId) !== entry) return false;
      for (const id of loaded) entry.ids.add(id);
      entry.ready = true;
      trim(entry);
      return true;
    },
  };
  return cache;
}

export function aHighFollowerSet(): HighFollowerAuthors & { ids: Set<string> } {
  const ids = new Set<string>();
  return {
    ids,
    has: async (authorId) => ids.has(authorId),
    among: async (authorIds) => authorIds.filter((id) => ids.has(id)),
    all: async () => [...ids],
    add: async (authorId) => {
      ids.add(authorId);
    },
  };
}

/** A queue that holds chunks until the test hands them to a worker; `down` makes it refuse them, as an unreachable queue does. */
export function aChunkQueue() {
  const queue = {
    pending: [] as FanoutChunk[],
    down: false,
    async enqueue(chunks: readonly FanoutChunk[]) {
      if (queue.down) throw new Error('the fan-out queue is down');
      const empty = chunks.find((chunk) => chunk.readerIds.length === 0);
      if (empty) throw new Error(`fan-out chunk of ${empty.tweetId} names no reader`);
      queue.pending.push(...chunks.map((chunk) => ({ ...chunk, readerIds: [...chunk.readerIds] })));
    },
  };
  return queue;
}

/** The tweet service, as far as the timeline sees it: known ids come back in order, others are left out. */
export function aTweetDirectory(): TweetHydrator & { known: Set<string>; calls: string[][]; requestIds: Array<string | undefined> } {
  const known = new Set<string>();
  const calls: string[][] = [];
  const requestIds: Array<string | undefined> = [];
  return {
    known,
    calls,
    requestIds,
    hydrate: async (ids, viewerId, requestId) => {
      calls.push([...ids]);
      requestIds.push(requestId);
      return ids.filter((id) => known.has(id)).map((id): HydratedTweet => ({ id, text: `tweet ${id}`, viewer: viewerId }));
    },
  };
}

/**
 * Every live update an open stream hears, as `event reader-or-author tweet` lines, in order.
 * Every reader and author has a stream open unless `online` names those who do (as `7` or
 * `author:7`); a follow's tweets are listed only for a reader online, and come oldest first;
 * `down` loses every update, as an unreachable Redis does, and never throws.
 */
export function aLiveUpdatesRecorder() {
  const heard: string[] = [];
  const hears = (target: string) => !live.down && (live.online === undefined || live.online.has(target));
  const say = (target: string, line: string) => {
    if (hears(target)) heard.push(line);
  };
  /** A follow's or unfollow's tweets, listed only when the reader is online. */
  const sayEach = async (readerId: string, tweetIds: () => Promise<string[]>, line: (id: string) => string, oldestFirst: boolean) => {
    if (!hears(readerId)) return;
    const ids = await tweetIds();
    heard.push(...(oldestFirst ? ids.toReversed() : ids).map(line));
  };
  const live: LiveUpdates & { heard: string[]; online: Set<string> | undefined; down: boolean } = {
    heard,
    online: undefined,
    down: false,
    entered: async (readerIds, tweetId) => readerIds.forEach((id) => say(id, `update ${id} ${tweetId}`)),
    left: async (readerIds, tweetId) => readerIds.forEach((id) => say(id, `delete ${id} ${tweetId}`)),
    enteredHome: (readerId, tweetIds) => sayEach(readerId, tweetIds, (id) => `update ${readerId} ${id}`, true),
    leftHome: (readerId, tweetIds) => sayEach(readerId, tweetIds, (id) => `delete ${readerId} ${id}`, false),
    mergedAuthorFollowed: async (readerId, authorId, following) => say(readerId, `${following ? 'listen' : 'unlisten'} ${readerId} author:${authorId}`),
    mergedAuthorPosted: async (authorId, tweetId) => say(`author:${authorId}`, `update author:${authorId} ${tweetId}`),
    mergedAuthorDeleted: async (authorId, tweetId) => say(`author:${authorId}`, `delete author:${authorId} ${tweetId}`),
  };
  return live;
}

export interface TestTimelinePorts extends TimelinePorts {
  live: ReturnType<typeof aLiveUpdatesRecorder>;
  homeTimelines: InMemoryHomeTimelines;
  cache: InMemoryTimelineCache;
  highFollowers: ReturnType<typeof aHighFollowerSet>;
  queue: ReturnType<typeof aChunkQueue>;
  tweets: ReturnType<typeof aTweetDirectory>;
  written: { entries: number; lags: number[] };
}

export function aTimelineService(settings: Partial<TimelinePorts['settings']> = {}) {
  const written = { entries: 0, lags: [] as number[] };
  const ports: TestTimelinePorts = {
    homeTimelines: createInMemoryHomeTimelines(),
    authorTweets: createInMemoryAuthorTweets(),
    deleted: createInMemoryDeletedTweets(),
    graph: createInMemoryFollowGraph(),
    cache: createInMemoryTimelineCache(),
    highFollowers: aHighFollowerSet(),
    queue: aChunkQueue(),
    tweets: aTweetDirectory(),
    metrics: { entriesWritten: (n) => void (written.entries += n), lag: (s) => void written.lags.push(s) },
    clock: aClock(new Date('2026-03-01T12:00:01.000Z')),
    settings: { highFollowerThreshold: 10, chunkSize: 3, ...settings },
    written,
    live: aLiveUpdatesRecorder(),
  };
  const useCases = makeTimelineUseCases(ports);
  /** Runs every queued chunk, as workers would (in any order; here, as queued). */
  const drain = async () => {
    while (ports.queue.pending.length > 0) await deliver(ports.queue.pending.shift()!);
  };
  /** A chunk as the queue's consumer hands it on: pushed or unpushed, by its action. */
  const deliver = (chunk: FanoutChunk) => (chunk.action === 'add' ? useCases.pushToHome(chunk) : useCases.unpushFromHome(chunk));
  return { ports, ...useCases, deliver, drain };
}
