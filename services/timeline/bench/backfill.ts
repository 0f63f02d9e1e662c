// CPU per follow, the timeline's half: the follow graph written and the followee's recent tweets
// merged into the follower's home timeline, with the checks after it. Two ways, interleaved:
//   rows:  one INSERT per backfilled tweet and one deletion-marker read per tweet (before #16's cut)
//   batch: the rows of the one partition in unlogged batches, the markers in IN reads (as shipped)
//   node services/timeline/bench/backfill.ts --cassandra-pid PID [--tweets 200] [--follows 100] [--rounds 5]
// CPU is this process's (process.cpuUsage) and Cassandra's (/proc/PID/stat), per follow, median of the rounds.
// Needs CASSANDRA_CONTACT_POINTS and REDIS_URL (the local stack's .stack/env).
import { parseArgs } from 'node:util';
import { createIdGenerator } from '@chirp/kernel/ids';
import cassandra from 'cassandra-driver';
import { createCassandraDeletedTweets } from '../src/infrastructure/cassandra-deleted-tweets.ts';
import { createCassandraHomeTimelineStore } from '../src/infrastructure/cassandra-home-timeline-store.ts';
import type { DeletedTweets, HomeTimelineStore } from '../src/use-cases/ports.ts';
import { benchTimelineService, median, openBenchStores, ownCpuMs, processCpuMs } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    'cassandra-pid': { type: 'string' },
    tweets: { type: 'string', default: '200' },
    follows: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
  },
});
if (!values['cassandra-pid']) throw new Error('--cassandra-pid is required (the pid of the Cassandra at CASSANDRA_CONTACT_POINTS)');
const cassandraPid = Number(values['cassandra-pid']);
const [tweetsPerAuthor, followsPerRound, rounds] = [Number(values.tweets), Number(values.follows), Number(values.rounds)];
const stores = await openBenchStores('backfill');
const { client } = stores;
const ids = createIdGenerator({ workerId: 1001 });

/** The shipped adapters, and the same with the per-row writes and per-tweet marker reads they replaced. */
const batched = { homeTimelines: createCassandraHomeTimelineStore(client, { writeBatch: 50 }), deleted: createCassandraDeletedTweets(client) };
const perRow: { homeTimelines: HomeTimelineStore; deleted: DeletedTweets } = {
  homeTimelines: {
    ...batched.homeTimelines,
    async pushMany(readerId, entries) {
      const rows = entries.map((entry) => [readerId, entry.tweetId, entry.authorId]);
      await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO home_timeline (reader_id, tweet_id, author_id) VALUES (?, ?, ?)', rows, { concurrencyLevel: 128 });
    },
  },
  deleted: {
    ...batched.deleted,
    among: async (tweetIds) => new Set((await Promise.all(tweetIds.map(async (id) => ((await batched.deleted.has(id)) ? [id] : [])))).flat()),
  },
};
const serviceWith = (ports: typeof perRow) => benchTimelineService(stores, ports);
const variants = { rows: serviceWith(perRow), batch: serviceWith(batched) };

// Authors with their recent tweets, as posting leaves them.
const authors = Array.from({ length: 20 }, (_, i) => String(3_000 + i));
for (const authorId of authors) {
  const rows = Array.from({ length: tweetsPerAuthor }, () => ({ tweetId: ids.next(), authorId }));
  await cassandra.concurrent.executeConcurrent(client, 'INSERT INTO author_tweets (author_id, tweet_id, fanned_out) VALUES (?, ?, true)', rows.map((row) => [row.authorId, row.tweetId]), { concurrencyLevel: 64 });
}

let follower = 10_000_000n;
let sequence = 0;
const results: Record<string, { node: number[]; cassandra: number[]; wallMs: number[] }> = { rows: { node: [], cassandra: [], wallMs: [] }, batch: { node: [], cassandra: [], wallMs: [] } };
console.log(`follows with a backfill of ${tweetsPerAuthor} tweets each: ${rounds} rounds of ${followsPerRound} per way, interleaved (8 at once)`);
for (let round = 0; round < rounds; round += 1) {
  for (const [name, service] of Object.entries(variants)) {
    const follows = Array.from({ length: followsPerRound }, (_, i) => ({ followerId: String((follower += 1n)), followeeId: authors[i % authors.length]! }));
    const [node0, cass0, wall0] = [ownCpuMs(), processCpuMs(cassandraPid), performance.now()];
    for (let i = 0; i < follows.length; i += 8) {
      await Promise.all(follows.slice(i, i + 8).map((pair) => service.recordFollowChange({ ...pair, sequence: String((sequence += 1)), following: true })));
    }
    const [node1, cass1, wall1] = [ownCpuMs(), processCpuMs(cassandraPid), performance.now()];
    results[name]!.node.push((node1 - node0) / followsPerRound);
    results[name]!.cassandra.push((cass1 - cass0) / followsPerRound);
    results[name]!.wallMs.push((wall1 - wall0) / followsPerRound);
    console.log(`  round ${round + 1} ${name}: timeline ${((node1 - node0) / followsPerRound).toFixed(2)} ms, cassandra ${((cass1 - cass0) / followsPerRound).toFixed(2)} ms CPU per follow`);
  }
}
for (const [name, result] of Object.entries(results)) {
  console.log(
    `${name}: timeline ${median(result.node).toFixed(2)} ms + cassandra ${median(result.cassandra).toFixed(2)} ms CPU per follow (median of ${rounds}); ${median(result.wallMs).toFixed(1)} ms wall per follow at 8 in flight`,
  );
}
await stores.close();
