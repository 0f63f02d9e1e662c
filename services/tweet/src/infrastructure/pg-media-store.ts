import type { Pool, PoolClient } from 'pg';
import type { Media, MediaContentType, MediaStatus } from '../domain/media.ts';
import type { MediaStore } from '../use-cases/ports.ts';

export const MEDIA_COLUMNS = 'm.id, m.owner_id, m.content_type, m.size, m.status, m.object_key, m.url, m.width, m.height, m.created_at, m.tweet_id, m.avatar';

export interface MediaRow {
  id: string;
  owner_id: string;
  content_type: string;
  size: number;
  status: string;
  object_key: string;
  url: string | null;
  width: number | null;
  height: number | null;
  created_at: Date;
  tweet_id: string | null;
  avatar: boolean;
}

export const toMedia = (row: MediaRow): Media => ({
  id: row.id,
  ownerId: row.owner_id,
  contentType: row.content_type as MediaContentType,
  size: row.size,
  status: row.status as MediaStatus,
  key: row.object_key,
  url: row.url,
  width: row.width,
  height: row.height,
  createdAt: row.created_at,
  tweetId: row.tweet_id,
  avatar: row.avatar,
});

/** The media rows in the tweet service's Postgres (the same database, so attaching joins the tweet's transaction). */
export function createPgMediaStore(pool: Pool | PoolClient): MediaStore {
  const select = async (sql: string, params: unknown[]): Promise<Media[]> => {
    const { rows } = await pool.query<MediaRow>(sql, params);
    return rows.map(toMedia);
  };
  return {
    async insertMedia(media) {
      await pool.query(
        `INSERT INTO media (id, owner_id, content_type, size, status, object_key, url, width, height, created_at, tweet_id, avatar)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [media.id, media.ownerId, media.contentType, media.size, media.status, media.key, media.url, media.width, media.height, media.createdAt, media.tweetId, media.avatar],
      );
    },
    findMedia: (ids) => select(`SELECT ${MEDIA_COLUMNS} FROM media m WHERE m.id = ANY($1::bigint[])`, [ids]),
    findMediaOfTweet: (tweetId) => select(`SELECT ${MEDIA_COLUMNS} FROM media m WHERE m.tweet_id = $1`, [tweetId]),
    async settleMedia(id, outcome) {
      const [updated] = await select(
        outcome.status === 'ready'
          ? `UPDATE media m SET status = 'ready', url = $2, width = $3, height = $4 WHERE m.id = $1 AND m.status = 'pending' RETURNING ${MEDIA_COLUMNS}`
          : `UPDATE media m SET status = 'failed' WHERE m.id = $1 AND m.status = 'pending' RETURNING ${MEDIA_COLUMNS}`,
        outcome.status === 'ready' ? [id, outcome.url, outcome.width, outcome.height] : [id],
      );
      if (updated) return updated;
      // Settled by someone else first: their outcome stands.
      const [current] = await select(`SELECT ${MEDIA_COLUMNS} FROM media m WHERE m.id = $1`, [id]);
      return current;
    },
    // SKIP LOCKED: rows another replica is claiming this instant are left to it.
    claimPending: ({ since, claimedBefore, at }, limit) =>
      select(
        `WITH claimed AS (
           UPDATE media m SET claimed_at = $3
            WHERE m.id IN (
              SELECT p.id FROM media p
               WHERE p.status = 'pending' AND p.created_at >= $1 AND (p.claimed_at IS NULL OR p.claimed_at <= $2)
               ORDER BY p.claimed_at NULLS FIRST, p.created_at
               LIMIT $4
               FOR UPDATE SKIP LOCKED)
           RETURNING ${MEDIA_COLUMNS})
         SELECT m.* FROM claimed m ORDER BY m.created_at`,
        [since, claimedBefore, at, limit],
      ),
    async markAvatar(id) {
      await pool.query('UPDATE media SET avatar = true WHERE id = $1', [id]);
    },
    listRemovable: (before, limit) =>
      select(
        `(SELECT ${MEDIA_COLUMNS} FROM media m WHERE m.tweet_id IS NULL AND NOT m.avatar AND m.created_at < $1 LIMIT $2)
         UNION ALL
         (SELECT ${MEDIA_COLUMNS} FROM media m JOIN tweets t ON t.id = m.tweet_id WHERE t.deleted_at IS NOT NULL AND NOT m.avatar LIMIT $2)
         LIMIT $2`,
        [before, limit],
      ),
    async deleteMedia(ids) {
      await pool.query('DELETE FROM media WHERE id = ANY($1::bigint[])', [ids]);
    },
  };
}
