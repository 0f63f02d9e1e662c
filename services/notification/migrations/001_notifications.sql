-- Notifications, the read marks, deleted tweets, and the users this service learns from user events.

-- One row per act that notifies one user. (recipient, type, actor, tweet) is the act's identity:
-- the same act again (a like after an unlike, a redelivered event) conflicts and adds nothing.
-- Follows have no tweet; NULLS NOT DISTINCT makes their NULLs equal for the uniqueness.
CREATE TABLE notifications (
  id            bigint      PRIMARY KEY,
  recipient_id  bigint      NOT NULL,
  type          text        NOT NULL CHECK (type IN ('follow', 'mention', 'reply', 'like')),
  actor_id      bigint      NOT NULL,
  tweet_id      bigint,
  created_at    timestamptz NOT NULL,
  CONSTRAINT notifications_one_per_act UNIQUE NULLS NOT DISTINCT (recipient_id, type, actor_id, tweet_id)
);
-- Pages newest first, replay oldest first, and the unread count (ids above the read mark): each a range of this index.
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
-- Pages of some types only: one range per type, merged (never a scan of the other types).
CREATE INDEX notifications_by_recipient_type ON notifications (recipient_id, type, id);
-- A deleted tweet's notifications.
CREATE INDEX notifications_by_tweet ON notifications (tweet_id) WHERE tweet_id IS NOT NULL;

-- Everything with an id up to read_up_to is read: one row per user who ever read, never a write per notification.
CREATE TABLE notification_reads (
  recipient_id  bigint PRIMARY KEY,
  read_up_to    bigint NOT NULL
);

-- Tweets deleted: an act on one that arrives later (a redelivered create or like) notifies no one.
CREATE TABLE deleted_tweets (
  tweet_id    bigint      PRIMARY KEY,
  deleted_at  timestamptz NOT NULL
);

-- Users as the user events describe them; the highest profile_version wins, so late events change nothing.
CREATE TABLE known_users (
  id               bigint      PRIMARY KEY,
  handle           text        NOT NULL,
  display_name     text        NOT NULL,
  profile_version  integer     NOT NULL,
  registered_at    timestamptz
);
-- Mentions resolve handles without case, as the user service compares them.
CREATE INDEX known_users_by_handle ON known_users (lower(handle));

-- Mentions of a handle no user event had named yet, waiting (an hour at most) for the registration.
CREATE TABLE held_mentions (
  handle_key  text        NOT NULL,
  tweet_id    bigint      NOT NULL,
  actor_id    bigint      NOT NULL,
  handle      text        NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (handle_key, tweet_id)
);
CREATE INDEX held_mentions_by_time ON held_mentions (at);
