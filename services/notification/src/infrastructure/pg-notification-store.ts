import { withTransaction } from '@chirp/common/pg-transaction';
import type { Pool, PoolClient } from 'pg';
import { handleKey, type NotificationCandidate, type NotificationType, type StoredNotification } from '../domain/notification.ts';
import type { IdSource } from '@chirp/kernel/ids';
import type { KnownUser, NotificationStore, UserDirectory } from '../use-cases/ports.ts';

interface NotificationRow {
  id: string;
  recipient_id: string;
  type: NotificationType;
  actor_id: string;
  tweet_id: string | null;
  created_at: Date;
}
const COLUMNS = 'id, recipient_id, type, actor_id, tweet_id, created_at';
const toNotification = (row: NotificationRow): StoredNotification => ({
  id: row.id,
  recipientId: row.recipient_id,
  type: row.type,
  actorId: row.actor_id,
  tweetId: row.tweet_id,
  at: row.created_at,
});

/**
 * Adds and deletes of one tweet's notifications take the same transaction-scoped lock, so a
 * create racing a delete is ordered: the delete removes what the create committed, or the
 * create sees the delete's marker. (A hash of the id: two tweets sharing a lock only wait.)
 * Several tweets' locks are taken in one statement, in id order (volatile calls in the select
 * list run after the ORDER BY), so two adds of overlapping tweets cannot deadlock.
 */
const lockTweets = (client: PoolClient, sortedTweetIds: readonly string[]) =>
  client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('notification-tweet:' || t.id, 0))
     FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n`,
    [sortedTweetIds],
  );

/**
 * Inserts the notifications not already there (one per act) and not about a deleted tweet;
 * resolves to those inserted, oldest first. The deletion markers are read by this statement's
 * snapshot, so a caller that must see a delete committed a moment ago runs it after taking the
 * tweet's lock, as a statement of its own.
 */
async function insertNotifications(db: Pool | PoolClient, candidates: readonly NotificationCandidate[], ids: IdSource): Promise<StoredNotification[]> {
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notifications (${COLUMNS})
     SELECT c.* FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[]) AS c(${COLUMNS})
     WHERE c.tweet_id IS NULL OR NOT EXISTS (SELECT 1 FROM deleted_tweets d WHERE d.tweet_id = c.tweet_id)
     ON CONFLICT ON CONSTRAINT notifications_one_per_act DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      candidates.map(() => ids.next()),
      candidates.map((c) => c.recipientId),
      candidates.map((c) => c.type),
      candidates.map((c) => c.actorId),
      candidates.map((c) => c.tweetId),
      candidates.map((c) => c.at),
    ],
  );
  return rows.map(toNotification).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** Notifications and read marks in Postgres: every read is a range of (recipient, id), so no query scans a user's history. */
export function createPgNotificationStore(pool: Pool): NotificationStore {
  return {
    async add(candidates, ids) {
      if (candidates.length === 0) return [];
      const tweetIds = [...new Set(candidates.flatMap((c) => (c.tweetId === null ? [] : [c.tweetId])))].sort();
      // Nothing about a tweet (a follow): no delete to order against, so one statement, no transaction.
      if (tweetIds.length === 0) return insertNotifications(pool, candidates, ids);
      return withTransaction(pool, async (client) => {
        await lockTweets(client, tweetIds);
        return insertNotifications(client, candidates, ids);
      });
    },

    async forgetTweet(tweetId, at) {
      return withTransaction(pool, async (client) => {
        await lockTweets(client, [tweetId]);
        await client.query('INSERT INTO deleted_tweets (tweet_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tweetId, at]);
        await client.query('DELETE FROM held_mentions WHERE tweet_id = $1', [tweetId]);
        const { rowCount } = await client.query('DELETE FROM notifications WHERE tweet_id = $1', [tweetId]);
        return rowCount ?? 0;
      });
    },

    async listNewest(recipientId, { before, types, limit }) {
      const below = before ?? '9223372036854775807';
      if (types === undefined) {
        const { rows } = await pool.query<NotificationRow>(
          `SELECT ${COLUMNS} FROM notifications WHERE recipient_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
          [recipientId, below, limit],
        );
        return rows.map(toNotification);
      }
      // One index range per type, each at most `limit` rows, merged: a rare type never scans the others.
      const { rows } = await pool.query<NotificationRow>(
        `SELECT n.* FROM unnest($2::text[]) AS wanted(type)
         CROSS JOIN LATERAL (
           SELECT ${COLUMNS} FROM notifications
           WHERE recipient_id = $1 AND type = wanted.type AND id < $3 ORDER BY id DESC LIMIT $4
         ) AS n
         ORDER BY n.id DESC LIMIT $4`,
        [recipientId, types, below, limit],
      );
      return rows.map(toNotification);
    },

    async listAfter(recipientId, after, limit) {
      const { rows } = await pool.query<NotificationRow>(
        `SELECT ${COLUMNS} FROM notifications WHERE recipient_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [recipientId, after, limit],
      );
      return rows.map(toNotification);
    },

    async readUpTo(recipientId) {
      const { rows } = await pool.query<{ read_up_to: string }>('SELECT read_up_to FROM notification_reads WHERE recipient_id = $1', [recipientId]);
      return rows[0]?.read_up_to ?? '0';
    },

    async markRead(recipientId, upToId) {
      await pool.query(
        `INSERT INTO notification_reads (recipient_id, read_up_to) VALUES ($1, $2)
         ON CONFLICT (recipient_id) DO UPDATE SET read_up_to = GREATEST(notification_reads.read_up_to, EXCLUDED.read_up_to)`,
        [recipientId, upToId],
      );
    },

    async countUnread(recipientId, cap) {
      // At most `cap` index entries above the read mark are read, however long the history.
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT 1 FROM notifications
           WHERE recipient_id = $1 AND id > COALESCE((SELECT read_up_to FROM notification_reads WHERE recipient_id = $1), 0)
           LIMIT $2
         ) AS unread`,
        [recipientId, cap],
      );
      return rows[0]?.n ?? 0;
    },

    async pruneDeletedBefore(before) {
      const { rowCount } = await pool.query('DELETE FROM deleted_tweets WHERE deleted_at < $1', [before]);
      return rowCount ?? 0;
    },
  };
}

interface UserRow {
  id: string;
  handle: string;
  display_name: string;
  avatar_url: string | null;
  profile_version: number;
  registered_at: Date | null;
}
const toUser = (row: UserRow): KnownUser => ({
  id: row.id,
  handle: row.handle,
  displayName: row.display_name,
  avatarUrl: row.avatar_url,
  profileVersion: row.profile_version,
  registeredAt: row.registered_at,
});

/** The handle directory and held mentions, in the same Postgres. */
export function createPgUserDirectory(pool: Pool): UserDirectory {
  return {
    async save(user) {
      const { rowCount } = await pool.query(
        `INSERT INTO known_users (id, handle, display_name, avatar_url, profile_version, registered_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, avatar_url = EXCLUDED.avatar_url,
           profile_version = EXCLUDED.profile_version, registered_at = COALESCE(EXCLUDED.registered_at, known_users.registered_at)
         WHERE known_users.profile_version < EXCLUDED.profile_version`,
        [user.id, user.handle, user.displayName, user.avatarUrl, user.profileVersion, user.registeredAt],
      );
      return rowCount === 1;
    },
    async findByHandles(handles) {
      const { rows } = await pool.query<UserRow>('SELECT * FROM known_users WHERE lower(handle) = ANY($1::text[])', [handles.map(handleKey)]);
      return rows.map(toUser);
    },
    async findByIds(ids) {
      const { rows } = await pool.query<UserRow>('SELECT * FROM known_users WHERE id = ANY($1::bigint[])', [ids]);
      return rows.map(toUser);
    },
    async hold(mentions) {
      await pool.query(
        `INSERT INTO held_mentions (handle_key, tweet_id, actor_id, handle, at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[]) ON CONFLICT DO NOTHING`,
        [mentions.map((m) => handleKey(m.handle)), mentions.map((m) => m.tweetId), mentions.map((m) => m.actorId), mentions.map((m) => m.handle), mentions.map((m) => m.at)],
      );
    },
    async findHeld(handle) {
      const { rows } = await pool.query<{ handle: string; tweet_id: string; actor_id: string; at: Date }>(
        'SELECT handle, tweet_id, actor_id, at FROM held_mentions WHERE handle_key = $1 ORDER BY tweet_id LIMIT 1000',
        [handleKey(handle)],
      );
      return rows.map((row) => ({ handle: row.handle, tweetId: row.tweet_id, actorId: row.actor_id, at: row.at }));
    },
    async release(handle, tweetIds) {
      await pool.query('DELETE FROM held_mentions WHERE handle_key = $1 AND tweet_id = ANY($2::bigint[])', [handleKey(handle), tweetIds]);
    },
    async pruneHeld(before) {
      const { rowCount } = await pool.query('DELETE FROM held_mentions WHERE at < $1', [before]);
      return rowCount ?? 0;
    },
  };
}
