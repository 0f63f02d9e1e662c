import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPE_NAMES } from '@chirp/kernel/api-v1';
import { NOTIFICATION_TYPES, followNotification, likeNotification, parseNotificationId, parseTypes, tweetNotifications } from '../../src/domain/notification.ts';

const at = new Date('2026-03-01T12:00:00Z');

describe('who is notified', () => {
  it('when someone follows, then the followed user is; following oneself notifies no one', () => {
    expect(followNotification({ followerId: '1', followeeId: '2', at })).toEqual([{ recipientId: '2', type: 'follow', actorId: '1', tweetId: null, at }]);
    expect(followNotification({ followerId: '1', followeeId: '1', at })).toEqual([]);
  });

  it("when someone likes, then the tweet's author is; liking one's own tweet notifies no one", () => {
    expect(likeNotification({ tweetId: '9', authorId: '2', userId: '1', at })).toEqual([{ recipientId: '2', type: 'like', actorId: '1', tweetId: '9', at }]);
    expect(likeNotification({ tweetId: '9', authorId: '1', userId: '1', at })).toEqual([]);
  });

  it("when a reply mentions users, then each mentioned user once and the parent's author are, but never the author", () => {
    const candidates = tweetNotifications({ tweetId: '9', authorId: '1', at, mentionedUserIds: ['2', '3', '2', '1'], replyToAuthorId: '4' });
    expect(candidates.map((c) => [c.type, c.recipientId])).toEqual([
      ['mention', '2'],
      ['mention', '3'],
      ['reply', '4'],
    ]);
    expect(tweetNotifications({ tweetId: '9', authorId: '1', at, mentionedUserIds: [], replyToAuthorId: '1' })).toEqual([]);
  });
});

describe('input', () => {
  it('when the public schema lists notification types, then they are the domain\'s', () => {
    expect([...NOTIFICATION_TYPE_NAMES]).toEqual([...NOTIFICATION_TYPES]);
  });

  it('when types are known, then they are parsed (trimmed, once each); absent means all', () => {
    expect(parseTypes('like, mention,like')).toEqual(['like', 'mention']);
    expect(parseTypes(undefined)).toBeUndefined();
  });

  it.each(['', ' ', 'likes', 'like,,mention', 'LIKE', 'like,retweet'])('when types is %j, then INVALID_NOTIFICATION_TYPES', (text) => {
    expect(() => parseTypes(text)).toThrow(expect.objectContaining({ code: 'INVALID_NOTIFICATION_TYPES', kind: 'invalid' }));
  });

  it.each(['0', '-1', 'abc', '9223372036854775808', '1.5', ''])('when upToId is %j, then INVALID_NOTIFICATION_ID', (value) => {
    expect(() => parseNotificationId(value)).toThrow(expect.objectContaining({ code: 'INVALID_NOTIFICATION_ID' }));
  });
});
