// What the timeline use cases need from the outside world, named for the role each plays.

/** One page of an author's followers, and where the next starts (opaque). */
export interface FollowerPage {
  followerIds: string[];
  next: string | undefined;
}

/** The timeline's own copy of the follow graph, kept from user events. */
export interface FollowGraph {
  /** Applies a follow (`following`) or unfollow of a pair; of two changes the higher `sequence` wins, in any order. */
  saveFollow(change: { followerId: string; followeeId: string; sequence: string; following: boolean }): Promise<void>;
  isFollowing(followerId: string, followeeId: string): Promise<boolean>;
  followersPage(authorId: string, after: string | undefined, pageSize: number): Promise<FollowerPage>;
  /** Of `readerIds`, those who follow `authorId` now. */
  followersAmong(authorId: string, readerIds: readonly string[]): Promise<Set<string>>;
  following(readerId: string): Promise<string[]>;
  /** Of `candidateIds`, those the reader follows now: one read however long the reader's following list. */
  followeesAmong(readerId: string, candidateIds: readonly string[]): Promise<Set<string>>;
}

export interface TimelineEntry {
  tweetId: string;
  authorId: string;
}

/** Readers' home timelines in the durable store (Mastodon's home feed, kept in Cassandra). Every write is idempotent. */
export interface HomeTimelineStore {
  /** Writes one entry into each reader's timeline. */
  push(readerIds: readonly string[], entry: TimelineEntry): Promise<void>;
  /** Writes several entries into one reader's timeline (a followee's tweets merged in). */
  pushMany(readerId: string, entries: readonly TimelineEntry[]): Promise<void>;
  unpush(readerIds: readonly string[], tweetId: string): Promise<void>;
  /** Removes every entry by `authorId` from the reader's timeline; resolves with the tweet ids removed. */
  unpushAuthor(readerId: string, authorId: string): Promise<string[]>;
  /** The reader's timeline, newest first, never deeper than MAX_HOME_ITEMS (what a cache entry is built from). */
  read(readerId: string): Promise<string[]>;
  /** Cuts the readers' timelines to their newest MAX_HOME_ITEMS entries (it counts each first: a read of the whole timeline). */
  trim(readerIds: readonly string[]): Promise<void>;
  /**
   * Drops each reader's entries older than `oldestKept`, reading nothing: the cut a cached copy
   * already made (see CachedDepth). Newer entries, and other readers', stay.
   */
  trimBelow(cuts: readonly { readerId: string; oldestKept: string }[]): Promise<void>;
}

/** Each author's recent tweets: what a follow merges in, and what is merged on read for high-follower authors. */
export interface AuthorTweetStore {
  /**
   * Records the author's tweet; `fannedOut` says it was written into followers' timelines.
   * The flag only ever goes up: recording it again without fan-out keeps a true.
   */
  record(entry: TimelineEntry, fannedOut: boolean): Promise<void>;
  /** Whether the author's tweet was fanned out; undefined when it is not recorded. */
  wasFannedOut(entry: TimelineEntry): Promise<boolean | undefined>;
  remove(entry: TimelineEntry): Promise<void>;
  /** The author's recent tweets, newest first, below `before`. */
  recent(authorId: string, before: string | undefined, limit: number): Promise<string[]>;
  /** Cuts the author's recent tweets to their newest AUTHOR_TWEETS_DEPTH. */
  trim(authorId: string): Promise<void>;
}

/** Markers of deleted tweets, so a create or chunk that arrives after the delete finds it. */
export interface DeletedTweets {
  mark(tweetId: string): Promise<void>;
  has(tweetId: string): Promise<boolean>;
  /** Of `tweetIds`, those marked deleted: one read for a batch (a follow's backfill). */
  among(tweetIds: readonly string[]): Promise<Set<string>>;
}

/** Which authors are merged on read; a process-wide view that may lag a store write by seconds. */
export interface HighFollowerAuthors {
  has(authorId: string): Promise<boolean>;
  all(): Promise<string[]>;
  /** Of `authorIds`, those merged on read. */
  among(authorIds: readonly string[]): Promise<string[]>;
  add(authorId: string): Promise<void>;
}

/**
 * The Redis copy of home timelines: the newest MAX_HOME_ITEMS ids per reader. A reader's entry
 * is either whole or absent; writes go only into entries that exist, so a partial one never shows.
 */
/**
 * What an add found in a reader's cached timeline: `absent` (no entry, one still being built, or
 * the cache unreachable), `within` the depth, or `full`: it passed MAX_HOME_ITEMS and dropped its
 * oldest, keeping `oldestKept` and what is newer. Every cached id is also stored (writes reach
 * the store first), so the store holds at least the depth newer than `oldestKept` and may drop
 * the rest without reading it; an entry within the depth says the stored timeline is too.
 */
export type CachedDepth = { state: 'absent' } | { state: 'within' } | { state: 'full'; oldestKept: string };

export interface TimelineCache {
  /** Adds the tweet to each reader's cached timeline that exists (and trims it); a repeat changes nothing. Says what it found, for every reader. */
  add(readerIds: readonly string[], tweetId: string): Promise<ReadonlyMap<string, CachedDepth>>;
  /** Adds the tweets to the reader's cached timeline if it exists (and trims it); a repeat changes nothing. */
  merge(readerId: string, tweetIds: readonly string[]): Promise<CachedDepth>;
  remove(readerIds: readonly string[], tweetId: string): Promise<void>;
  /** Drops the reader's entry; the next read rebuilds it. */
  forget(readerId: string): Promise<void>;
  /** Newest first below `before`; undefined when the reader's entry is absent (or being built). */
  read(readerId: string, before: string | undefined, limit: number): Promise<string[] | undefined>;
  /**
   * Builds the reader's entry from `load` (the newest MAX_HOME_ITEMS ids), one build per reader
   * at a time across processes; resolves false when another build holds the lock.
   */
  rebuild(readerId: string, load: () => Promise<string[]>): Promise<boolean>;
}

/** A share of a large fan-out, handed to whichever worker takes it. */
export interface FanoutChunk {
  action: 'add' | 'remove';
  tweetId: string;
  authorId: string;
  readerIds: string[];
  /** When the tweet was created (for lag metrics). */
  createdAt: string;
}

/**
 * Where chunks wait for whichever worker takes them next. Each chunk comes out whole, at least
 * once (a chunk may come out twice, and chunks in any order: applying one is idempotent).
 */
export interface FanoutQueue {
  /**
   * Resolves once every chunk is queued, however many; rejects when any is not (refused, or the
   * queue unreachable), and the event that made them is retried whole. A chunk names at least
   * one reader.
   */
  enqueue(chunks: readonly FanoutChunk[]): Promise<void>;
}

/** What the operator watches: how far behind fan-out runs, and how much it writes. */
export interface FanoutMetrics {
  entriesWritten(count: number): void;
  /** Seconds from the tweet's creation to its entries being written. */
  lag(seconds: number): void;
}

/** Full tweets for a page of ids, in the order asked, deleted ones left out (the tweet service's batch get). */
export interface TweetHydrator {
  /** `requestId`: the request that asked, passed on so the tweet service's log joins this one. */
  hydrate(ids: readonly string[], viewerId: string, requestId?: string): Promise<HydratedTweet[]>;
}

/** A tweet as the tweet service answers it; the timeline passes it through untouched. */
export interface HydratedTweet {
  id: string;
  [field: string]: unknown;
}

/**
 * Live delivery to readers with a stream open (the gateway's SSE, through Redis): tweets entering
 * and leaving home timelines as fan-out writes them, and the tweets of authors merged on read, one
 * message for all their online followers. Best effort: it never throws and never decides a write
 * (a client that missed one sees it on its next read).
 */
export interface LiveUpdates {
  entered(readerIds: readonly string[], tweetId: string, createdAt: string): Promise<void>;
  left(readerIds: readonly string[], tweetId: string): Promise<void>;
  /**
   * Tweets entering one reader's timeline at once (a follow); `tweetIds` (newest first) is called
   * only when the reader is online. The stream hears them oldest first, so a client putting each
   * on top ends with the newest on top.
   */
  enteredHome(readerId: string, tweetIds: () => Promise<string[]>): Promise<void>;
  /** Tweets leaving one reader's timeline at once (an unfollow); `tweetIds` is called only when the reader is online. */
  leftHome(readerId: string, tweetIds: () => Promise<string[]>): Promise<void>;
  /** The reader now follows (or no longer follows) a high-follower author: their stream starts (or stops) hearing that author. */
  mergedAuthorFollowed(readerId: string, authorId: string, following: boolean): Promise<void>;
  mergedAuthorPosted(authorId: string, tweetId: string, createdAt: string): Promise<void>;
  mergedAuthorDeleted(authorId: string, tweetId: string): Promise<void>;
}
