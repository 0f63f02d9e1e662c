import type { Client } from 'cassandra-driver';
import type { DeletedTweets } from '../use-cases/ports.ts';
import { prepared } from './cassandra-rows.ts';

/** Deletion markers in Cassandra's `deleted_tweets`; a marker is never removed. */
export function createCassandraDeletedTweets(client: Client): DeletedTweets {
  return {
    async mark(tweetId) {
      await client.execute('INSERT INTO deleted_tweets (tweet_id) VALUES (?)', [tweetId], prepared);
    },
    async has(tweetId) {
      return (await client.execute('SELECT tweet_id FROM deleted_tweets WHERE tweet_id = ?', [tweetId], prepared)).rows.length > 0;
    },
  };
}
