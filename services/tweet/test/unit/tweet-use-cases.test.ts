import { describe, expect, it, vi } from 'vitest';
import { aTweetService } from '../fakes/fake-ports.ts';

const alice = { authorId: '1001', authorHandle: 'alice' };
const bob = { authorId: '1002', authorHandle: 'bob' };

describe('creating tweets', () => {
  it('when a tweet is posted, then it is trimmed, its entities extracted, an event emitted, and the author a stand-in from the handle', async () => {
    const service = aTweetService();
    const { tweet, replayed } = await service.createTweet({ ...alice, text: '  hi @Bob_1 #Chirp  ' });
    expect(replayed).toBe(false);
    expect(tweet).toMatchObject({
      text: 'hi @Bob_1 #Chirp',
      author: { id: '1001', handle: 'alice', displayName: 'alice' },
      hashtags: ['chirp'],
      mentions: ['Bob_1'],
      replyToId: null,
      likeCount: 0,
      replyCount: 0,
      likedByMe: false,
    });
    expect(service.ports.tweets.events.map((event) => [event.type, event.payload])).toEqual([
      [
        'tweet.created',
        { tweetId: tweet.id, authorId: '1001', createdAt: tweet.createdAt.toISOString(), replyToId: null, replyToAuthorId: null, mentions: ['Bob_1'], hashtags: ['chirp'] },
      ],
    ]);
  });

  it('when the author is known from user events, then tweets show their display name, and a later event renames them everywhere', async () => {
    const service = aTweetService();
    await service.learnAuthor({ id: '1001', handle: 'alice', displayName: 'Alice A.', profileVersion: 1 });
    const { tweet } = await service.createTweet({ ...alice, text: 'hello' });
    expect(tweet.author.displayName).toBe('Alice A.');
    await service.learnAuthor({ id: '1001', handle: 'alice', displayName: 'Alice B.', profileVersion: 3 });
    await service.learnAuthor({ id: '1001', handle: 'alice', displayName: 'Late event', profileVersion: 2 });
    expect((await service.getTweet({ tweetId: tweet.id })).author.displayName).toBe('Alice B.');
  });

  it('when a reply is posted, then the parent counts it; a reply to an unknown or deleted tweet is REPLY_TARGET_NOT_FOUND and creates nothing', async () => {
    const service = aTweetService();
    const { tweet: parent } = await service.createTweet({ ...alice, text: 'parent' });
    const { tweet: reply } = await service.createTweet({ ...bob, text: 'reply', replyToId: parent.id });
    expect(reply.replyToId).toBe(parent.id);
    expect((await service.getTweet({ tweetId: parent.id })).replyCount).toBe(1);
    expect(service.ports.tweets.events.at(-1)?.payload).toMatchObject({ tweetId: reply.id, replyToId: parent.id, replyToAuthorId: parent.author.id });
    await expect(service.createTweet({ ...bob, text: 'x', replyToId: '999' })).rejects.toMatchObject({ code: 'REPLY_TARGET_NOT_FOUND' });
    await service.deleteTweet({ tweetId: parent.id, callerId: alice.authorId });
    await expect(service.createTweet({ ...bob, text: 'x', replyToId: parent.id })).rejects.toMatchObject({ code: 'REPLY_TARGET_NOT_FOUND' });
    expect(service.ports.tweets.events.filter((event) => event.type === 'tweet.created')).toHaveLength(2);
  });

  it('when the same Idempotency-Key comes twice within 24 hours, then the first tweet answers and nothing new is made; after, a new tweet', async () => {
    const service = aTweetService();
    const first = await service.createTweet({ ...alice, text: 'once', idempotencyKey: 'key-1' });
    const again = await service.createTweet({ ...alice, text: 'once, edited', idempotencyKey: 'key-1' });
    expect(again).toEqual({ tweet: first.tweet, replayed: true });
    const otherAuthor = await service.createTweet({ ...bob, text: 'once', idempotencyKey: 'key-1' });
    expect(otherAuthor.replayed).toBe(false);
    service.ports.clock.advance(24 * 3600 + 1);
    const later = await service.createTweet({ ...alice, text: 'once', idempotencyKey: 'key-1' });
    expect(later.replayed).toBe(false);
    expect(later.tweet.id).not.toBe(first.tweet.id);
    expect(service.ports.tweets.events).toHaveLength(3);
  });

  it('when the keyed tweet was deleted, then a replay is TWEET_NOT_FOUND; a malformed key is INVALID_IDEMPOTENCY_KEY', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'once', idempotencyKey: 'key-2' });
    await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId });
    await expect(service.createTweet({ ...alice, text: 'once', idempotencyKey: 'key-2' })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
    await expect(service.createTweet({ ...alice, text: 'x', idempotencyKey: 'has space' })).rejects.toMatchObject({ code: 'INVALID_IDEMPOTENCY_KEY' });
  });

  it('when a tweet holds 56 hashtags, 56 mentions or one 200-character tag, then it is posted and its event carries them all', async () => {
    const service = aTweetService();
    const tags = Array.from({ length: 56 }, (_, i) => `#t${i}`).join(' ');
    const mentions = Array.from({ length: 56 }, (_, i) => `@u${String(i).padStart(2, '0')}`).join(' ');
    const longTag = `#${'e\u0301'.repeat(100)}`;
    for (const text of [tags, mentions, longTag]) await service.createTweet({ ...alice, text });
    const payloads = service.ports.tweets.events.map((event) => event.payload as { hashtags: string[]; mentions: string[] });
    expect(payloads.map((p) => [p.hashtags.length, p.mentions.length])).toEqual([[56, 0], [0, 56], [1, 0]]);
  });

  it.each([
    ['', 'TWEET_EMPTY'],
    ['a'.repeat(281), 'TWEET_TOO_LONG'],
    ['nul \u0000', 'INVALID_TWEET_TEXT'],
  ])('when the text is %j, then %s and nothing is stored', async (text, code) => {
    const service = aTweetService();
    await expect(service.createTweet({ ...alice, text })).rejects.toMatchObject({ code });
    expect(service.ports.tweets.events).toEqual([]);
  });
});

describe('deleting tweets', () => {
  it('when the author deletes, then the tweet is gone from get, batch, timeline, replies and search, and the parent count drops', async () => {
    const service = aTweetService();
    const { tweet: parent } = await service.createTweet({ ...alice, text: 'parent #topic' });
    const { tweet: reply } = await service.createTweet({ ...alice, text: 'reply #topic', replyToId: parent.id });
    await service.deleteTweet({ tweetId: reply.id, callerId: alice.authorId });
    await expect(service.getTweet({ tweetId: reply.id })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
    expect(await service.getTweets({ ids: [reply.id, parent.id] })).toMatchObject([{ id: parent.id, replyCount: 0 }]);
    expect((await service.listAuthorTweets({ authorId: alice.authorId, limit: 10 })).data.map((t) => t.id)).toEqual([parent.id]);
    expect((await service.listReplies({ tweetId: parent.id, limit: 10 })).data).toEqual([]);
    expect((await service.searchTweets({ q: '#topic', limit: 10 })).data.map((t) => t.id)).toEqual([parent.id]);
    expect(service.ports.tweets.events.at(-1)).toMatchObject({ type: 'tweet.deleted', payload: { tweetId: reply.id, authorId: alice.authorId } });
  });

  it('when someone else deletes, then NOT_TWEET_AUTHOR and nothing changes; deleting twice is TWEET_NOT_FOUND', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'mine' });
    await expect(service.deleteTweet({ tweetId: tweet.id, callerId: bob.authorId })).rejects.toMatchObject({ code: 'NOT_TWEET_AUTHOR' });
    expect((await service.getTweet({ tweetId: tweet.id })).id).toBe(tweet.id);
    await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId });
    await expect(service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
  });

  it('when the tweet was cached before its deletion, then the cache no longer serves it', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'cached' });
    await service.getTweet({ tweetId: tweet.id });
    expect((await service.ports.cache.getTweetsAndAuthors([tweet.id])).tweets.get(tweet.id)?.deleted).toBe(false);
    await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId });
    expect((await service.ports.cache.getTweetsAndAuthors([tweet.id])).tweets.get(tweet.id)?.deleted).toBe(true);
    await expect(service.getTweet({ tweetId: tweet.id })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
  });
});

describe('likes', () => {
  it('when liked twice and unliked twice, then the count goes 1 then 0 and likedByMe follows, for that viewer only', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'like me' });
    await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: true });
    await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: true });
    expect(await service.getTweet({ tweetId: tweet.id, viewerId: bob.authorId })).toMatchObject({ likeCount: 1, likedByMe: true });
    expect(await service.getTweet({ tweetId: tweet.id, viewerId: alice.authorId })).toMatchObject({ likeCount: 1, likedByMe: false });
    expect((await service.getTweet({ tweetId: tweet.id })).likedByMe).toBeUndefined();
    await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: false });
    await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: false });
    expect(await service.getTweet({ tweetId: tweet.id, viewerId: bob.authorId })).toMatchObject({ likeCount: 0, likedByMe: false });
  });

  it('when liked twice, unliked twice and liked again, then one event per change of the like: liked, unliked, liked, naming the author', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'like me' });
    for (const act of ['like', 'like', 'unlike', 'unlike', 'like'] as const) {
      await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: act === 'like' });
    }
    const likeEvents = service.ports.tweets.events.filter((event) => event.type !== 'tweet.created');
    expect(likeEvents.map((event) => event.type)).toEqual(['tweet.liked', 'tweet.unliked', 'tweet.liked']);
    expect(likeEvents[1]?.payload).toMatchObject({ tweetId: tweet.id, authorId: alice.authorId, userId: bob.authorId });
  });

  it('when the same users like many times over, then each counts once (real concurrency: the Postgres integration test)', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'popular' });
    await Promise.all(Array.from({ length: 30 }, (_, i) => service.setLike({ tweetId: tweet.id, userId: String(2000 + (i % 10)), liked: true })));
    expect((await service.getTweet({ tweetId: tweet.id })).likeCount).toBe(10);
  });

  it('when the tweet is unknown or deleted, then liking and unliking are TWEET_NOT_FOUND', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'soon gone' });
    await service.deleteTweet({ tweetId: tweet.id, callerId: alice.authorId });
    await expect(service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: true })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
    await expect(service.setLike({ tweetId: '12345', userId: bob.authorId, liked: false })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
  });
});

describe('reading', () => {
  it('when a batch asks for ids in some order, with repeats, unknown and deleted ones, then live tweets come once each in that order', async () => {
    const service = aTweetService();
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) ids.push((await service.createTweet({ ...alice, text })).tweet.id);
    await service.deleteTweet({ tweetId: ids[1]!, callerId: alice.authorId });
    const batch = await service.getTweets({ ids: [ids[2]!, '5', ids[0]!, ids[1]!, ids[2]!] });
    expect(batch.map((tweet) => tweet.text)).toEqual(['three', 'one']);
  });

  it('when the cache is down or emptied, then every read answers the same from the store', async () => {
    const service = aTweetService();
    const { tweet } = await service.createTweet({ ...alice, text: 'steady' });
    await service.setLike({ tweetId: tweet.id, userId: bob.authorId, liked: true });
    const warm = await service.getTweets({ ids: [tweet.id], viewerId: bob.authorId });
    service.ports.cache.clear();
    expect(await service.getTweets({ ids: [tweet.id], viewerId: bob.authorId })).toEqual(warm);
    service.ports.cache.down = true;
    expect(await service.getTweets({ ids: [tweet.id], viewerId: bob.authorId })).toEqual(warm);
  });

  it('when a page is warm in the cache, then hydrating it is one cache read and one likes query, asked together', async () => {
    const service = aTweetService();
    const ids: string[] = [];
    for (const text of ['one', 'two']) ids.push((await service.createTweet({ ...(text === 'one' ? alice : bob), text })).tweet.id);
    await service.getTweets({ ids, viewerId: bob.authorId }); // warms the cache
    const cache = service.ports.cache;
    const read = cache.getTweetsAndAuthors.bind(cache);
    let cacheAnswered = false;
    let cacheAnsweredWhenLikesAsked: boolean | undefined;
    const cacheReads = vi.spyOn(cache, 'getTweetsAndAuthors').mockImplementation(async (wanted) => {
      const found = await read(wanted);
      cacheAnswered = true;
      return found;
    });
    const authorReads = vi.spyOn(cache, 'getAuthors');
    const likes = vi.spyOn(service.ports.tweets, 'likedAmong').mockImplementation(async () => {
      cacheAnsweredWhenLikesAsked = cacheAnswered;
      return new Set([ids[0]!]);
    });
    const page = await service.getTweets({ ids, viewerId: bob.authorId });
    expect(page.map((tweet) => [tweet.text, tweet.author.id, tweet.likedByMe])).toEqual([
      ['one', alice.authorId, true],
      ['two', bob.authorId, false],
    ]);
    expect([cacheReads.mock.calls.length, authorReads.mock.calls.length, likes.mock.calls.length]).toEqual([1, 0, 1]);
    // Asked before the cache answered: the likes need only the ids.
    expect(cacheAnsweredWhenLikesAsked).toBe(false);
  });

  it.each([
    ['a user timeline', (service: ReturnType<typeof aTweetService>, viewerId: string) => service.listAuthorTweets({ authorId: alice.authorId, limit: 10, viewerId })],
    ['a search', (service: ReturnType<typeof aTweetService>, viewerId: string) => service.searchTweets({ q: '#steady', limit: 10, viewerId })],
    ['a reply list', (service: ReturnType<typeof aTweetService>, viewerId: string, parentId: string) => service.listReplies({ tweetId: parentId, limit: 10, viewerId })],
  ])('when %s names a viewer, then its likes come with the list, and the likes are not asked again', async (_, read) => {
    const service = aTweetService();
    const { tweet: parent } = await service.createTweet({ ...bob, text: 'parent' });
    const ids: string[] = [];
    for (const text of ['one #steady', 'two #steady']) ids.push((await service.createTweet({ ...alice, text, replyToId: parent.id })).tweet.id);
    await service.setLike({ tweetId: ids[0]!, userId: bob.authorId, liked: true });
    const likes = vi.spyOn(service.ports.tweets, 'likedAmong');
    const page = await read(service, bob.authorId, parent.id);
    expect(Object.fromEntries(page.data.map((tweet) => [tweet.id, tweet.likedByMe]))).toEqual({ [ids[0]!]: true, [ids[1]!]: false });
    expect(likes).not.toHaveBeenCalled();
  });

  it('when a user timeline is paged, then newest first with no repeats or gaps while new tweets arrive', async () => {
    const service = aTweetService();
    const posted: string[] = [];
    for (let i = 0; i < 5; i += 1) posted.push((await service.createTweet({ ...alice, text: `t${i}` })).tweet.id);
    const first = await service.listAuthorTweets({ authorId: alice.authorId, limit: 2 });
    await service.createTweet({ ...alice, text: 'newer' });
    const second = await service.listAuthorTweets({ authorId: alice.authorId, limit: 2, cursor: first.nextCursor! });
    const third = await service.listAuthorTweets({ authorId: alice.authorId, limit: 2, cursor: second.nextCursor! });
    expect([...first.data, ...second.data, ...third.data].map((t) => t.id)).toEqual(posted.reverse());
    expect(third.nextCursor).toBeNull();
  });

  it('when replies are listed, then oldest first; for an unknown or deleted tweet TWEET_NOT_FOUND; a bad cursor INVALID_CURSOR', async () => {
    const service = aTweetService();
    const { tweet: parent } = await service.createTweet({ ...alice, text: 'parent' });
    const a = await service.createTweet({ ...bob, text: 'first reply', replyToId: parent.id });
    const b = await service.createTweet({ ...alice, text: 'second reply', replyToId: parent.id });
    expect((await service.listReplies({ tweetId: parent.id, limit: 10 })).data.map((t) => t.id)).toEqual([a.tweet.id, b.tweet.id]);
    await expect(service.listReplies({ tweetId: '77', limit: 10 })).rejects.toMatchObject({ code: 'TWEET_NOT_FOUND' });
    await expect(service.listReplies({ tweetId: parent.id, limit: 10, cursor: 'nope' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    await expect(service.listReplies({ tweetId: parent.id, limit: 10, cursor: Buffer.from('["x"]').toString('base64url') })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('when searching, then words and hashtags both narrow, newest first; a query of nothing searchable is INVALID_SEARCH_QUERY', async () => {
    const service = aTweetService();
    const a = await service.createTweet({ ...alice, text: 'Morning COFFEE #brew' });
    const b = await service.createTweet({ ...bob, text: 'coffee again' });
    await service.createTweet({ ...bob, text: 'coffeehouse' });
    expect((await service.searchTweets({ q: 'coffee', limit: 10 })).data.map((t) => t.id)).toEqual([b.tweet.id, a.tweet.id]);
    expect((await service.searchTweets({ q: 'Coffee #BREW', limit: 10 })).data.map((t) => t.id)).toEqual([a.tweet.id]);
    await expect(service.searchTweets({ q: '!!!', limit: 10 })).rejects.toMatchObject({ code: 'INVALID_SEARCH_QUERY' });
  });
});
