// One suite for live pushes: the recording fake (unit) and the Redis publisher heard by a real
// subscriber on the channels the gateway listens to (integration) must behave alike.
import type { NotificationJson } from '@chirp/kernel/api-v1';
import { aTweetJson } from '@chirp/testing/api-builders';
import { eventually } from '@chirp/testing/eventually';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationPush } from '../../src/use-cases/ports.ts';

/** A notification as a recipient's open stream receives it: the object clients see, and when the act happened (ms). */
export interface Received {
  recipientId: string;
  notification: NotificationJson;
  at: number;
}

/** The port with some recipients' streams open, and what those streams have received so far, in arrival order. */
export interface OpenStreams {
  push: NotificationPush;
  received(): Received[];
  close(): Promise<void>;
}

/** The port, and one whose server cannot be reached. */
export interface PushLines {
  /** A fresh port (its own channels) with the recipients `online` having a stream open. */
  open(online: readonly string[]): Promise<OpenStreams>;
  unreachable(): Promise<NotificationPush>;
}

const aNotification = (id: string, overrides: Partial<NotificationJson> = {}): NotificationJson => ({
  id,
  type: 'like',
  createdAt: '2026-03-01T12:00:00.000Z',
  read: false,
  actor: { id: '1002', handle: 'bob', displayName: 'Bob', avatarUrl: null },
  tweet: aTweetJson({ id: '5001' }),
  ...overrides,
});

export function notificationPushContract(name: string, lines: PushLines): void {
  describe(`NotificationPush contract: ${name}`, () => {
    let streams: OpenStreams | undefined;
    const open = async (online: readonly string[]) => (streams = await lines.open(online));
    afterEach(async () => {
      await streams?.close();
      streams = undefined;
    });
    const heardBy = (recipientId: string) => streams!.received().filter((received) => received.recipientId === recipientId);

    it('when some recipients have a stream open, then connected names exactly those', async () => {
      const [online, alsoOnline, offline] = ['11', '12', '13'];
      const { push } = await open([online, alsoOnline]);
      expect(await push.connected([offline, alsoOnline, online])).toEqual(new Set([alsoOnline, online]));
      expect(await push.connected([offline])).toEqual(new Set());
      expect(await push.connected([])).toEqual(new Set());
    });

    it("when notifications are pushed, then each reaches its own recipient's stream whole, with its time, in the order given", async () => {
      const [ada, bob, offline] = ['21', '22', '23'];
      const { push, received } = await open([ada, bob]);
      const follow = aNotification('9001', { type: 'follow', tweet: null, read: true });
      const [like, mention, toNobody] = [aNotification('9002'), aNotification('9003', { type: 'mention' }), aNotification('9004')];
      await push.push([
        { recipientId: ada, notification: follow, at: new Date(1_000) },
        { recipientId: bob, notification: like, at: new Date(2_000) },
        { recipientId: offline, notification: toNobody, at: new Date(3_000) },
        { recipientId: ada, notification: mention, at: new Date(4_000) },
      ]);
      await eventually(() => heardBy(ada).length >= 2 && heardBy(bob).length >= 1, 'both streams hearing their notifications', 5000);
      expect(heardBy(ada)).toEqual([
        { recipientId: ada, notification: follow, at: 1_000 },
        { recipientId: ada, notification: mention, at: 4_000 },
      ]);
      expect(heardBy(bob)).toEqual([{ recipientId: bob, notification: like, at: 2_000 }]);
      expect(received().map((heard) => heard.notification.id)).not.toContain(toNobody.id);
    });

    it('when an empty batch is pushed, then it resolves and no stream receives anything from it', async () => {
      const ada = '31';
      const { push, received } = await open([ada]);
      await push.push([]);
      // A push after it arrives after anything it sent: only that one is there.
      await push.push([{ recipientId: ada, notification: aNotification('9005'), at: new Date(5_000) }]);
      await eventually(() => received().length >= 1, 'the later push', 5000);
      expect(received().map((heard) => heard.notification.id)).toEqual(['9005']);
    });

    it('when the server cannot be reached, then connected and push reject (the caller counts the lost push) rather than resolve as if delivered', async () => {
      const push = await lines.unreachable();
      await expect(push.connected(['41'])).rejects.toThrow();
      await expect(push.push([{ recipientId: '41', notification: aNotification('9006'), at: new Date(6_000) }])).rejects.toThrow();
    });
  });
}
