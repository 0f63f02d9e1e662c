import type { MediaJson, TweetJson, UserJson } from '@chirp/kernel/api-v1';

export const aUser = (overrides: Partial<UserJson> = {}): UserJson => ({
  id: '1001',
  handle: 'ada',
  displayName: 'Ada',
  bio: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  followersCount: 0,
  followingCount: 0,
  tweetCount: 0,
  avatarUrl: null,
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

export const aMedia = (overrides: Partial<MediaJson> = {}): MediaJson => ({
  id: '3001',
  type: 'image',
  contentType: 'image/png',
  size: 68,
  status: 'pending',
  url: null,
  width: null,
  height: null,
  ...overrides,
});
