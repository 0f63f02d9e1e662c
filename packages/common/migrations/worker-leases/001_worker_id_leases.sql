-- Which Snowflake worker id each running replica holds, so no two replicas of a service
-- issue ids with the same worker bits. A lease lapses unless its holder renews it.
CREATE TABLE worker_id_leases (
  worker_id integer PRIMARY KEY CHECK (worker_id BETWEEN 0 AND 1023),
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
