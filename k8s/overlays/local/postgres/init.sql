-- One database per service that owns data in Postgres; no service reads another's tables.
-- scripts/stack.sh creates the same databases for the stack without Docker.
CREATE DATABASE chirp_user OWNER chirp;
CREATE DATABASE chirp_tweet OWNER chirp;
CREATE DATABASE chirp_notification OWNER chirp;
