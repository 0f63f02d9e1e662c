// Objects of the public API (../shared/api/v1.md) with plausible defaults, for tests of code that passes them on.
import type { TweetJson } from '@chirp/kernel/api-v1';

/** A tweet as the tweet service answers one: no likes, replies, tags or media unless overridden. */
export const aTweetJson = (overrides: Partial<TweetJson> = {}): TweetJson => ({
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
