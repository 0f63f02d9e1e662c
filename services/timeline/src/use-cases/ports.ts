// What the timeline use cases need from the outside world, named for the role each plays.

export interface Clock {
  now(): Date;
}

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

/** Home timelines, authors' recent tweets and deletion markers (Cassandra). */
export interface TimelineStore {
  /** Writes one entry into each reader's timeline; idempotent. */
  addToTimelines(readerIds: readonly string[], entry: TimelineEntry): Promise<void>;
  /** Writes several entries into one reader's timeline; idempotent. */
  addEntries(readerId: string, entries: readonly TimelineEntry[]): Promise<void>;
  removeFromTimelines(readerIds: readonly string[], tweetId: string): Promise<void>;
  /** Removes every entry by `authorId` from the reader's timeline. */
  removeAuthor(readerId: string, authorId: string): Promise<void>;
  /** The reader's timeline, newest first, never deeper than TIMELINE_DEPTH (what a cache entry is built from). */
  readTimeline(readerId: string): Promise<string[]>;
  /** Cuts the readers' timelines to their newest TIMELINE_DEPTH entries. */
  trimTimelines(readerIds: readonly string[]): Promise<void>;

  /**
   * Records the author's tweet; `fannedOut` says it was written into followers' timelines.
   * The flag only ever goes up: recording it again without fan-out keeps a true.
   */
  addAuthorTweet(entry: TimelineEntry, fannedOut: boolean): Promise<void>;
  /** Whether the author's tweet was fanned out; undefined when it is not recorded. */
  authorTweetFannedOut(entry: TimelineEntry): Promise<boolean | undefined>;
  removeAuthorTweet(entry: TimelineEntry): Promise<void>;
  /** The author's recent tweets, newest first, below `before`. */
  authorTweets(authorId: string, before: string | undefined, limit: number): Promise<string[]>;
  trimAuthorTweets(authorId: string): Promise<void>;

  markDeleted(tweetId: string): Promise<void>;
  isDeleted(tweetId: string): Promise<boolean>;
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
 * The Redis copy of home timelines: the newest TIMELINE_DEPTH ids per reader. A reader's entry
 * is either whole or absent; writes go only into entries that exist, so a partial one never shows.
 */
export interface TimelineCache {
  /** Adds the tweet to each reader's cached timeline that exists (and trims it); a repeat changes nothing. */
  add(readerIds: readonly string[], tweetId: string): Promise<void>;
  remove(readerIds: readonly string[], tweetId: string): Promise<void>;
  /** Drops the reader's entry; the next read rebuilds it. */
  forget(readerId: string): Promise<void>;
  /** Newest first below `before`; undefined when the reader's entry is absent (or being built). */
  read(readerId: string, before: string | undefined, limit: number): Promise<string[] | undefined>;
  /**
   * Builds the reader's entry from `load` (the newest TIMELINE_DEPTH ids), one build per reader
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

export interface FanoutQueue {
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
  hydrate(ids: readonly string[], viewerId: string): Promise<HydratedTweet[]>;
}

/** A tweet as the tweet service answers it; the timeline passes it through untouched. */
export interface HydratedTweet {
  id: string;
  [field: string]: unknown;
}
