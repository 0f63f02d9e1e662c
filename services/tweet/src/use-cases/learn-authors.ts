import type { StoredAuthor, TweetCache, TweetStore } from './ports.ts';

/**
 * Keeps the handle and display name of authors from user events. The highest profile
 * version wins, so a repeated or late event changes nothing; a saved change replaces the
 * cached author at once.
 */
export function makeLearnAuthor(deps: { tweets: TweetStore; cache: TweetCache }) {
  return async function learnAuthor(author: StoredAuthor): Promise<void> {
    const saved = await deps.tweets.saveAuthor(author);
    if (saved) await deps.cache.putAuthors([saved]);
  };
}
