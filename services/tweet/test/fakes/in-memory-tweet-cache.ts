// The tweet cache in memory; test/contract keeps it honest against Redis.
import type { StoredAuthor, StoredTweet, TweetCache } from '../../src/use-cases/ports.ts';

export interface InMemoryTweetCache extends TweetCache {
  /** While true, every call fails as Redis would when down: reads miss, writes are dropped. */
  down: boolean;
  clear(): void;
}

export function createInMemoryTweetCache(): InMemoryTweetCache {
  const tweets = new Map<string, StoredTweet>();
  const authors = new Map<string, StoredAuthor>();
  const get = <T>(entries: Map<string, T>, ids: readonly string[]) =>
    new Map(cache.down ? [] : ids.flatMap((id) => (entries.has(id) ? [[id, structuredClone(entries.get(id)!)] as const] : [])));
  const put = <T extends { id: string }>(entries: Map<string, T>, values: readonly T[], versionOf: (value: T) => number) => {
    if (cache.down) return;
    for (const value of values) {
      const current = entries.get(value.id);
      if (current === undefined || versionOf(current) < versionOf(value)) entries.set(value.id, structuredClone(value));
    }
  };
  const cache: InMemoryTweetCache = {
    down: false,
    clear() {
      tweets.clear();
      authors.clear();
    },
    async getTweetsAndAuthors(ids) {
      const found = get(tweets, ids);
      return { tweets: found, authors: get(authors, [...new Set([...found.values()].map((tweet) => tweet.authorId))]) };
    },
    putTweets: async (values) => put(tweets, values, (tweet) => tweet.version),
    getAuthors: async (ids) => get(authors, ids),
    putAuthors: async (values) => put(authors, values, (author) => author.profileVersion),
  };
  return cache;
}
