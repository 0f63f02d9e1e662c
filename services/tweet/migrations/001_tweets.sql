-- Tweets, likes, idempotency keys, and the authors this service learns from user events.

-- Users as the user events describe them; the highest profile_version wins, so late events change nothing.
-- A tweet posted before its author's user.registered arrived adds a stand-in (version 0: the handle
-- from the caller's token as display name too), which the first event replaces.
CREATE TABLE authors (
  id               bigint  PRIMARY KEY,
  handle           text    NOT NULL,
  display_name     text    NOT NULL,
  profile_version  integer NOT NULL
);

CREATE TABLE tweets (
  id           bigint      PRIMARY KEY,
  author_id    bigint      NOT NULL,
  text         text        NOT NULL,
  created_at   timestamptz NOT NULL,
  -- Tweets are only ever soft-deleted, so a reply's parent row always exists.
  reply_to_id  bigint      REFERENCES tweets (id),
  hashtags     text[]      NOT NULL DEFAULT '{}',
  mentions     text[]      NOT NULL DEFAULT '{}',
  like_count   bigint      NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  reply_count  bigint      NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  deleted_at   timestamptz,
  -- Rises with every change to the row (counts, deletion), so a cache entry is only ever replaced by a newer one.
  version      bigint      NOT NULL DEFAULT 1,
  -- The words search finds the tweet by, as lexemes exactly as the service splits them (searchTermsOf:
  -- whole words, lower-cased, no stemming, no stop words). The service writes it, rather than
  -- Postgres's parser, so tweets and queries are split by one rule ('node.js', 'नमस्ते', NFD text).
  words        tsvector    NOT NULL DEFAULT ''
);
-- Every index leaves deleted tweets out, so no read path can return one.
-- The user timeline, newest first: one range scan per page.
CREATE INDEX tweets_by_author ON tweets (author_id, id DESC) WHERE deleted_at IS NULL;
-- A tweet's replies, oldest first.
CREATE INDEX tweets_replies ON tweets (reply_to_id, id) WHERE reply_to_id IS NOT NULL AND deleted_at IS NULL;
-- Search: whole words and hashtags.
CREATE INDEX tweets_words ON tweets USING gin (words) WHERE deleted_at IS NULL;
CREATE INDEX tweets_hashtags ON tweets USING gin (hashtags) WHERE deleted_at IS NULL;

CREATE TABLE likes (
  tweet_id    bigint      NOT NULL REFERENCES tweets (id),
  user_id     bigint      NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tweet_id, user_id)
);
-- likedByMe for a page of tweets: one probe per tweet of the caller's likes.
CREATE INDEX likes_by_user ON likes (user_id, tweet_id);

-- The first tweet an Idempotency-Key created, per author; rows older than the window are pruned.
CREATE TABLE idempotency_keys (
  author_id   bigint      NOT NULL,
  key         text        NOT NULL,
  -- Deferred: the key is claimed first (a racing request waits on it), then the tweet is inserted.
  tweet_id    bigint      NOT NULL REFERENCES tweets (id) DEFERRABLE INITIALLY DEFERRED,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (author_id, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

