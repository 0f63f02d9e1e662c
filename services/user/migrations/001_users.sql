-- Accounts, the follow graph, login sessions and tweet tallies. The user service alone reads these.

CREATE TABLE users (
  id               bigint      PRIMARY KEY,
  handle           text        NOT NULL CHECK (handle ~ '^[A-Za-z0-9_]{3,15}$'),
  display_name     text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 50),
  bio              text        NOT NULL DEFAULT '' CHECK (char_length(bio) <= 160),
  -- PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash): the parameters travel with the hash.
  password_hash    text        NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  profile_version  integer     NOT NULL DEFAULT 1,
  followers_count  bigint      NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
  following_count  bigint      NOT NULL DEFAULT 0 CHECK (following_count >= 0),
  tweet_count      bigint      NOT NULL DEFAULT 0 CHECK (tweet_count >= 0)
);
-- Handles are unique and looked up without regard to case.
CREATE UNIQUE INDEX users_handle_key ON users (lower(handle));
-- Prefix search ("starts with") on handle and display name, case-insensitive.
CREATE INDEX users_handle_prefix ON users (lower(handle) text_pattern_ops);
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);

-- Orders every follow and unfollow: pages sort on it, and events carry it so consumers
-- can tell the later change of a pair from the earlier one.
CREATE SEQUENCE follow_changes AS bigint;

CREATE TABLE follows (
  follower_id  bigint      NOT NULL REFERENCES users (id),
  followee_id  bigint      NOT NULL REFERENCES users (id),
  sequence     bigint      NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
-- Each serves one list page by an index range scan from the cursor: no OFFSET, no COUNT.
CREATE INDEX follows_followers_page ON follows (followee_id, sequence DESC) INCLUDE (follower_id);
CREATE INDEX follows_following_page ON follows (follower_id, sequence DESC) INCLUDE (followee_id);

-- One row per login; every refresh token descends from one session.
CREATE TABLE sessions (
  id              uuid        PRIMARY KEY,
  user_id         bigint      NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  revoked_reason  text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes; they are 256-bit random, so a fast hash suffices.
CREATE TABLE refresh_tokens (
  token_hash  bytea       PRIMARY KEY,
  session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  spent_at    timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- What the tweet events said about each tweet, so tweet counts survive duplicate and
-- out-of-order delivery: a tweet counts while created and not deleted.
CREATE TABLE tweet_tallies (
  tweet_id   bigint  PRIMARY KEY,
  author_id  bigint  NOT NULL,
  created    boolean NOT NULL DEFAULT false,
  deleted    boolean NOT NULL DEFAULT false
);
