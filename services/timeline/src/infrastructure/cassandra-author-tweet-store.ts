import type { Client } from 'cassandra-driver';
import { AUTHOR_TWEETS_DEPTH } from '../domain/timeline.ts';
import type { AuthorTweetStore } from '../use-cases/ports.ts';
import { idsOf, prepared, trimPartition } from './cassandra-rows.ts';

/** Authors' recent tweets in Cassandra's `author_tweets`, one partition per author, with the fanned-out flag. */
export function createCassandraAuthorTweetStore(client: Client): AuthorTweetStore {
  return {
    async record(entry, fannedOut) {
      // Without fan-out the flag is not written at all, so a repeat can never clear a true.
      await (fannedOut
        ? client.execute('INSERT INTO author_tweets (author_id, tweet_id, fanned_out) VALUES (?, ?, true)', [entry.authorId, entry.tweetId], prepared)
        : client.execute('INSERT INTO author_tweets (author_id, tweet_id) VALUES (?, ?)', [entry.authorId, entry.tweetId], prepared));
    },
    async wasFannedOut(entry) {
      const result = await client.execute('SELECT fanned_out FROM author_tweets WHERE author_id = ? AND tweet_id = ?', [entry.authorId, entry.tweetId], prepared);
      const row = result.rows[0];
      return row === undefined ? undefined : row.get('fanned_out') === true;
    },
    async remove(entry) {
      await client.execute('DELETE FROM author_tweets WHERE author_id = ? AND tweet_id = ?', [entry.authorId, entry.tweetId], prepared);
    },
    async recent(authorId, before, limit) {
      const result =
        before === undefined
          ? await client.execute('SELECT tweet_id FROM author_tweets WHERE author_id = ? LIMIT ?', [authorId, limit], prepared)
          : await client.execute('SELECT tweet_id FROM author_tweets WHERE author_id = ? AND tweet_id < ? LIMIT ?', [authorId, before, limit], prepared);
      return idsOf(result.rows, 'tweet_id');
    },
    trim: (authorId) => trimPartition(client, 'author_tweets', 'author_id', authorId, AUTHOR_TWEETS_DEPTH),
  };
}
