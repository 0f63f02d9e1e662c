import type { MediaJson, TweetJson, UserJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import type { RateLimitDecision, RateLimit } from '../domain/rate-limit.ts';

// The gateway owns no data: its ports are the services behind it, in the public API's terms.
// Each call carries the request id, so one client request can be followed through every log.

export interface CallContext {
  requestId: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: UserJson;
}

export interface UserService {
  register(account: { handle: string; password: string; displayName?: string }, ctx: CallContext): Promise<UserJson>;
  logIn(credentials: { handle: string; password: string }, ctx: CallContext): Promise<SignedIn>;
  refresh(refreshToken: string, ctx: CallContext): Promise<SignedIn>;
  logOut(refreshToken: string, ctx: CallContext): Promise<void>;
  getById(userId: string, viewerId: string | undefined, ctx: CallContext): Promise<UserJson>;
  getByHandle(handle: string, viewerId: string | undefined, ctx: CallContext): Promise<UserJson>;
  updateProfile(userId: string, changes: { displayName?: string; bio?: string; avatarUrl?: string }, ctx: CallContext): Promise<UserJson>;
  listFollows(direction: 'followers' | 'following', handle: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<UserJson>>;
  follow(followerId: string, followeeHandle: string, ctx: CallContext): Promise<void>;
  unfollow(followerId: string, followeeHandle: string, ctx: CallContext): Promise<void>;
  search(query: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<UserJson>>;
}

export interface NewTweet {
  authorId: string;
  authorHandle: string;
  text: string;
  replyToId?: string;
  idempotencyKey?: string;
  mediaIds?: string[];
}

export interface TweetService {
  post(tweet: NewTweet, ctx: CallContext): Promise<{ tweet: TweetJson; replayed: boolean }>;
  get(tweetId: string, viewerId: string | undefined, ctx: CallContext): Promise<TweetJson>;
  delete(tweetId: string, callerId: string, ctx: CallContext): Promise<void>;
  like(tweetId: string, userId: string, ctx: CallContext): Promise<void>;
  unlike(tweetId: string, userId: string, ctx: CallContext): Promise<void>;
  listByAuthor(authorId: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<TweetJson>>;
  listReplies(tweetId: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<TweetJson>>;
  search(query: string, page: PageRequest, viewerId: string | undefined, ctx: CallContext): Promise<Page<TweetJson>>;
}

/** A presigned form POST: multipart/form-data to `url` with every field, then the file as `file`. */
export interface MediaUpload {
  media: MediaJson;
  upload: { url: string; fields: Record<string, string>; expiresAt: string };
}

/** Media, owned by the tweet service (services/tweet/README.md, "Media"). */
export interface MediaService {
  requestUpload(ownerId: string, file: { contentType: string; size: number }, ctx: CallContext): Promise<MediaUpload>;
  /** The owner's media; anyone else's is MEDIA_NOT_FOUND. */
  get(ownerId: string, mediaId: string, ctx: CallContext): Promise<MediaJson>;
  /** Keeps the owner's ready media as an avatar and answers it; anything else is INVALID_MEDIA. */
  useAsAvatar(ownerId: string, mediaId: string, ctx: CallContext): Promise<MediaJson>;
}

export interface TimelineService {
  readHome(readerId: string, page: PageRequest, ctx: CallContext): Promise<Page<TweetJson>>;
}

/** Shared by every gateway replica, so a client's budget does not multiply with the replica count. */
export interface RateLimiter {
  /** Takes one request from `key`'s budget under `limit`, or says when it may try again. */
  consume(key: string, limit: RateLimit): Promise<RateLimitDecision>;
}

/** Requests one replica admitted from a budget (`policy:key`) since it last said so. */
export interface BudgetSpend {
  bucket: string;
  cells: number;
  limit: RateLimit;
}

/** Where replicas that decide locally meet (infrastructure/synced-rate-limiter.ts). */
export interface SharedBudgets {
  /**
   * Adds each spend to its budget's shared arrival time (from now if that is past, so an idle
   * budget is full again) and answers each new arrival time as microseconds from now, by the
   * store's clock, so replicas with skewed clocks agree.
   */
  spend(spends: readonly BudgetSpend[]): Promise<number[]>;
}

/** Handle → user id. Handles never change and accounts are never deleted, so a hit never goes stale. */
export interface HandleDirectory {
  get(handle: string): string | undefined;
  remember(handle: string, userId: string): void;
}
