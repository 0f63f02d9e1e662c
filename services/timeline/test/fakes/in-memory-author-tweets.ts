// Authors' recent tweets in memory, for unit tests; test/contract keeps them honest against Cassandra.
import { AUTHOR_TWEETS_DEPTH, byIdDesc, isBefore } from '../../src/domain/timeline.ts';
import type { AuthorTweetStore } from '../../src/use-cases/ports.ts';

export function createInMemoryAuthorTweets(): AuthorTweetStore {
  // Per author: tweet id → fanned out.
  const authors = new Map<string, Map<string, boolean>>();
  const newest = (ids: Iterable<string>) => [...ids].sort(byIdDesc);
  return {
    async record(entry, fannedOut) {
      const tweets = authors.get(entry.authorId) ?? authors.set(entry.authorId, new Map()).get(entry.authorId)!;
      tweets.set(entry.tweetId, fannedOut || (tweets.get(entry.tweetId) ?? false));
    },
    async wasFannedOut(entry) {
      return authors.get(entry.authorId)?.get(entry.tweetId);
    },
    async remove(entry) {
      authors.get(entry.authorId)?.delete(entry.tweetId);
    },
    async recent(authorId, before, limit) {
      return newest(authors.get(authorId)?.keys() ?? [])
        .filter((id) => isBefore(id, before))
        .slice(0, limit);
    },
    async trim(authorId) {
      const tweets = authors.get(authorId);
      for (const id of newest(tweets?.keys() ?? []).slice(AUTHOR_TWEETS_DEPTH)) tweets!.delete(id);
    },
  };
}
