// Deletion markers in memory, for unit tests; test/contract keeps them honest against Cassandra.
import type { DeletedTweets } from '../../src/use-cases/ports.ts';

export function createInMemoryDeletedTweets(): DeletedTweets {
  const deleted = new Set<string>();
  return {
    async mark(tweetId) {
      deleted.add(tweetId);
    },
    async has(tweetId) {
      return deleted.has(tweetId);
    },
    async among(tweetIds) {
      return new Set(tweetIds.filter((id) => deleted.has(id)));
    },
  };
}
