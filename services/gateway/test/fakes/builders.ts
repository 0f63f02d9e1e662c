import type { TweetJson, UserJson } from '@chirp/kernel/api-v1';

export const aUser = (overrides: Partial<UserJson> = {}): UserJson => ({
  id: '1001',
  handle: 'ada',
  displayName: 'Ada',
  bio: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  followersCount: 0,
  followingCount: 0,
  tweetCount: 0,
  ...overrides,
});

export const aTweet = (overrides: Partial<TweetJson> = {}): TweetJson => ({
  id: '2001',
  text: 'hello',
  createdAt: '2026-01-01T00:00:00.000Z',
  author: { id: '1001', handle: 'ada', displayName: 'Ada' },
  replyToId: null,
  likeCount: 0,
  replyCount: 0,
  hashtags: [],
  mentions: [],
  media: [],
  ...overrides,
});
