import { DomainError } from '@chirp/kernel/errors';

/** The stable codes clients see for tweet rules; the API contract names the rules (../shared/api/v1.md). */
export const tweetEmpty = () => new DomainError('invalid', 'TWEET_EMPTY', 'The tweet has no text once trimmed.');
export const tweetTooLong = (weightedLength: number, max: number) =>
  new DomainError('invalid', 'TWEET_TOO_LONG', `The tweet counts ${weightedLength} characters as Twitter counts them; the most is ${max}.`);
export const invalidTweetText = () =>
  new DomainError('invalid', 'INVALID_TWEET_TEXT', 'The tweet text has a NUL character or half of an emoji (a lone UTF-16 surrogate).');
export const tweetNotFound = () => new DomainError('not_found', 'TWEET_NOT_FOUND', 'No such tweet.');
export const replyTargetNotFound = () => new DomainError('not_found', 'REPLY_TARGET_NOT_FOUND', 'The tweet being replied to does not exist.');
export const notTweetAuthor = () => new DomainError('forbidden', 'NOT_TWEET_AUTHOR', 'Only the author can delete a tweet.');
export const invalidIdempotencyKey = () =>
  new DomainError('invalid', 'INVALID_IDEMPOTENCY_KEY', 'The Idempotency-Key must be 1–128 characters of letters, digits and _ . : -.');
