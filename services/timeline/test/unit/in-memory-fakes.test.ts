import { nextId } from '../contract/snowflake-ids.ts';
import { authorTweetStoreContract } from '../contract/author-tweet-store.contract.ts';
import { fanoutQueueContract } from '../contract/fanout-queue.contract.ts';
import { deletedTweetsContract } from '../contract/deleted-tweets.contract.ts';
import { followGraphContract } from '../contract/follow-graph.contract.ts';
import { tweetHydratorContract } from '../contract/tweet-hydrator.contract.ts';
import { liveUpdatesContract } from '../contract/live-updates.contract.ts';
import { highFollowerAuthorsContract } from '../contract/high-follower-authors.contract.ts';
import { homeTimelineStoreContract } from '../contract/home-timeline-store.contract.ts';
import { timelineCacheContract } from '../contract/timeline-cache.contract.ts';
import { aChunkQueue, aHighFollowerSet, aLiveUpdatesRecorder, aTweetDirectory, createInMemoryTimelineCache } from '../fakes/fake-ports.ts';
import { createInMemoryAuthorTweets } from '../fakes/in-memory-author-tweets.ts';
import { createInMemoryDeletedTweets } from '../fakes/in-memory-deleted-tweets.ts';
import { createInMemoryFollowGraph } from '../fakes/in-memory-follow-graph.ts';
import { createInMemoryHomeTimelines } from '../fakes/in-memory-home-timelines.ts';

homeTimelineStoreContract('in memory', async () => createInMemoryHomeTimelines());
authorTweetStoreContract('in memory', async () => createInMemoryAuthorTweets());
deletedTweetsContract('in memory', async () => createInMemoryDeletedTweets());
followGraphContract('in memory', async () => createInMemoryFollowGraph());
timelineCacheContract('in memory', async () => createInMemoryTimelineCache());
highFollowerAuthorsContract('in memory', async () => aHighFollowerSet());
fanoutQueueContract('the holding list', {
  open: async () => {
    const queue = aChunkQueue();
    return { queue, taken: () => queue.pending, close: async () => undefined };
  },
  unreachable: async () => Object.assign(aChunkQueue(), { down: true }),
});
liveUpdatesContract('the recorder', {
  open: async (online) => {
    const live = Object.assign(aLiveUpdatesRecorder(), { online: new Set(online) });
    return { live, heard: () => live.heard, close: async () => undefined };
  },
  unreachable: async () => Object.assign(aLiveUpdatesRecorder(), { down: true }),
  post: async () => nextId(),
});
tweetHydratorContract('the fake tweet directory', async () => {
  const tweets = aTweetDirectory();
  return {
    hydrator: tweets,
    post: async () => {
      const id = nextId();
      tweets.known.add(id);
      return id;
    },
    delete: async (_authorId, tweetId) => void tweets.known.delete(tweetId),
  };
});
