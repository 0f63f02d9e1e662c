import { type MigrationSource, OUTBOX_MIGRATIONS } from '@chirp/common/pg-migrations';

/** The outbox table first, then the tweet service's own numbered files in services/tweet/migrations. */
export const TWEET_MIGRATIONS: readonly MigrationSource[] = [
  OUTBOX_MIGRATIONS,
  { name: 'tweet', dir: new URL('../../migrations/', import.meta.url).pathname },
];
