// Tweets as callers see them: live only, with their author and, for a viewer, likedByMe.
// Every read goes through `hydrate`, so the cache rules live in one place.
import { type Page, toPage } from '@chirp/kernel/pagination';
import type { Author, Tweet } from '../domain/tweet.ts';
import type { IdPage, StoredAuthor, StoredTweet, TweetCache, TweetReader } from './ports.ts';

export interface TweetView extends Tweet {
  author: Author;
  /** Present when the request named a viewer. */
  likedByMe?: boolean;
}

const viewOf = (tweet: StoredTweet, author: StoredAuthor, likedByMe: boolean | undefined): TweetView => {
  const { deleted: _deleted, version: _version, ...fields } = tweet;
  const view: TweetView = { ...fields, author: { id: author.id, handle: author.handle, displayName: author.displayName } };
  if (likedByMe !== undefined) view.likedByMe = likedByMe;
  return view;
};

/**
 * `likedByViewer`: the viewer's likes among `ids` when the caller read them already (a list's
 * statement does); otherwise they are asked of the store.
 */
export type Hydrate = (ids: readonly string[], viewerId?: string, likedByViewer?: ReadonlySet<string>) => Promise<TweetView[]>;
/** Views of tweets already in hand (live ones), with their authors and, for a viewer, likedByMe. */
export type Present = (tweets: readonly StoredTweet[], viewerId?: string) => Promise<TweetView[]>;

type Deps = { tweets: TweetReader; cache: TweetCache };

/** Views of live tweets, given their authors (some may still be missing) and the viewer's likes among them. */
async function viewsOf(deps: Deps, live: readonly StoredTweet[], authors: Map<string, StoredAuthor>, liked: ReadonlySet<string> | undefined): Promise<TweetView[]> {
  await loadAuthors(deps, authors, [...new Set(live.map((tweet) => tweet.authorId))]);
  return live.map((tweet) => {
    const author = authors.get(tweet.authorId);
    // Every tweet's transaction writes its author (a stand-in at worst), so this is a broken invariant.
    if (!author) throw new Error(`tweet ${tweet.id} has no author row for ${tweet.authorId}; check the authors table`);
    return viewOf(tweet, author, liked?.has(tweet.id));
  });
}

const likedAmong = (deps: Deps, viewerId: string | undefined, ids: readonly string[], known?: ReadonlySet<string>): Promise<ReadonlySet<string> | undefined> => {
  if (viewerId === undefined) return Promise.resolve(undefined);
  if (known !== undefined) return Promise.resolve(known);
  return ids.length === 0 ? Promise.resolve(undefined) : deps.tweets.likedAmong(viewerId, ids);
};

/**
 * `hydrate`: the live tweets among `ids`, in the order asked, each once. Cached tweets and their
 * authors come from the cache in one read, while the viewer's likes among the ids are asked of
 * the store at the same time (they need only the ids); cache misses come from one store query
 * (tweets with their authors), which then fills the cache. Deleted and unknown ids are left out.
 * `present`: the same views for tweets the caller already holds (a tweet just created), without
 * reading them again.
 */
export function tweetViews(deps: Deps): { hydrate: Hydrate; present: Present } {
  /** The live tweets among `wanted` with the authors found on the way. */
  async function liveTweets(wanted: readonly string[]): Promise<{ live: StoredTweet[]; authors: Map<string, StoredAuthor> }> {
    const { tweets: found, authors } = await deps.cache.getTweetsAndAuthors(wanted);
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const loaded = await deps.tweets.findTweets(missing);
      for (const tweet of loaded.tweets) found.set(tweet.id, tweet);
      for (const author of loaded.authors) authors.set(author.id, author);
      await Promise.all([deps.cache.putTweets(loaded.tweets), deps.cache.putAuthors(loaded.authors)]);
    }
    const live = wanted.flatMap((id) => {
      const tweet = found.get(id);
      return tweet && !tweet.deleted ? [tweet] : [];
    });
    return { live, authors };
  }

  return {
    present: async (tweets, viewerId) => viewsOf(deps, tweets, new Map(), await likedAmong(deps, viewerId, tweets.map((tweet) => tweet.id))),
    async hydrate(ids, viewerId, likedByViewer) {
      const wanted = [...new Set(ids)];
      if (wanted.length === 0) return [];
      const [{ live, authors }, liked] = await Promise.all([liveTweets(wanted), likedAmong(deps, viewerId, wanted, likedByViewer)]);
      return viewsOf(deps, live, authors, liked);
    },
  };
}

async function loadAuthors(deps: Deps, authors: Map<string, StoredAuthor>, ids: string[]): Promise<void> {
  const unknown = ids.filter((id) => !authors.has(id));
  if (unknown.length === 0) return;
  for (const [id, author] of await deps.cache.getAuthors(unknown)) authors.set(id, author);
  const missing = unknown.filter((id) => !authors.has(id));
  if (missing.length === 0) return;
  const loaded = await deps.tweets.findAuthors(missing);
  for (const author of loaded) authors.set(author.id, author);
  await deps.cache.putAuthors(loaded);
}

/** A page query of tweets, as a viewer (when named) sees them. */
export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  viewerId?: string | undefined;
}

/**
 * A page from a keyset query of ids (fetched with one extra to know whether more follow, and
 * the viewer's likes among them when it named one), hydrated. The cursor is the last id the
 * query gave, so a tweet deleted between the two steps shortens this page but never shifts the next one.
 */
export async function hydratedPage(found: IdPage, query: ListQuery, hydrate: Hydrate): Promise<Page<TweetView>> {
  const page = toPage(found.ids, query.limit, (id) => [id], (id) => id);
  return { data: await hydrate(page.data, query.viewerId, found.likedByViewer), nextCursor: page.nextCursor };
}
