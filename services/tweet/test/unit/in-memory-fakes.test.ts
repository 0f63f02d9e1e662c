import { tweetCacheContract } from '../contract/tweet-cache.contract.ts';
import { tweetStoreContract } from '../contract/tweet-store.contract.ts';
import { createInMemoryTweetCache } from '../fakes/in-memory-tweet-cache.ts';
import { createInMemoryTweetStore } from '../fakes/in-memory-tweet-store.ts';

tweetStoreContract('in memory', async () => createInMemoryTweetStore());
tweetCacheContract('in memory', async () => createInMemoryTweetCache());
