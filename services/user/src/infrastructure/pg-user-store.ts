import { createLruMap } from '@chirp/common/lru-map';
import { appendToOutbox, OUTBOX_NOTIFY, outboxInsert } from '@chirp/common/outbox';
import { retryingConflicts, sqlStateOf, withTransaction } from '@chirp/common/pg-transaction';
import { USER_EVENTS_TOPIC } from '@chirp/kernel/user-events';
import type { Pool, PoolClient } from 'pg';
import { handleKey, type User } from '../domain/user.ts';
import { userNotFound } from '@chirp/kernel/errors';
import { handleTaken } from '../domain/user-errors.ts';
import type { FollowListEntry, NewFollow, StoredRefreshToken, UserStore, UserTransaction } from '../use-cases/ports.ts';

const USER_COLUMNS = 'u.id, u.handle, u.display_name, u.bio, u.created_at, u.followers_count, u.following_count, u.tweet_count, u.avatar_url';

interface UserRow {
  id: string;
  handle: string;
  display_name: string;
  bio: string;
  created_at: Date;
  followers_count: string;
  following_count: string;
  tweet_count: string;
  avatar_url: string | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  handle: row.handle,
  displayName: row.display_name,
  bio: row.bio,
  createdAt: row.created_at,
  followersCount: Number(row.followers_count),
  followingCount: Number(row.following_count),
  tweetCount: Number(row.tweet_count),
  avatarUrl: row.avatar_url,
});

/**
 * LIKE treats % and _ as wildcards, and _ is a handle character: escape them so a prefix
 * means what it says. Lower-casing is left to Postgres (lower($1)), so both sides of the
 * comparison follow the same case rules, outside ASCII too.
 */
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One page of a follow list: $1 the user, $2 the sequence after which to start (or null), $3 the row limit. */
export const followListSql = (column: 'followee_id' | 'follower_id', other: 'follower_id' | 'followee_id'): string =>
  `SELECT ${USER_COLUMNS}, f.sequence FROM follows f JOIN users u ON u.id = f.${other}
   WHERE f.${column} = $1 AND ($2::bigint IS NULL OR f.sequence < $2::bigint)
   ORDER BY f.sequence DESC LIMIT $3`;

/** The users table, the follow graph, sessions and tweet tallies in Postgres; events go through the outbox. */
async function userById(db: Pool | PoolClient, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

/**
 * How many handle → id pairs each process remembers (a few MB): a follow or unfollow names its
 * followee by handle, and a handle, once taken, names the same account for good.
 */
const HANDLE_IDS_REMEMBERED = 100_000;

export function createPgUserStore(pool: Pool): UserStore {
  const handleIds = createLruMap<string, string>(HANDLE_IDS_REMEMBERED);
  const listFollows = (column: 'followee_id' | 'follower_id', other: 'follower_id' | 'followee_id') => {
    const sql = followListSql(column, other);
    return async (userId: string, after: string | undefined, limit: number): Promise<FollowListEntry[]> => {
      // The range scan on (column, sequence DESC) reads exactly one page, however deep the cursor.
      const { rows } = await pool.query<UserRow & { sequence: string }>(sql, [userId, after ?? null, limit]);
      return rows.map((row) => ({ user: toUser(row), sequence: row.sequence }));
    };
  };

  return {
    findById: (id) => userById(pool, id),
    async findByHandle(handle) {
      const { rows } = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.handle) = lower($1)`, [handle]);
      return rows[0] && toUser(rows[0]);
    },
    async idOfHandle(handle) {
      const key = handleKey(handle);
      const known = handleIds.get(key);
      if (known !== undefined) return known;
      // Only a found id is remembered: a handle free now may be taken by the next sign-up.
      const { rows } = await pool.query<{ id: string }>('SELECT id FROM users WHERE lower(handle) = lower($1)', [handle]);
      if (rows[0]) handleIds.set(key, rows[0].id);
      return rows[0]?.id;
    },
    async findManyByIds(ids) {
      const { rows } = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::bigint[])`, [ids]);
      return rows.map(toUser);
    },
    async findCredentials(handle) {
      const { rows } = await pool.query<UserRow & { password_hash: string }>(
        `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.handle) = lower($1)`,
        [handle],
      );
      return rows[0] && { user: toUser(rows[0]), passwordHash: rows[0].password_hash };
    },
    listFollowers: listFollows('followee_id', 'follower_id'),
    listFollowing: listFollows('follower_id', 'followee_id'),
    async searchByPrefix(prefix, after, limit) {
      const { rows } = await pool.query<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users u
         WHERE (lower(u.handle) LIKE lower($1) OR lower(u.display_name) LIKE lower($1)) AND ($2::text IS NULL OR lower(u.handle) COLLATE "C" > $2)
         ORDER BY lower(u.handle) COLLATE "C" LIMIT $3`,
        [likePrefix(prefix), after ?? null, limit],
      );
      return rows.map(toUser);
    },
    async followedAmong(followerId, candidateIds) {
      const { rows } = await pool.query<{ followee_id: string }>(
        'SELECT followee_id FROM follows WHERE follower_id = $1 AND followee_id = ANY($2::bigint[])',
        [followerId, candidateIds],
      );
      return new Set(rows.map((row) => row.followee_id));
    },
    async listSessionsRevokedSince(since) {
      const { rows } = await pool.query<{ id: string; revoked_at: Date }>('SELECT id, revoked_at FROM sessions WHERE revoked_at >= $1', [since]);
      return rows.map((row) => ({ sessionId: row.id, revokedAt: row.revoked_at }));
    },
    async recordTweetCreated(tweetId, authorId) {
      await pool.query(RECORD_TWEET_CREATED, [tweetId, authorId]);
    },
    async recordTweetDeleted(tweetId, authorId) {
      await pool.query(RECORD_TWEET_DELETED, [tweetId, authorId]);
    },
    async follow(follow) {
      const { sql, params } = followStatement(follow);
      try {
        const { rows } = await retryingConflicts(() => pool.query<{ sequence: string }>(sql, params));
        return rows[0]?.sequence;
      } catch (error) {
        // The followee was found by its handle first, so a missing row is the follower.
        if (sqlStateOf(error) === '23503') throw userNotFound();
        throw error;
      }
    },
    transaction: (work) => withTransaction(pool, (client) => work(transactionOn(client))),
  };
}

/*
 * A tweet event in one autocommitted statement ($1 the tweet, $2 its author). The upsert's
 * WHERE lets only the first hearing of the fact through, and RETURNING hands the other fact as
 * it stood, so the count moves only when the tweet starts or stops counting. ON CONFLICT DO
 * UPDATE locks the tally row until the statement commits: a racing creation and deletion of one
 * tweet take turns, and the second sees the first.
 *
 * GREATEST is for the deletion that waited on its creation: its snapshot predates that wait,
 * and Postgres checks tweet_count >= 0 on the snapshot's row version (0 - 1) before it finds
 * the committed increment and recomputes from it. A counted tweet's author has 1 or more, so
 * the clamp changes no count that is stored.
 */
const RECORD_TWEET_CREATED = `
  WITH heard AS (
    INSERT INTO tweet_tallies (tweet_id, author_id, created) VALUES ($1, $2, true)
    ON CONFLICT (tweet_id) DO UPDATE SET created = true WHERE NOT tweet_tallies.created
    RETURNING deleted)
  UPDATE users SET tweet_count = tweet_count + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM heard WHERE NOT heard.deleted)`;
const RECORD_TWEET_DELETED = `
  WITH heard AS (
    INSERT INTO tweet_tallies (tweet_id, author_id, deleted) VALUES ($1, $2, true)
    ON CONFLICT (tweet_id) DO UPDATE SET deleted = true WHERE NOT tweet_tallies.deleted
    RETURNING created)
  UPDATE users SET tweet_count = GREATEST(tweet_count - 1, 0) WHERE id = $2 AND EXISTS (SELECT 1 FROM heard WHERE heard.created)`;

/**
 * The pair's lock ($1 the follower, $2 the followee), as a select-list item. Follows and
 * unfollows of one pair take turns on this transaction-scoped advisory lock, so each takes its
 * sequence number only after the one before it committed: in sequence order the changes of a
 * pair are in the order they happened. (Without it, an INSERT draws its number, then waits on a
 * racing DELETE that draws a later one.)
 */
const PAIR_LOCK = `pg_advisory_xact_lock(hashtextextended('follows:' || $1::bigint || ':' || $2::bigint, 0))`;

/**
 * Both users' counts, moved by `delta` when the CTE `changed` returned a row: the rows locked in
 * id order, so two transactions touching the same two users cannot deadlock.
 */
const countsMoved = (delta: '+ 1' | '- 1') => `
  counted AS (
    UPDATE users SET
      following_count = following_count ${delta} * (id = $1)::int,
      followers_count = followers_count ${delta} * (id = $2)::int
    WHERE id IN (SELECT id FROM users WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE)
      AND EXISTS (SELECT 1 FROM changed))`;

/** The sequence a follow's event is built with; the statement puts the one it draws in its place. */
const SEQUENCE_STAND_IN = '1';

/**
 * A follow in one statement, its own transaction ($1 the follower, $2 the followee, $3 when,
 * then the outbox rows' parameters): the pair's lock, the row, both counts, and the event with
 * the drawn sequence in its payload, the relay woken at commit; each written only when the row
 * is new. The sequence is drawn after the lock is held (nextval runs for the row the lock's CTE
 * yields). Unlike a DELETE, ON CONFLICT needs no snapshot taken after the wait: it checks the
 * index for rows committed meanwhile, and the counts' UPDATE re-reads the rows it locks, so a
 * racing follow or unfollow that committed while this one waited is seen.
 */
function followStatement(follow: NewFollow): { sql: string; params: unknown[] } {
  const event = follow.announce(SEQUENCE_STAND_IN);
  if ((event.payload as { sequence?: unknown }).sequence !== SEQUENCE_STAND_IN) {
    throw new Error(`a follow's event must carry the sequence it is given in payload.sequence (event type ${event.type}); the store fills it in`);
  }
  const events = outboxInsert(USER_EVENTS_TOPIC, [event], 4, {
    onlyIf: 'EXISTS (SELECT 1 FROM changed)',
    payloadWith: `jsonb_build_object('sequence', (SELECT sequence::text FROM changed))`,
  });
  return {
    sql: `
      WITH pair AS (SELECT ${PAIR_LOCK}),
      changed AS (
        INSERT INTO follows (follower_id, followee_id, sequence, created_at)
        SELECT $1, $2, nextval('follow_changes'), $3 FROM pair
        ON CONFLICT DO NOTHING RETURNING sequence),
      ${countsMoved('+ 1')},
      appended AS (${events.sql} RETURNING 1)
      SELECT sequence, ${OUTBOX_NOTIFY} FROM changed`,
    params: [follow.followerId, follow.followeeId, follow.at, ...events.params],
  };
}

/** An unfollow and both counts in one statement ($1 the follower, $2 the followee), the pair's lock held before it. */
const DELETE_FOLLOW = `
  WITH changed AS (
    DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING nextval('follow_changes')::text AS sequence),
  ${countsMoved('- 1')}
  SELECT sequence FROM changed`;

function transactionOn(client: PoolClient): UserTransaction {
  /** The pair's lock alone, for an unfollow (see PAIR_LOCK and deleteFollow). */
  const lockPair = async (followerId: string, followeeId: string) => {
    await client.query(`SELECT ${PAIR_LOCK}`, [followerId, followeeId]);
  };
  return {
    readUser: (id) => userById(client, id),
    async insertUser(user, passwordHash) {
      try {
        await client.query(
          `INSERT INTO users (id, handle, display_name, bio, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
          [user.id, user.handle, user.displayName, user.bio, passwordHash, user.createdAt],
        );
      } catch (error) {
        // Only the handle index means the handle is taken; a duplicate id is a bug (check WORKER_ID) and stays a 500.
        if (sqlStateOf(error) === '23505' && (error as { constraint?: string }).constraint === 'users_handle_key') throw handleTaken();
        throw error;
      }
    },
    async lockUser(id) {
      const { rows } = await client.query<UserRow & { profile_version: number }>(
        `SELECT ${USER_COLUMNS}, u.profile_version FROM users u WHERE u.id = $1 FOR UPDATE`,
        [id],
      );
      return rows[0] && { ...toUser(rows[0]), profileVersion: rows[0].profile_version };
    },
    async saveProfile(id, profile) {
      await client.query('UPDATE users SET display_name = $2, bio = $3, profile_version = $4, updated_at = $5, avatar_url = $6 WHERE id = $1', [
        id,
        profile.displayName,
        profile.bio,
        profile.profileVersion,
        profile.updatedAt,
        profile.avatarUrl,
      ]);
    },
    async setPasswordHash(id, passwordHash) {
      await client.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
    },
    async deleteFollow(followerId, followeeId) {
      // The lock goes first, alone: a DELETE's snapshot is taken when its statement starts, so
      // one that waited on the lock inside its own statement would miss a follow committed meanwhile.
      await lockPair(followerId, followeeId);
      const { rows } = await client.query<{ sequence: string }>(DELETE_FOLLOW, [followerId, followeeId]);
      return rows[0]?.sequence;
    },
    async createSession(session) {
      await client.query('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        session.id,
        session.userId,
        session.createdAt,
        session.expiresAt,
      ]);
    },
    async addRefreshToken(token) {
      await client.query(
        `INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (decode($1, 'hex'), $2, $3, $4)`,
        [token.hash, token.sessionId, token.issuedAt, token.expiresAt],
      );
    },
    async lockRefreshToken(hash) {
      const { rows } = await client.query<{
        session_id: string;
        user_id: string;
        expires_at: Date;
        spent_at: Date | null;
        revoked_at: Date | null;
        session_expires_at: Date;
      }>(
        `SELECT t.session_id, s.user_id, t.expires_at, t.spent_at, s.revoked_at, s.expires_at AS session_expires_at
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.token_hash = decode($1, 'hex') FOR UPDATE OF t, s`,
        [hash],
      );
      const row = rows[0];
      if (!row) return undefined;
      const token: StoredRefreshToken = {
        sessionId: row.session_id,
        userId: row.user_id,
        expiresAt: row.expires_at,
        spentAt: row.spent_at,
        sessionRevokedAt: row.revoked_at,
        sessionExpiresAt: row.session_expires_at,
      };
      return token;
    },
    async spendRefreshToken(hash, at) {
      await client.query(`UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = decode($1, 'hex')`, [hash, at]);
    },
    async revokeSession(sessionId, at, reason) {
      await client.query('UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [sessionId, at, reason]);
    },
    emit: (events) => appendToOutbox(client, USER_EVENTS_TOPIC, events),
  };
}
