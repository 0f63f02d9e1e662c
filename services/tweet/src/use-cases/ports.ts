// What the tweet use cases need from the outside world, named for the role each plays.
import type { EventEnvelope } from '@chirp/kernel/events';
import type { Media, MediaContentType, UploadedObject } from '../domain/media.ts';
import type { Author, Tweet } from '../domain/tweet.ts';

/**
 * A tweet row as stored, deleted ones included (a cache keeps them as tombstones).
 * `version` rises with every change to the row, so of two copies the higher is the newer.
 */
export interface StoredTweet extends Tweet {
  deleted: boolean;
  version: number;
}

/** An author and the profile version it was learnt at (0 for a stand-in made from a tweet's token). */
export interface StoredAuthor extends Author {
  profileVersion: number;
}

export interface TweetReader {
  /** The tweets among `ids`, deleted ones included, each with its author when known; in no particular order. */
  findTweets(ids: readonly string[]): Promise<{ tweets: StoredTweet[]; authors: StoredAuthor[] }>;
  findAuthors(ids: readonly string[]): Promise<StoredAuthor[]>;
  /** The ids among `tweetIds` that `userId` likes. */
  likedAmong(userId: string, tweetIds: readonly string[]): Promise<Set<string>>;
  /** Ids of `authorId`'s live tweets, newest first, below the id `before`; an index range scan. */
  listByAuthor(authorId: string, before: string | undefined, limit: number, viewerId?: string): Promise<IdPage>;
  /** Ids of the live replies to `tweetId`, oldest first, above the id `after`. */
  listReplies(tweetId: string, after: string | undefined, limit: number, viewerId?: string): Promise<IdPage>;
  /** Ids of live tweets with every word and every hashtag, newest first, below the id `before`. */
  search(query: { words: readonly string[]; hashtags: readonly string[] }, before: string | undefined, limit: number, viewerId?: string): Promise<IdPage>;
}

/**
 * The ids a list found and, when it was given a viewer, those of them the viewer likes, read
 * with the ids (one round trip where likedAmong after the list would be a second).
 */
export interface IdPage {
  ids: string[];
  likedByViewer?: Set<string>;
}

/**
 * A new tweet as written: the tweet, `standIn` as its author (`tweet.authorId`) when no user
 * event has described them yet (an author already stored is left alone), the events it emits
 * and, for a post with an Idempotency-Key, the claim of that key (see claimIdempotencyKey).
 */
export interface NewTweet {
  tweet: Tweet;
  standIn: Omit<Author, 'id'>;
  events: readonly EventEnvelope[];
  claim?: { key: string; at: Date; notBefore: Date };
}

/** Writes inside one transaction: all of them, and the events they emit, commit together or not at all. */
export interface TweetTransaction {
  /**
   * Claims `key` for `tweetId`. Resolves undefined when the claim is new (or replaces one
   * older than `notBefore`); otherwise the id of the tweet the key first created. A racing
   * claim of the same key waits until this transaction ends.
   */
  claimIdempotencyKey(claim: { authorId: string; key: string; tweetId: string; at: Date; notBefore: Date }): Promise<string | undefined>;
  /** The tweet, its stand-in author and its events (see NewTweet): one write, one round trip. */
  insertTweet(post: Omit<NewTweet, 'claim'>): Promise<void>;
  /** The tweet, live or deleted, locked until the transaction ends. */
  lockTweet(id: string): Promise<StoredTweet | undefined>;
  /** Soft-deletes a live tweet; the row after the change. */
  markDeleted(id: string, at: Date): Promise<StoredTweet>;
  /** Adds `delta` to a tweet's reply or like count; the row after the change, or undefined when the tweet is not live. */
  adjustCount(id: string, count: 'replyCount' | 'likeCount', delta: 1 | -1): Promise<StoredTweet | undefined>;
  /** True when the like is new. */
  insertLike(tweetId: string, userId: string, at: Date): Promise<boolean>;
  /** True when there was a like to remove. */
  deleteLike(tweetId: string, userId: string): Promise<boolean>;
  /** The media among `ids`, locked until the transaction ends (so two tweets cannot both attach one). */
  lockMedia(ids: readonly string[]): Promise<Media[]>;
  /** Marks the media attached to `tweetId`; each must be locked and unattached. */
  attachMedia(ids: readonly string[], tweetId: string): Promise<void>;
  /** Events written with the change (the transactional outbox). */
  emit(events: readonly EventEnvelope[]): Promise<void>;
}

export interface TweetStore extends TweetReader {
  /**
   * A new tweet that locks nothing first (no parent to count a reply on, no media to attach), in
   * one write that is its own transaction: the claim, the tweet and its events, all or nothing.
   * When an unexpired claim of the same key exists, nothing is written and the id of the tweet
   * that claim created comes back as `replayOf`.
   */
  insertTweet(post: NewTweet): Promise<{ replayOf?: string }>;
  /** Runs `work` in one transaction; it may run again from the start after a deadlock. */
  transaction<T>(work: (tx: TweetTransaction) => Promise<T>): Promise<T>;
  /** Saves an author from a user event unless a version at least as high is stored; the saved author, or undefined. */
  saveAuthor(author: StoredAuthor): Promise<StoredAuthor | undefined>;
  /** Forgets idempotency keys claimed before `before`; how many went. */
  pruneIdempotencyKeys(before: Date): Promise<number>;
}

/**
 * A read-through cache of tweets and authors. Every write carries the row's version and
 * replaces only an older one, so a slow reader can never put back what a writer changed.
 * It is only a cache: when it fails, reads go to the store and writes are logged, not thrown.
 */
export interface TweetCache {
  /**
   * The cached tweets among `ids` and the cached authors of those tweets, in one read: an
   * author missing from `authors` is a miss like any other (absent or evicted).
   */
  getTweetsAndAuthors(ids: readonly string[]): Promise<{ tweets: Map<string, StoredTweet>; authors: Map<string, StoredAuthor> }>;
  putTweets(tweets: readonly StoredTweet[]): Promise<void>;
  getAuthors(ids: readonly string[]): Promise<Map<string, StoredAuthor>>;
  putAuthors(authors: readonly StoredAuthor[]): Promise<void>;
}

/** Media rows: who uploaded what, and whether its bytes were found to be what was declared. */
export interface MediaStore {
  insertMedia(media: Media): Promise<void>;
  /** The media among `ids`, in no particular order. */
  findMedia(ids: readonly string[]): Promise<Media[]>;
  /** The media attached to `tweetId`. */
  findMediaOfTweet(tweetId: string): Promise<Media[]>;
  /**
   * Settles a pending media as ready (with its URL and dimensions) or failed; the row after.
   * A media no longer pending is left as it is, so two verifiers racing agree.
   */
  settleMedia(id: string, outcome: { status: 'ready'; url: string; width: number; height: number } | { status: 'failed' }): Promise<Media | undefined>;
  /**
   * Claims pending media for one verification pass: those created at or after `since` and not
   * claimed after `claimedBefore`, least recently claimed first (never claimed: oldest first), up
   * to `limit`, each marked claimed `at`; answered oldest first. Another replica polling meanwhile
   * skips what this one claimed, and every pending upload gets its turn however many there are.
   */
  claimPending(window: { since: Date; claimedBefore: Date; at: Date }, limit: number): Promise<Media[]>;
  /** Marks a media as an avatar, which keeps it from the sweep. */
  markAvatar(id: string): Promise<void>;
  /** Media to remove: never attached nor an avatar and created before `before`, or (not an avatar) attached to a deleted tweet. */
  listRemovable(before: Date, limit: number): Promise<Media[]>;
  deleteMedia(ids: readonly string[]): Promise<void>;
}

/** An upload form: POST multipart/form-data to `url` with every field, then the file as `file`. */
export interface UploadForm {
  url: string;
  fields: Record<string, string>;
  expiresAt: Date;
}

/** The bucket media objects live in. */
export interface MediaStorage {
  /** A presigned form POST for exactly this key, type and size, valid until `expiresAt`. */
  presignUpload(object: { key: string; contentType: MediaContentType; size: number }, expiresAt: Date): Promise<UploadForm>;
  /** The object's size and, when it has at most `maxBytes`, its bytes; undefined when nothing was uploaded. */
  read(key: string, maxBytes: number): Promise<{ size: number; bytes: Uint8Array | undefined } | undefined>;
  /** The URL that serves the object to clients. */
  urlOf(key: string): string;
  /** Deletes the objects; keys with no object are fine. */
  delete(keys: readonly string[]): Promise<void>;
}

/** Reads an image's type and dimensions from its own bytes. */
export interface ImageInspector {
  inspect(bytes: Uint8Array): UploadedObject['image'];
}
