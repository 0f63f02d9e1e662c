// A tweet and the rules around it that need no I/O: who may delete it, what a search asks,
// what an idempotency key may be.
import { invalidSearchQuery } from '@chirp/kernel/errors';
import type { AttachedMedia } from './media.ts';
import { invalidIdempotencyKey, notTweetAuthor } from './tweet-errors.ts';
import { hashtagsOf, searchTermsOf } from './tweet-text.ts';

export interface Tweet {
  id: string;
  authorId: string;
  text: string;
  createdAt: Date;
  replyToId: string | null;
  hashtags: string[];
  mentions: string[];
  likeCount: number;
  replyCount: number;
  /** In the order attached; never changes once the tweet exists. */
  media: AttachedMedia[];
}

/** The author as this service knows them, from user events (it never calls the user service to answer). */
export interface Author {
  id: string;
  handle: string;
  displayName: string;
}

export function checkCanDelete(tweet: Pick<Tweet, 'authorId'>, callerId: string): void {
  if (tweet.authorId !== callerId) throw notTweetAuthor();
}

export const SEARCH_QUERY_MAX = 100;
const MAX_TERMS = 10;

export interface SearchQuery {
  /** Whole words, lower-cased, all of which must appear. */
  words: string[];
  /** Hashtags without '#', lower-cased, all of which must be on the tweet. */
  hashtags: string[];
}

/**
 * Splits `q` into words and #hashtags, by the same rules tweets are indexed with
 * (`searchTermsOf`, `hashtagsOf`), so 'coffee!' searches 'coffee' and '#नमस्ते' the tag.
 * A query with nothing searchable is refused.
 */
export function parseSearchQuery(q: string): SearchQuery {
  const trimmed = q.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > SEARCH_QUERY_MAX) throw invalidSearchQuery(`must be 1–${SEARCH_QUERY_MAX} characters`);
  const words = new Set<string>();
  const hashtags = new Set<string>();
  for (const token of trimmed.split(/\s+/)) {
    const tags = /^[#＃]/.test(token) ? hashtagsOf(token) : [];
    for (const tag of tags) hashtags.add(tag);
    if (tags.length === 0) for (const word of searchTermsOf(token)) words.add(word);
  }
  if (words.size + hashtags.size === 0) throw invalidSearchQuery('has no words or hashtags to look for');
  if (words.size + hashtags.size > MAX_TERMS) throw invalidSearchQuery(`has more than ${MAX_TERMS} words and hashtags`);
  return { words: [...words], hashtags: [...hashtags] };
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/** An Idempotency-Key header: 1–128 visible ASCII characters of a safe set (a UUID fits). */
export function parseIdempotencyKey(raw: string): string {
  if (!IDEMPOTENCY_KEY.test(raw)) {
    throw invalidIdempotencyKey();
  }
  return raw;
}
