import { appendToOutbox, OUTBOX_NOTIFY, outboxInsert } from '@chirp/common/outbox';
import { withTransaction } from '@chirp/common/pg-transaction';
import { TWEET_EVENTS_TOPIC } from '@chirp/kernel/tweet-events';
import type { Pool, PoolClient } from 'pg';
import type { AttachedMedia } from '../domain/media.ts';
import type { Author, Tweet } from '../domain/tweet.ts';
import { searchTermsOf } from '../domain/tweet-text.ts';
import { MEDIA_COLUMNS, type MediaRow, toMedia } from './pg-media-store.ts';
import type { IdPage, NewTweet, StoredAuthor, StoredTweet, TweetStore, TweetTransaction } from '../use-cases/ports.ts';

const TWEET_COLUMNS = 't.id, t.author_id, t.text, t.created_at, t.reply_to_id, t.hashtags, t.mentions, t.like_count, t.reply_count, t.deleted_at, t.version, t.media';
const AUTHOR_COLUMNS = 'a.id, a.handle, a.display_name, a.profile_version';

interface TweetRow {
  id: string;
  author_id: string;
  text: string;
  created_at: Date;
  reply_to_id: string | null;
  hashtags: string[];
  mentions: string[];
  like_count: string;
  reply_count: string;
  deleted_at: Date | null;
  version: string;
  media: AttachedMedia[];
}

interface AuthorRow {
  id: string;
  handle: string;
  display_name: string;
  profile_version: number;
}

const toTweet = (row: TweetRow): StoredTweet => ({
  id: row.id,
  authorId: row.author_id,
  text: row.text,
  createdAt: row.created_at,
  replyToId: row.reply_to_id,
  hashtags: row.hashtags,
  mentions: row.mentions,
  likeCount: Number(row.like_count),
  replyCount: Number(row.reply_count),
  deleted: row.deleted_at !== null,
  version: Number(row.version),
  media: row.media,
});

const toAuthor = (row: AuthorRow): StoredAuthor => ({
  id: row.id,
  handle: row.handle,
  displayName: row.display_name,
  profileVersion: row.profile_version,
});

/**
 * Every word of the query as a quoted lexeme, ANDed: no parser runs on either side, so a word
 * matches exactly the lexemes searchTermsOf wrote. (Terms hold only letters, marks, digits and
 * underscores, so quote_literal's quoting is the tsquery's.)
 */
const WORDS_QUERY = `array_to_string(array(SELECT quote_literal(w) FROM unnest($4::text[]) AS w), ' & ')::tsquery`;

/** Tweets, likes, idempotency keys and authors in Postgres; events go through the outbox. */
export function createPgTweetStore(pool: Pool): TweetStore {
  /**
   * A list's page. `select` gets the extra select-list entry: with a viewer, whether they like
   * each tweet (`t`), one probe of likes_by_user per row the LIMIT lets through. A scalar
   * subquery, not EXISTS: Postgres may plan a correlated EXISTS as a hashed subplan, and with the
   * prepared statement's generic plan it did, reading all of the viewer's likes for every page
   * (services/tweet/bench/list-likes.ts: 290 µs of Postgres against 75 with a viewer of 1,667 likes).
   */
  const idPage = async (select: (liked: string) => string, params: unknown[], viewerId: string | undefined): Promise<IdPage> => {
    if (viewerId === undefined) {
      const { rows } = await pool.query<{ id: string }>(select(''), params);
      return { ids: rows.map((row) => row.id) };
    }
    const liked = `, (SELECT true FROM likes l WHERE l.tweet_id = t.id AND l.user_id = $${params.length + 1}::bigint) IS NOT NULL AS liked`;
    const { rows } = await pool.query<{ id: string; liked: boolean }>(select(liked), [...params, viewerId]);
    return { ids: rows.map((row) => row.id), likedByViewer: new Set(rows.flatMap((row) => (row.liked ? [row.id] : []))) };
  };
  return {
    async findTweets(wanted) {
      // One statement for tweets and their authors: the cold path of a batch get is one round trip.
      const { rows } = await pool.query<TweetRow & { a_handle: string | null; a_display_name: string; a_profile_version: number }>(
        `SELECT ${TWEET_COLUMNS}, a.handle AS a_handle, a.display_name AS a_display_name, a.profile_version AS a_profile_version
         FROM tweets t LEFT JOIN authors a ON a.id = t.author_id WHERE t.id = ANY($1::bigint[])`,
        [wanted],
      );
      const authors = new Map<string, StoredAuthor>();
      for (const row of rows) {
        if (row.a_handle !== null) {
          authors.set(row.author_id, { id: row.author_id, handle: row.a_handle, displayName: row.a_display_name, profileVersion: row.a_profile_version });
        }
      }
      return { tweets: rows.map(toTweet), authors: [...authors.values()] };
    },
    async findAuthors(wanted) {
      const { rows } = await pool.query<AuthorRow>(`SELECT ${AUTHOR_COLUMNS} FROM authors a WHERE a.id = ANY($1::bigint[])`, [wanted]);
      return rows.map(toAuthor);
    },
    async likedAmong(userId, tweetIds) {
      const { rows } = await pool.query<{ tweet_id: string }>('SELECT tweet_id FROM likes WHERE user_id = $1 AND tweet_id = ANY($2::bigint[])', [
        userId,
        tweetIds,
      ]);
      return new Set(rows.map((row) => row.tweet_id));
    },
    // Each list reads ids only, from a partial index that already leaves deleted tweets out.
    listByAuthor: (authorId, before, limit, viewerId) =>
      idPage(
        (liked) => `SELECT t.id${liked} FROM tweets t WHERE t.author_id = $1 AND t.deleted_at IS NULL AND ($2::bigint IS NULL OR t.id < $2::bigint)
         ORDER BY t.id DESC LIMIT $3`,
        [authorId, before ?? null, limit],
        viewerId,
      ),
    listReplies: (tweetId, after, limit, viewerId) =>
      idPage(
        (liked) => `SELECT t.id${liked} FROM tweets t WHERE t.reply_to_id = $1 AND t.deleted_at IS NULL AND ($2::bigint IS NULL OR t.id > $2::bigint)
         ORDER BY t.id LIMIT $3`,
        [tweetId, after ?? null, limit],
        viewerId,
      ),
    search: (query, before, limit, viewerId) =>
      idPage(
        (liked) => `SELECT t.id${liked} FROM tweets t
         WHERE t.deleted_at IS NULL AND t.hashtags @> $1::text[] AND ($2::bigint IS NULL OR t.id < $2::bigint)
           AND ${query.words.length === 0 ? 'true' : `t.words @@ ${WORDS_QUERY}`}
         ORDER BY t.id DESC LIMIT $3`,
        query.words.length === 0 ? [query.hashtags, before ?? null, limit] : [query.hashtags, before ?? null, limit, query.words],
        viewerId,
      ),
    async saveAuthor(author) {
      const { rows } = await pool.query<AuthorRow>(
        `INSERT INTO authors AS a (id, handle, display_name, profile_version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, profile_version = EXCLUDED.profile_version
         WHERE a.profile_version < EXCLUDED.profile_version
         RETURNING ${AUTHOR_COLUMNS}`,
        [author.id, author.handle, author.displayName, author.profileVersion],
      );
      return rows[0] && toAuthor(rows[0]);
    },
    async pruneIdempotencyKeys(before) {
      let total = 0;
      // In batches, so a large backlog never holds locks or bloats one transaction.
      for (;;) {
        const { rowCount } = await pool.query(
          `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT 5000))`,
          [before],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < 5000) return total;
      }
    },
    async insertTweet({ claim, ...post }) {
      // Lost to an unexpired claim of the key (committed: a racing one was waited for), nothing
      // is written and the first tweet is answered. The claim's row is no longer locked once the
      // statement ends, so the pruner may take a key at the window's edge between the two
      // statements; then the key is free and the post is written again, once.
      for (let attempt = 1; ; attempt += 1) {
        if (await insertTweetStatement(pool, post, claim)) return {};
        const replayOf = await tweetOfKey(pool, post.tweet.authorId, claim!.key);
        if (replayOf !== undefined) return { replayOf };
        if (attempt >= 2) throw new Error(`idempotency key of author ${post.tweet.authorId} was lost to another claim twice and is gone each time; check what deletes idempotency_keys`);
      }
    },
    transaction: (work) => withTransaction(pool, (client) => work(transactionOn(client))),
  };
}

/**
 * Claims an Idempotency-Key, given the SQL for each value (parameters, in the caller's numbering):
 * a new claim, or one taken over from a claim older than `notBefore`, returns a row; a live
 * claim of the key returns none, after waiting for a racing claim's transaction to end.
 */
const claimKeySql = (v: { authorId: string; key: string; tweetId: string; at: string; notBefore: string }) =>
  `INSERT INTO idempotency_keys AS k (author_id, key, tweet_id, created_at) VALUES (${v.authorId}, ${v.key}, ${v.tweetId}, ${v.at})
   ON CONFLICT (author_id, key) DO UPDATE SET tweet_id = EXCLUDED.tweet_id, created_at = EXCLUDED.created_at
   WHERE k.created_at < ${v.notBefore}
   RETURNING 1`;

/** The tweet a live claim of `key` created (read after the claim was lost), if the key is still there. */
async function tweetOfKey(client: Pool | PoolClient, authorId: string, key: string): Promise<string | undefined> {
  const { rows } = await client.query<{ tweet_id: string }>('SELECT tweet_id FROM idempotency_keys WHERE author_id = $1 AND key = $2', [authorId, key]);
  return rows[0]?.tweet_id;
}

/** A new tweet's row and its author's stand-in as parameters $1..$11 (the order insertTweetStatement's SQL uses). */
export const tweetRowParams = (tweet: Tweet, standIn: Omit<Author, 'id'>): unknown[] => [
  tweet.id,
  tweet.authorId,
  tweet.text,
  tweet.createdAt,
  tweet.replyToId,
  tweet.hashtags,
  tweet.mentions,
  searchTermsOf(tweet.text),
  JSON.stringify(tweet.media),
  standIn.handle,
  standIn.displayName,
];

/**
 * A new tweet in one statement: the idempotency claim (when `claim` is given; a racing claim
 * of the key waits for the other's transaction), the author's stand-in (an author already
 * stored is left alone), the tweet and its events, each written only if the claim was won.
 * True when it was (or nothing was claimed); only then is the relay woken. Data-modifying WITHs
 * run to completion whether or not the outer SELECT reads them; the key's reference to the
 * tweet is checked at commit.
 */
async function insertTweetStatement(client: Pool | PoolClient, post: Omit<NewTweet, 'claim'>, claim?: NewTweet['claim']): Promise<boolean> {
  const params = tweetRowParams(post.tweet, post.standIn);
  if (claim) params.push(claim.key, claim.at, claim.notBefore);
  const won = claim ? 'EXISTS (SELECT 1 FROM claim)' : undefined;
  const onlyIf = won ? ` WHERE ${won}` : '';
  const events = outboxInsert(TWEET_EVENTS_TOPIC, post.events, params.length + 1, { onlyIf: won });
  const { rows } = await client.query<{ won: boolean }>(
    `WITH ${
      claim
        ? `claim AS (${claimKeySql({ authorId: '$2::bigint', key: '$12::text', tweetId: '$1::bigint', at: '$13::timestamptz', notBefore: '$14::timestamptz' })}),`
        : ''
    }
       stand_in AS (
         INSERT INTO authors (id, handle, display_name, profile_version) SELECT $2::bigint, $10::text, $11::text, 0${onlyIf} ON CONFLICT (id) DO NOTHING),
       tweet AS (
         INSERT INTO tweets (id, author_id, text, created_at, reply_to_id, hashtags, mentions, words, media)
         SELECT $1::bigint, $2::bigint, $3::text, $4::timestamptz, $5::bigint, $6::text[], $7::text[], array_to_tsvector($8::text[]), $9::jsonb${onlyIf}),
       appended AS (${events.sql} RETURNING 1)
     SELECT ${won ?? 'true'} AS won, ${won ? `CASE WHEN ${won} THEN ${OUTBOX_NOTIFY} END` : OUTBOX_NOTIFY}`,
    [...params, ...events.params],
  );
  return rows[0]?.won === true;
}

function transactionOn(client: PoolClient): TweetTransaction {
  const returningTweet = async (sql: string, params: unknown[]): Promise<StoredTweet | undefined> => {
    const { rows } = await client.query<TweetRow>(sql, params);
    return rows[0] && toTweet(rows[0]);
  };
  return {
    async claimIdempotencyKey(claim) {
      // A racing claim of the same key blocks on the primary key until this transaction ends,
      // then sees the committed row; an expired claim is taken over.
      const { rows } = await client.query(claimKeySql({ authorId: '$1', key: '$2', tweetId: '$3', at: '$4', notBefore: '$5' }), [
        claim.authorId,
        claim.key,
        claim.tweetId,
        claim.at,
        claim.notBefore,
      ]);
      return rows.length > 0 ? undefined : tweetOfKey(client, claim.authorId, claim.key);
    },
    async insertTweet(post) {
      await insertTweetStatement(client, post);
    },
    lockTweet: (id) => returningTweet(`SELECT ${TWEET_COLUMNS} FROM tweets t WHERE t.id = $1 FOR NO KEY UPDATE`, [id]),
    async markDeleted(id, at) {
      const tweet = await returningTweet(
        `UPDATE tweets t SET deleted_at = $2, version = version + 1 WHERE t.id = $1 AND t.deleted_at IS NULL RETURNING ${TWEET_COLUMNS}`,
        [id, at],
      );
      if (!tweet) throw new Error(`tweet ${id} was not live when marked deleted; lock it first`);
      return tweet;
    },
    adjustCount: (id, count, delta) =>
      returningTweet(
        `UPDATE tweets t SET ${count === 'likeCount' ? 'like_count = like_count' : 'reply_count = reply_count'} + $2, version = version + 1
         WHERE t.id = $1 AND t.deleted_at IS NULL RETURNING ${TWEET_COLUMNS}`,
        [id, delta],
      ),
    async insertLike(tweetId, userId, at) {
      const { rowCount } = await client.query('INSERT INTO likes (tweet_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        tweetId,
        userId,
        at,
      ]);
      return rowCount === 1;
    },
    async deleteLike(tweetId, userId) {
      const { rowCount } = await client.query('DELETE FROM likes WHERE tweet_id = $1 AND user_id = $2', [tweetId, userId]);
      return rowCount === 1;
    },
    async lockMedia(ids) {
      const { rows } = await client.query<MediaRow>(`SELECT ${MEDIA_COLUMNS} FROM media m WHERE m.id = ANY($1::bigint[]) FOR UPDATE`, [ids]);
      return rows.map(toMedia);
    },
    async attachMedia(ids, tweetId) {
      const { rowCount } = await client.query('UPDATE media SET tweet_id = $2 WHERE id = ANY($1::bigint[]) AND tweet_id IS NULL', [ids, tweetId]);
      if (rowCount !== ids.length) throw new Error(`attaching ${ids.length} media to tweet ${tweetId} changed ${rowCount} rows; lock and check them first`);
    },
    emit: (events) => appendToOutbox(client, TWEET_EVENTS_TOPIC, events),
  };
}
