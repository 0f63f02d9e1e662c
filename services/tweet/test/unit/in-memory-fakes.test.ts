import { mediaStorageContract } from '../contract/media-storage.contract.ts';
import { mediaStoreContract } from '../contract/media-store.contract.ts';
import { tweetCacheContract } from '../contract/tweet-cache.contract.ts';
import { tweetStoreContract } from '../contract/tweet-store.contract.ts';
import { createInMemoryMediaStorage } from '../fakes/in-memory-media-storage.ts';
import { createInMemoryTweetCache } from '../fakes/in-memory-tweet-cache.ts';
import { createInMemoryTweetStore } from '../fakes/in-memory-tweet-store.ts';

let inMemory = createInMemoryTweetStore();
tweetStoreContract(
  'in memory',
  async () => (inMemory = createInMemoryTweetStore()),
  async () => inMemory.events.map((event) => event.id),
);
tweetCacheContract('in memory', async () => createInMemoryTweetCache());

mediaStoreContract('in memory', async () => {
  const store = createInMemoryTweetStore();
  return { media: store, tweets: store };
});
mediaStorageContract('in memory', async () => {
  const storage = createInMemoryMediaStorage();
  return { storage, upload: async (form, bytes) => storage.put(form.fields.key!, bytes) };
});
