-- Events written in the same transaction as the change they describe; the relay publishes them.
CREATE TABLE IF NOT EXISTS outbox (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id    text        NOT NULL UNIQUE,
  topic       text        NOT NULL,
  type        text        NOT NULL,
  version     integer     NOT NULL,
  occurred_at timestamptz NOT NULL,
  payload     jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
-- Serves the relay's "oldest pending first" scan and stays small: sent rows leave it.
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (position) WHERE sent_at IS NULL;
-- Serves pruning of rows sent long ago.
CREATE INDEX IF NOT EXISTS outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
