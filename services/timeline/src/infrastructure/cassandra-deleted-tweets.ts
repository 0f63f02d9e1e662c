import type { Client } from 'cassandra-driver';
import type { DeletedTweets } from '../use-cases/ports.ts';
import { idsOf, prepared } from './cassandra-rows.ts';

/** Ids per IN read: the coordinator looks each partition up, so a backfill's 200 go in a few reads. */
const AMONG_BATCH = 50;

/** Deletion markers in Cassandra's `deleted_tweets`; a marker is never removed. */
export function createCassandraDeletedTweets(client: Client): DeletedTweets {
  return {
    async mark(tweetId) {
      await client.execute('INSERT INTO deleted_tweets (tweet_id) VALUES (?)', [tweetId], prepared);
    },
    async has(tweetId) {
      return (await client.execute('SELECT tweet_id FROM deleted_tweets WHERE tweet_id = ?', [tweetId], prepared)).rows.length > 0;
    },
    async among(tweetIds) {
      const unique = [...new Set(tweetIds)];
      const reads = [];
      for (let i = 0; i < unique.length; i += AMONG_BATCH) {
        const ids = unique.slice(i, i + AMONG_BATCH);
        reads.push(client.execute('SELECT tweet_id FROM deleted_tweets WHERE tweet_id IN ?', [ids], { ...prepared, fetchSize: ids.length + 1 }));
      }
      return new Set((await Promise.all(reads)).flatMap((result) => idsOf(result.rows, 'tweet_id')));
    },
  };
}
