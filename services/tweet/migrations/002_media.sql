-- Media uploaded straight to the bucket (the service never sees the bytes on the way in), and
-- each tweet's copy of what it attached: attached media never changes, so the copy rides in the
-- tweet's row and cache entry and a read needs no second lookup.

ALTER TABLE tweets ADD COLUMN media jsonb NOT NULL DEFAULT '[]';

CREATE TABLE media (
  id            bigint      PRIMARY KEY,
  owner_id      bigint      NOT NULL,
  content_type  text        NOT NULL,
  -- As declared; a ready media's object has exactly this many bytes.
  size          integer     NOT NULL CHECK (size > 0),
  status        text        NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
  object_key    text        NOT NULL UNIQUE,
  url           text,
  width         integer,
  height        integer,
  created_at    timestamptz NOT NULL,
  tweet_id      bigint      REFERENCES tweets (id),
  avatar        boolean     NOT NULL DEFAULT false,
  CHECK ((status = 'ready') = (url IS NOT NULL AND width IS NOT NULL AND height IS NOT NULL)),
  -- Only a ready media is ever attached.
  CHECK (tweet_id IS NULL OR status = 'ready')
);
-- The verification poller: pending uploads, oldest first.
CREATE INDEX media_pending ON media (created_at) WHERE status = 'pending';
-- The sweep: media never attached nor an avatar, by age.
CREATE INDEX media_unattached ON media (created_at) WHERE tweet_id IS NULL AND NOT avatar;
-- A deleted tweet's media.
CREATE INDEX media_by_tweet ON media (tweet_id) WHERE tweet_id IS NOT NULL;
