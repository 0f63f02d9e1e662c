import type { MediaJson, UserJson } from '@chirp/kernel/api-v1';
import { aTweetJson } from '@chirp/testing/api-builders';

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

/** A tweet as the tweet service answers one. */
export const aTweet = aTweetJson;

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
