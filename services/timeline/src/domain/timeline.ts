// The timeline's rules that need no I/O: how deep a timeline is, when it is trimmed, who is
// fanned out to, and how several newest-first streams of tweet ids become one page.

/** A home timeline keeps its newest 800 entries (Twitter's and Mastodon's depth), in every store. */
export const MAX_HOME_ITEMS = 800;
/** After a follow, this many of the followee's newest tweets join the follower's timeline. */
export const FOLLOW_BACKFILL = 200;
/** An author's recent tweets kept for follows and read-time merges. */
export const AUTHOR_TWEETS_DEPTH = 800;
/**
 * A timeline is trimmed when about one tweet in TRIM_EVERY lands in it, chosen by a hash of the
 * tweet id (so a redelivered event trims exactly when the first delivery did) and partitions
 * stay within a few dozen entries of the depth. Hashed, because an id's low bits are a
 * per-millisecond counter that is 0 for most tweets.
 */
export const TRIM_EVERY = 32n;
const GOLDEN = 0x9e3779b97f4a7c15n;

export const shouldTrim = (tweetId: string): boolean => (BigInt.asUintN(64, BigInt(tweetId) * GOLDEN) >> 59n) % TRIM_EVERY === 0n;

/** Newest first: ids are time-ordered 64-bit integers, compared as such (not as strings or doubles). */
export const byIdDesc = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x > y ? -1 : x < y ? 1 : 0;
};

/** Whether `id` comes after the cursor position `before` (older), when there is one. */
export const isBefore = (id: string, before: string | undefined): boolean => before === undefined || BigInt(id) < BigInt(before);

/** The newest `limit` ids of several newest-first streams, each id once. */
export function mergeNewest(streams: readonly (readonly string[])[], limit: number): string[] {
  return [...new Set(streams.flat())].sort(byIdDesc).slice(0, limit);
}

/** How an author's tweets reach followers: written into each timeline, or merged when timelines are read. */
export type Distribution = 'fan_out' | 'merge_on_read';

/**
 * Authors with at least `threshold` followers are merged on read: their tweet costs one write
 * however many follow them. Once an author is, they stay so (a tweet merged on read must stay
 * reachable that way; an account that loses followers is rare and costs only merge work).
 */
export const distributionFor = (followersSeen: number, threshold: number): Distribution =>
  followersSeen >= threshold ? 'merge_on_read' : 'fan_out';

/** How fan-out splits its work; from the service's configuration. */
export interface FanoutSettings {
  /** Authors with at least this many followers are merged on read (10,000 by default). */
  highFollowerThreshold: number;
  /** Followers per chunk: one chunk runs inline, more go to the queue for any worker. */
  chunkSize: number;
}
