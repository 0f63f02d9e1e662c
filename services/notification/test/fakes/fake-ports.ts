import type { TweetJson } from '@chirp/kernel/api-v1';
import { aTweetJson as aTweetOfApi } from '@chirp/testing/api-builders';
import type { NotificationType } from '../../src/domain/notification.ts';
import { makeNotificationUseCases } from '../../src/use-cases/notification-use-cases.ts';
import type { ActorProfile, NotificationMetrics, NotificationPush, TweetHydrator, UserLookup } from '../../src/use-cases/ports.ts';
import { anIdSource } from '../fixtures/builders.ts';
import { createInMemoryNotificationStore, createInMemoryUserDirectory } from './in-memory-notification-store.ts';

export const aTweetJson = (id: string, authorId: string, overrides: Partial<TweetJson> = {}): TweetJson =>
  aTweetOfApi({
    id,
    text: `tweet ${id}`,
    createdAt: '2026-03-01T12:00:00.000Z',
    author: { id: authorId, handle: `user${authorId}`, displayName: `User ${authorId}` },
    ...overrides,
  });

/** The tweet service as a map: what `tweets` holds is live, the rest deleted or unknown. */
export function createFakeTweetHydrator(): TweetHydrator & { tweets: Map<string, TweetJson>; calls: string[][] } {
  const tweets = new Map<string, TweetJson>();
  const calls: string[][] = [];
  return {
    tweets,
    calls,
    async hydrate(ids) {
      calls.push([...ids]);
      return ids.flatMap((id) => (tweets.has(id) ? [tweets.get(id)!] : []));
    },
  };
}

type Delivery = Parameters<NotificationPush['push']>[0][number];

/**
 * Connected recipients are listed by hand; what their streams receive is recorded (a push to a
 * recipient without a stream reaches no one, as on Redis); `down` makes every call fail.
 */
export function createRecordingPush(): NotificationPush & { online: Set<string>; pushed: Delivery[]; down: boolean } {
  const fake = {
    online: new Set<string>(),
    pushed: [] as Delivery[],
    down: false,
    async connected(recipientIds: readonly string[]) {
      if (fake.down) throw new Error('redis is down');
      return new Set(recipientIds.filter((id) => fake.online.has(id)));
    },
    async push(deliveries: readonly Delivery[]) {
      if (fake.down) throw new Error('redis is down');
      fake.pushed.push(...deliveries.filter(({ recipientId }) => fake.online.has(recipientId)));
    },
  };
  return fake;
}

export function createRecordingMetrics(): NotificationMetrics & { createdByType: Map<NotificationType, number>; failedPushes: number } {
  const fake = {
    createdByType: new Map<NotificationType, number>(),
    failedPushes: 0,
    created(type: NotificationType, count: number) {
      fake.createdByType.set(type, (fake.createdByType.get(type) ?? 0) + count);
    },
    pushFailed() {
      fake.failedPushes += 1;
    },
  };
  return fake;
}

/** Users only the user service knows (their events are late). */
export function createFakeUserLookup(): UserLookup & { users: Map<string, ActorProfile> } {
  const users = new Map<string, ActorProfile>();
  return { users, findByIds: async (ids) => ids.flatMap((id) => (users.has(id) ? [users.get(id)!] : [])) };
}

/** The service's use cases on fakes, with the fakes at hand. */
export function aNotificationService(now = () => new Date('2026-03-01T12:00:00.000Z')) {
  const ports = {
    store: createInMemoryNotificationStore(),
    users: createInMemoryUserDirectory(),
    userLookup: createFakeUserLookup(),
    tweets: createFakeTweetHydrator(),
    push: createRecordingPush(),
    metrics: createRecordingMetrics(),
    ids: anIdSource(),
    clock: { now },
  };
  return { ...makeNotificationUseCases(ports), ports };
}
