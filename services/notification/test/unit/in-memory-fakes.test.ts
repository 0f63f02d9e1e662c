import { tweetHydratorContract, userLookupContract } from '../contract/service-hydration.contract.ts';
import { notificationPushContract } from '../contract/notification-push.contract.ts';
import { notificationStoreContract, userDirectoryContract } from '../contract/notification-store.contract.ts';
import { aTweetJson, createFakeTweetHydrator, createFakeUserLookup, createRecordingPush } from '../fakes/fake-ports.ts';
import { createInMemoryNotificationStore, createInMemoryUserDirectory } from '../fakes/in-memory-notification-store.ts';

notificationStoreContract('in memory', async () => createInMemoryNotificationStore());
userDirectoryContract('in memory', async () => createInMemoryUserDirectory());
notificationPushContract('the recording fake', {
  open: async (online) => {
    const push = createRecordingPush();
    for (const id of online) push.online.add(id);
    return { push, received: () => push.pushed.map(({ recipientId, notification, at }) => ({ recipientId, notification, at: at.getTime() })), close: async () => undefined };
  },
  unreachable: async () => Object.assign(createRecordingPush(), { down: true }),
});

let nextTweetId = 700_000;
tweetHydratorContract('the fake tweet hydrator', async () => {
  const hydrator = createFakeTweetHydrator();
  return {
    hydrator,
    post: async (authorId, text) => {
      const id = String((nextTweetId += 1));
      hydrator.tweets.set(id, aTweetJson(id, authorId, { text }));
      return id;
    },
    delete: async (_authorId, tweetId) => void hydrator.tweets.delete(tweetId),
  };
});

let nextUserId = 800_000;
userLookupContract('the fake user lookup', async () => {
  const lookup = createFakeUserLookup();
  return {
    lookup,
    register: async (handle, displayName) => {
      const id = String((nextUserId += 1));
      lookup.users.set(id, { id, handle, displayName, avatarUrl: null });
      return id;
    },
    setAvatar: async (userId, avatarUrl) => {
      const user = lookup.users.get(userId);
      if (!user) throw new Error(`no user ${userId} in the fake lookup`);
      lookup.users.set(userId, { ...user, avatarUrl });
    },
  };
});
