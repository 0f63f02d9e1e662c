import { makeAnnounceNotifications } from './announce-notifications.ts';
import { makeCountUnread } from './count-unread.ts';
import { makeForgetTweet } from './forget-tweet.ts';
import { makeLearnUser } from './learn-user.ts';
import { makeListMissedNotifications } from './list-missed-notifications.ts';
import { makeListNotifications } from './list-notifications.ts';
import { makeMarkRead } from './mark-read.ts';
import { makePresentNotifications } from './notification-view.ts';
import type { Clock } from '@chirp/kernel/clock';
import type { IdSource } from '@chirp/kernel/ids';
import type { NotificationMetrics, NotificationPush, NotificationStore, TweetHydrator, UserDirectory, UserLookup } from './ports.ts';
import { makePruneExpiredRecords } from './prune-expired-records.ts';
import { makeRecordFollow } from './record-follow.ts';
import { makeRecordLike } from './record-like.ts';
import { makeRecordTweet } from './record-tweet.ts';

export interface NotificationPorts {
  store: NotificationStore;
  users: UserDirectory;
  userLookup: UserLookup;
  tweets: TweetHydrator;
  push: NotificationPush;
  metrics: NotificationMetrics;
  ids: IdSource;
  clock: Clock;
}

/** Every use case of the notification service, made from one set of ports (real in main.ts, fakes in tests). */
export function makeNotificationUseCases(ports: NotificationPorts) {
  const present = makePresentNotifications(ports);
  const announce = makeAnnounceNotifications({ ...ports, present });
  const recording = { ...ports, announce };
  return {
    recordFollow: makeRecordFollow(recording),
    recordLike: makeRecordLike(recording),
    recordTweet: makeRecordTweet(recording),
    forgetTweet: makeForgetTweet(ports),
    learnUser: makeLearnUser(recording),
    listNotifications: makeListNotifications({ ...ports, present }),
    listMissedNotifications: makeListMissedNotifications({ ...ports, present }),
    countUnread: makeCountUnread(ports),
    markRead: makeMarkRead(ports),
    pruneExpiredRecords: makePruneExpiredRecords(ports),
  };
}
export type NotificationUseCases = ReturnType<typeof makeNotificationUseCases>;
