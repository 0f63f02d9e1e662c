// One suite for the services behind the gateway, as its ports see them: the in-memory stand-ins
// (unit) and the HTTP adapters talking to the real services as processes (integration) must
// behave alike. Answers that follow from events (home timelines, notifications, merged authors)
// are awaited, as a client would see them settle.
import type { TweetJson, UserJson } from '@chirp/kernel/api-v1';
import type { Page } from '@chirp/kernel/pagination';
import { eventually } from '@chirp/testing/eventually';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallContext, MediaService, TimelineService, TweetService, UserService } from '../../src/use-cases/ports.ts';
import type { MergedAuthors, NotificationService } from '../../src/use-cases/streaming-ports.ts';

export interface Downstreams {
  users: UserService;
  tweets: TweetService;
  media: MediaService;
  timelines: TimelineService;
  notifications: NotificationService;
  mergedAuthors: MergedAuthors;
  /** Authors with at least this many followers are merged on read (the timeline's setting). */
  highFollowerThreshold: number;
}

const ctx: CallContext = { requestId: 'contract' };
const page = (limit = 20, cursor?: string) => (cursor === undefined ? { limit } : { limit, cursor });
const ids = (answer: Page<{ id: string }>) => answer.data.map((item) => item.id);
let serial = 0;
/** A handle no other case (or earlier run against the same service) has taken: 3–15 letters and digits. */
const aHandle = () => `c${Date.now().toString(36).slice(-7)}${String((serial += 1)).padStart(3, '0')}`;
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: unknown) => (error as { code?: string }).code,
  );

export function downstreamsContract(name: string, make: () => Promise<Downstreams>): void {
  let down: Downstreams;
  const aUser = async (displayName = 'Someone'): Promise<UserJson & { password: string }> => {
    const handle = aHandle();
    const password = `${handle}-password`;
    return { ...(await down.users.register({ handle, password, displayName }, ctx)), password };
  };
  const aTweet = async (author: UserJson, text = 'hello there', more: { replyToId?: string; idempotencyKey?: string } = {}): Promise<TweetJson> =>
    (await down.tweets.post({ authorId: author.id, authorHandle: author.handle, text, ...more }, ctx)).tweet;

  describe(`UserService contract: ${name}`, () => {
    beforeEach(async () => {
      down = await make();
    });

    it('when a user registers, then they are found by id and by handle, with nobody following them yet', async () => {
      const handle = aHandle();
      const ann = await down.users.register({ handle, password: `${handle}-password`, displayName: 'Ann' }, ctx);
      expect([ann.handle, ann.displayName, ann.bio, ann.followersCount, ann.followingCount, ann.tweetCount]).toEqual([handle, 'Ann', '', 0, 0, 0]);
      expect(await down.users.getById(ann.id, undefined, ctx)).toEqual(ann);
      expect(await down.users.getByHandle(handle, undefined, ctx)).toEqual(ann);
    });

    it('when a handle is taken, in any case, then HANDLE_TAKEN; an unknown handle is USER_NOT_FOUND', async () => {
      const ann = await aUser();
      expect(await codeOf(down.users.register({ handle: ann.handle.toUpperCase(), password: 'another-password' }, ctx))).toBe('HANDLE_TAKEN');
      expect(await codeOf(down.users.getByHandle(aHandle(), undefined, ctx))).toBe('USER_NOT_FOUND');
    });

    it('when a user signs in, refreshes and signs out, then each refresh token works once and not after the sign-out', async () => {
      const ann = await aUser();
      expect(await codeOf(down.users.logIn({ handle: ann.handle, password: 'wrong-password' }, ctx))).toBe('INVALID_CREDENTIALS');
      const signedIn = await down.users.logIn({ handle: ann.handle, password: ann.password }, ctx);
      expect([signedIn.user.id, signedIn.tokenType]).toEqual([ann.id, 'Bearer']);
      const refreshed = await down.users.refresh(signedIn.refreshToken, ctx);
      expect(refreshed.user.id).toBe(ann.id);
      expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
      await down.users.logOut(refreshed.refreshToken, ctx);
      expect(await codeOf(down.users.refresh(refreshed.refreshToken, ctx))).toBe('SESSION_REVOKED');
      expect(await codeOf(down.users.refresh('not-a-token-anyone-was-given', ctx))).toBe('INVALID_REFRESH_TOKEN');
    });

    it('when one user follows another, then the viewer sees it, the lists and counts show it, and an unfollow undoes it', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      await down.users.follow(ann.id, bob.handle, ctx);
      await down.users.follow(ann.id, bob.handle, ctx);
      const seen = await down.users.getByHandle(bob.handle, ann.id, ctx);
      expect([seen.following, seen.followersCount]).toEqual([true, 1]);
      expect((await down.users.getById(bob.id, undefined, ctx)).following).toBeUndefined();
      expect(ids(await down.users.listFollows('followers', bob.handle, page(), undefined, ctx))).toEqual([ann.id]);
      expect(ids(await down.users.listFollows('following', ann.handle, page(), undefined, ctx))).toEqual([bob.id]);
      expect(await codeOf(down.users.follow(ann.id, ann.handle, ctx))).toBe('CANNOT_FOLLOW_SELF');
      await down.users.unfollow(ann.id, bob.handle, ctx);
      const after = await down.users.getById(bob.id, ann.id, ctx);
      expect([after.following, after.followersCount]).toEqual([false, 0]);
    });

    it('when a profile is updated, then reads show it; a search by handle prefix finds the user', async () => {
      const ann = await aUser();
      const updated = await down.users.updateProfile(ann.id, { displayName: 'Ann Again', bio: 'here' }, ctx);
      expect([updated.displayName, updated.bio]).toEqual(['Ann Again', 'here']);
      expect((await down.users.getById(ann.id, undefined, ctx)).displayName).toBe('Ann Again');
      expect(ids(await down.users.search(ann.handle.toUpperCase(), page(), undefined, ctx))).toEqual([ann.id]);
    });
  });

  describe(`TweetService contract: ${name}`, () => {
    beforeEach(async () => {
      down = await make();
    });

    it('when a tweet is posted, then it reads back whole; a repeat with the same Idempotency-Key answers the same tweet, replayed', async () => {
      const ann = await aUser();
      const first = await down.tweets.post({ authorId: ann.id, authorHandle: ann.handle, text: 'hello #Chirp', idempotencyKey: `k-${ann.id}` }, ctx);
      const again = await down.tweets.post({ authorId: ann.id, authorHandle: ann.handle, text: 'hello #Chirp', idempotencyKey: `k-${ann.id}` }, ctx);
      expect([first.replayed, again.replayed, again.tweet.id]).toEqual([false, true, first.tweet.id]);
      const read = await down.tweets.get(first.tweet.id, undefined, ctx);
      expect([read.text, read.author.id, read.author.handle, read.replyToId, read.likeCount, read.hashtags]).toEqual(['hello #Chirp', ann.id, ann.handle, null, 0, ['chirp']]);
    });

    it('when a viewer likes a tweet twice and unlikes it, then likedByMe and the count follow, counted once', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      const tweet = await aTweet(ann);
      await down.tweets.like(tweet.id, bob.id, ctx);
      await down.tweets.like(tweet.id, bob.id, ctx);
      const liked = await down.tweets.get(tweet.id, bob.id, ctx);
      expect([liked.likedByMe, liked.likeCount]).toEqual([true, 1]);
      expect((await down.tweets.get(tweet.id, ann.id, ctx)).likedByMe).toBe(false);
      await down.tweets.unlike(tweet.id, bob.id, ctx);
      const unliked = await down.tweets.get(tweet.id, bob.id, ctx);
      expect([unliked.likedByMe, unliked.likeCount]).toEqual([false, 0]);
    });

    it('when someone else deletes a tweet, then NOT_TWEET_AUTHOR; when its author does, then it is gone', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      const tweet = await aTweet(ann);
      expect(await codeOf(down.tweets.delete(tweet.id, bob.id, ctx))).toBe('NOT_TWEET_AUTHOR');
      await down.tweets.delete(tweet.id, ann.id, ctx);
      expect(await codeOf(down.tweets.get(tweet.id, undefined, ctx))).toBe('TWEET_NOT_FOUND');
    });

    it('when tweets are replied to, then the replies list under the tweet, which counts them; a reply to nothing is refused', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      const tweet = await aTweet(ann);
      const reply = await aTweet(bob, 'a reply', { replyToId: tweet.id });
      expect(reply.replyToId).toBe(tweet.id);
      expect(ids(await down.tweets.listReplies(tweet.id, page(), undefined, ctx))).toEqual([reply.id]);
      expect((await down.tweets.get(tweet.id, undefined, ctx)).replyCount).toBe(1);
      expect(await codeOf(aTweet(bob, 'into the void', { replyToId: '999999999999999999' }))).toBe('REPLY_TARGET_NOT_FOUND');
    });

    it("when an author's tweets are paged, then newest first, each once; a search finds a tweet by its words and hashtag", async () => {
      const ann = await aUser();
      const older = await aTweet(ann, `older ${ann.handle}`);
      const newer = await aTweet(ann, `newer ${ann.handle} #${ann.handle}`);
      const first = await down.tweets.listByAuthor(ann.id, page(1), undefined, ctx);
      expect(ids(first)).toEqual([newer.id]);
      const second = await down.tweets.listByAuthor(ann.id, page(1, first.nextCursor ?? undefined), undefined, ctx);
      expect(ids(second)).toEqual([older.id]);
      expect(ids(await down.tweets.search(ann.handle, page(), undefined, ctx))).toEqual([newer.id, older.id]);
      expect(ids(await down.tweets.search(`#${ann.handle}`, page(), undefined, ctx))).toEqual([newer.id]);
    });
  });

  describe(`MediaService contract: ${name}`, () => {
    beforeEach(async () => {
      down = await make();
    });

    it('when an upload is requested, then its media is pending for its owner with a form for the bytes; anyone else is told MEDIA_NOT_FOUND', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      const requested = await down.media.requestUpload(ann.id, { contentType: 'image/png', size: 68 }, ctx);
      const { media, upload } = requested;
      expect([media.type, media.contentType, media.size, media.status, media.url]).toEqual(['image', 'image/png', 68, 'pending', null]);
      expect([typeof upload.url, typeof upload.fields, Date.parse(upload.expiresAt) > Date.now()]).toEqual(['string', 'object', true]);
      expect(await down.media.get(ann.id, media.id, ctx)).toEqual(media);
      expect(await codeOf(down.media.get(bob.id, media.id, ctx))).toBe('MEDIA_NOT_FOUND');
    });

    it('when a media that is pending or someone else’s is asked to be an avatar, then INVALID_MEDIA', async () => {
      const [ann, bob] = [await aUser(), await aUser()];
      const { media } = await down.media.requestUpload(ann.id, { contentType: 'image/png', size: 68 }, ctx);
      expect(await codeOf(down.media.useAsAvatar(ann.id, media.id, ctx))).toBe('INVALID_MEDIA');
      expect(await codeOf(down.media.useAsAvatar(bob.id, media.id, ctx))).toBe('INVALID_MEDIA');
    });

    it('when the type is no image the service takes, then MEDIA_TYPE_UNSUPPORTED', async () => {
      const ann = await aUser();
      expect(await codeOf(down.media.requestUpload(ann.id, { contentType: 'image/svg+xml', size: 68 }, ctx))).toBe('MEDIA_TYPE_UNSUPPORTED');
    });
  });

  describe(`TimelineService, NotificationService and MergedAuthors contract: ${name}`, () => {
    beforeEach(async () => {
      down = await make();
    });

    it("when a reader follows an author who posts, then the tweet reaches the reader's home, and the author's own", async () => {
      const [author, reader] = [await aUser(), await aUser()];
      await down.users.follow(reader.id, author.handle, ctx);
      const tweet = await aTweet(author);
      await eventually(async () => ids(await down.timelines.readHome(reader.id, page(), ctx)).includes(tweet.id), "the tweet in the reader's home");
      expect(ids(await down.timelines.readHome(author.id, page(), ctx))).toEqual([tweet.id]);
    });

    it('when someone follows a user, then the user is notified, unread until marked read, and a stream replay finds it', async () => {
      const [ann, bob] = [await aUser(), await aUser('Bob')];
      await down.users.follow(bob.id, ann.handle, ctx);
      await eventually(async () => (await down.notifications.list(ann.id, page(), ctx)).data.length > 0, 'the follow notification');
      const [notification] = (await down.notifications.list(ann.id, page(), ctx)).data;
      expect([notification?.type, notification?.actor.id, notification?.actor.handle, notification?.read, notification?.tweet]).toEqual(['follow', bob.id, bob.handle, false, null]);
      expect(await down.notifications.unreadCount(ann.id, ctx)).toEqual({ count: 1 });
      expect((await down.notifications.missed(ann.id, '1', 10, ctx)).data.map((missed) => missed.id)).toEqual([notification!.id]);
      await down.notifications.markRead(ann.id, notification!.id, ctx);
      expect(await down.notifications.unreadCount(ann.id, ctx)).toEqual({ count: 0 });
      expect((await down.notifications.list(ann.id, page(), ctx)).data.map((read) => read.read)).toEqual([true]);
    });

    it('when an author with enough followers posts, then the author is merged on read for each follower, and for nobody else', async () => {
      const author = await aUser();
      const followers: UserJson[] = [];
      for (let i = 0; i < down.highFollowerThreshold; i += 1) {
        const follower = await aUser();
        await down.users.follow(follower.id, author.handle, ctx);
        followers.push(follower);
      }
      const stranger = await aUser();
      // The timeline learns follows from events: the author is marked at a post that finds them all.
      let postedAt = 0;
      await eventually(async () => {
        if (Date.now() - postedAt > 1000) {
          postedAt = Date.now();
          await aTweet(author);
        }
        return (await down.mergedAuthors.followedBy(followers[0]!.id, ctx)).includes(author.id);
      }, 'the author merged on read');
      for (const follower of followers) expect(await down.mergedAuthors.followedBy(follower.id, ctx)).toEqual([author.id]);
      expect(await down.mergedAuthors.followedBy(stranger.id, ctx)).toEqual([]);
    });
  });
}
