// The tweet store in memory, for unit and HTTP tests; test/contract keeps it honest against Postgres.
import type { EventEnvelope } from '@chirp/kernel/events';
import { searchTermsOf } from '../../src/domain/tweet-text.ts';
import type { Media } from '../../src/domain/media.ts';
import type { IdPage, MediaStore, StoredAuthor, StoredTweet, TweetStore, TweetTransaction } from '../../src/use-cases/ports.ts';

interface State {
  tweets: Map<string, StoredTweet & { deletedAt: Date | null }>;
  authors: Map<string, StoredAuthor>;
  likes: Set<string>;
  keys: Map<string, { tweetId: string; createdAt: Date }>;
  events: EventEnvelope[];
  media: Map<string, Media>;
  /** When each pending media was last claimed by a verification pass (Postgres: media.claimed_at). */
  mediaClaims: Map<string, Date>;
}

const byIdDesc = (a: string, b: string) => (BigInt(a) > BigInt(b) ? -1 : BigInt(a) < BigInt(b) ? 1 : 0);
const copy = <T>(value: T): T => structuredClone(value);
const stored = (tweet: StoredTweet & { deletedAt: Date | null }): StoredTweet => {
  const { deletedAt: _deletedAt, ...rest } = copy(tweet);
  return rest;
};

/** Tweets and media share one state, as they share one Postgres database (attaching is part of a tweet's transaction). */
export interface InMemoryTweetStore extends TweetStore, MediaStore {
  /** Events committed so far, oldest first (what the outbox would hold). */
  readonly events: readonly EventEnvelope[];
}

export function createInMemoryTweetStore(): InMemoryTweetStore {
  let state: State = { tweets: new Map(), authors: new Map(), likes: new Set(), keys: new Map(), events: [], media: new Map(), mediaClaims: new Map() };
  // Transactions run one at a time, as if each held every lock; a throw restores the state before it.
  let queue: Promise<unknown> = Promise.resolve();
  const live = () => [...state.tweets.values()].filter((tweet) => tweet.deletedAt === null);
  const page = (ids: string[], limit: number) => ids.slice(0, limit);
  const likedBy = (userId: string, ids: readonly string[]) => new Set(ids.filter((id) => state.likes.has(`${id}:${userId}`)));
  const withLikes = (ids: string[], viewerId: string | undefined): IdPage => (viewerId === undefined ? { ids } : { ids, likedByViewer: likedBy(viewerId, ids) });

  const tx: TweetTransaction = {
    async claimIdempotencyKey(claim) {
      const key = `${claim.authorId}:${claim.key}`;
      const existing = state.keys.get(key);
      if (existing && existing.createdAt >= claim.notBefore) return existing.tweetId;
      state.keys.set(key, { tweetId: claim.tweetId, createdAt: claim.at });
      return undefined;
    },
    async insertTweet({ tweet, standIn, events }) {
      if (state.tweets.has(tweet.id)) throw new Error(`duplicate tweet id ${tweet.id}`);
      if (tweet.replyToId !== null && !state.tweets.has(tweet.replyToId)) throw new Error(`reply target ${tweet.replyToId} does not exist`);
      if (!state.authors.has(tweet.authorId)) state.authors.set(tweet.authorId, { id: tweet.authorId, ...standIn, profileVersion: 0 });
      state.tweets.set(tweet.id, { ...copy(tweet), deleted: false, version: 1, deletedAt: null });
      await tx.emit(events);
    },
    async lockTweet(id) {
      const tweet = state.tweets.get(id);
      return tweet && stored(tweet);
    },
    async markDeleted(id, at) {
      const tweet = state.tweets.get(id);
      if (!tweet || tweet.deletedAt !== null) throw new Error(`tweet ${id} was not live when marked deleted; lock it first`);
      Object.assign(tweet, { deleted: true, deletedAt: at, version: tweet.version + 1 });
      return stored(tweet);
    },
    async adjustCount(id, count, delta) {
      const tweet = state.tweets.get(id);
      if (!tweet || tweet.deletedAt !== null) return undefined;
      if (tweet[count] + delta < 0) throw new Error(`${count} of ${id} would fall below zero`);
      tweet[count] += delta;
      tweet.version += 1;
      return stored(tweet);
    },
    async insertLike(tweetId, userId) {
      const key = `${tweetId}:${userId}`;
      if (state.likes.has(key)) return false;
      state.likes.add(key);
      return true;
    },
    async deleteLike(tweetId, userId) {
      return state.likes.delete(`${tweetId}:${userId}`);
    },
    async lockMedia(ids) {
      return ids.flatMap((id) => {
        const media = state.media.get(id);
        return media ? [copy(media)] : [];
      });
    },
    async attachMedia(ids, tweetId) {
      for (const id of ids) {
        const media = state.media.get(id);
        if (!media || media.tweetId !== null) throw new Error(`media ${id} cannot be attached to tweet ${tweetId}; lock and check it first`);
        media.tweetId = tweetId;
      }
    },
    async emit(events) {
      state.events.push(...copy(events));
    },
  };
  const mediaWhere = (keep: (media: Media) => boolean) => [...state.media.values()].filter(keep).map((media) => copy(media));

  const store: InMemoryTweetStore = {
    get events() {
      return state.events;
    },
    async findTweets(ids) {
      const tweets = ids.flatMap((id) => {
        const tweet = state.tweets.get(id);
        return tweet ? [stored(tweet)] : [];
      });
      const authors = [...new Set(tweets.map((tweet) => tweet.authorId))].flatMap((id) => {
        const author = state.authors.get(id);
        return author ? [copy(author)] : [];
      });
      return { tweets, authors };
    },
    async findAuthors(ids) {
      return ids.flatMap((id) => {
        const author = state.authors.get(id);
        return author ? [copy(author)] : [];
      });
    },
    async likedAmong(userId, tweetIds) {
      return likedBy(userId, tweetIds);
    },
    async listByAuthor(authorId, before, limit, viewerId) {
      const ids = live()
        .filter((tweet) => tweet.authorId === authorId && (before === undefined || BigInt(tweet.id) < BigInt(before)))
        .map((tweet) => tweet.id);
      return withLikes(page(ids.sort(byIdDesc), limit), viewerId);
    },
    async listReplies(tweetId, after, limit, viewerId) {
      const ids = live()
        .filter((tweet) => tweet.replyToId === tweetId && (after === undefined || BigInt(tweet.id) > BigInt(after)))
        .map((tweet) => tweet.id);
      return withLikes(page(ids.sort(byIdDesc).reverse(), limit), viewerId);
    },
    async search(query, before, limit, viewerId) {
      const ids = live()
        .filter((tweet) => {
          if (before !== undefined && BigInt(tweet.id) >= BigInt(before)) return false;
          const words = searchTermsOf(tweet.text);
          return query.hashtags.every((tag) => tweet.hashtags.includes(tag)) && query.words.every((word) => words.includes(word));
        })
        .map((tweet) => tweet.id);
      return withLikes(page(ids.sort(byIdDesc), limit), viewerId);
    },
    async saveAuthor(author) {
      const current = state.authors.get(author.id);
      if (current && current.profileVersion >= author.profileVersion) return undefined;
      state.authors.set(author.id, copy(author));
      return copy(author);
    },
    async pruneIdempotencyKeys(before) {
      let pruned = 0;
      for (const [key, claim] of state.keys) {
        if (claim.createdAt < before) {
          state.keys.delete(key);
          pruned += 1;
        }
      }
      return pruned;
    },
    async insertMedia(media) {
      if (state.media.has(media.id) || [...state.media.values()].some((other) => other.key === media.key)) throw new Error(`duplicate media ${media.id}`);
      state.media.set(media.id, copy(media));
    },
    findMedia: async (ids) => mediaWhere((media) => ids.includes(media.id)),
    findMediaOfTweet: async (tweetId) => mediaWhere((media) => media.tweetId === tweetId),
    async settleMedia(id, outcome) {
      const media = state.media.get(id);
      if (media?.status === 'pending') Object.assign(media, outcome);
      return media && copy(media);
    },
    async claimPending({ since, claimedBefore, at }, limit) {
      const lastClaim = (media: Media) => state.mediaClaims.get(media.id)?.getTime() ?? -Infinity;
      const claimed = mediaWhere((media) => media.status === 'pending' && media.createdAt >= since && lastClaim(media) <= claimedBefore.getTime())
        .sort((a, b) => lastClaim(a) - lastClaim(b) || a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
      for (const media of claimed) state.mediaClaims.set(media.id, at);
      return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
    async markAvatar(id) {
      const media = state.media.get(id);
      if (media) media.avatar = true;
    },
    listRemovable: async (before, limit) =>
      mediaWhere((media) => {
        if (media.avatar) return false;
        if (media.tweetId === null) return media.createdAt < before;
        return state.tweets.get(media.tweetId)?.deletedAt != null;
      }).slice(0, limit),
    async deleteMedia(ids) {
      for (const id of ids) {
        state.media.delete(id);
        state.mediaClaims.delete(id);
      }
    },
    insertTweet: ({ claim, ...post }) =>
      store.transaction(async (transaction) => {
        const replayOf = claim && (await transaction.claimIdempotencyKey({ authorId: post.tweet.authorId, key: claim.key, tweetId: post.tweet.id, at: claim.at, notBefore: claim.notBefore }));
        if (replayOf !== undefined) return { replayOf };
        await transaction.insertTweet(post);
        return {};
      }),
    transaction<T>(work: (transaction: TweetTransaction) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const before = copy(state);
        try {
          const result = await work(tx);
          // As Postgres's deferred foreign key does at COMMIT: a claim must name a tweet that exists.
          for (const [key, claim] of state.keys) {
            if (!state.tweets.has(claim.tweetId)) throw new Error(`idempotency key ${key} names tweet ${claim.tweetId}, which does not exist`);
          }
          return result;
        } catch (error) {
          state = before;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return store;
}
