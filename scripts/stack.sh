#!/usr/bin/env bash
# The real local stack: PostgreSQL, Redis, Cassandra 5.0 and the SNS/SQS emulator,
# on ports the project owns, with all data, logs and pids under .stack/ (git-ignored).
#   scripts/stack.sh up      start what is not running, wait until each answers (idempotent)
#   scripts/stack.sh down    stop what this script started, and nothing else
#   scripts/stack.sh status  what runs
#   scripts/stack.sh env     the connection variables, as `export` lines
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="${CHIRP_STACK_DIR:-$ROOT/.stack}"
PG_PORT="${CHIRP_PG_PORT:-15432}"
REDIS_PORT="${CHIRP_REDIS_PORT:-16379}"
CASSANDRA_PORT="${CHIRP_CASSANDRA_PORT:-19042}"
SQS_PORT="${CHIRP_SQS_PORT:-14566}"
PG_BIN="${CHIRP_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

log() { printf 'stack: %s\n' "$*" >&2; }
fail() { printf 'stack: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # name seconds command...
  local name=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}
# Runs a command as the postgres user when we are root (initdb and postgres refuse root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pid_alive() { [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null; }

# Where postgres keeps its files. As root, initdb and the server run as the postgres user, who
# must be able to reach them; a clone in root's home or in a `mktemp -d` folder (0700) is out of
# its reach. Then the files go under the postgres user's home, one folder per stack, and
# $STACK/postgres is a link to it (deliberately: no permission of the clone's folders changes).
pg_dir() {
  local dir="$STACK/postgres"
  if [ -L "$dir" ]; then readlink -f "$dir"; return; fi
  if [ "$(id -u)" != 0 ] || [ -f "$dir/data/PG_VERSION" ] || runuser -u postgres -- test -x "$STACK" 2>/dev/null; then
    echo "$dir"
    return
  fi
  local home; home=$(getent passwd postgres | cut -d: -f6)
  [ -n "$home" ] && [ -d "$home" ] || fail "the postgres user cannot reach $STACK (a parent folder is not searchable by it) and has no home folder to use instead; set CHIRP_STACK_DIR to a folder it can reach"
  local target; target="$home/chirp-stacks/$(printf '%s' "$STACK" | sha256sum | cut -c1-16)"
  mkdir -p "$target"
  chown postgres:postgres "$home/chirp-stacks" "$target"
  ln -s "$target" "$dir"
  log "the postgres user cannot reach $STACK (a parent folder is not searchable by it): postgres data is in $target, linked from $dir"
  echo "$target"
}

postgres_up() {
  local dir
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || fail "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin); run 'make system-deps' or set CHIRP_PG_BIN"
  if port_open "$PG_PORT"; then log "postgres already answers on $PG_PORT"; return; fi
  dir=$(pg_dir)
  mkdir -p "$dir/run"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising postgres in $dir/data"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      fail "initdb failed; see $dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir/run'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_duration_statement = 500
CONF
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
    fail "postgres did not start; see $dir/postgres.log"
  wait_for postgres 30 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" || fail "postgres is not ready; see $dir/postgres.log"
  psql_admin -tc "SELECT 1 FROM pg_roles WHERE rolname='chirp'" | grep -q 1 ||
    psql_admin -c "CREATE ROLE chirp LOGIN SUPERUSER PASSWORD 'chirp'" >/dev/null
  for db in chirp chirp_user chirp_tweet chirp_notification; do
    psql_admin -tc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 || psql_admin -c "CREATE DATABASE $db OWNER chirp" >/dev/null
  done
  log "postgres ready on 127.0.0.1:$PG_PORT (log: $dir/postgres.log)"
}
psql_admin() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }
postgres_down() {
  [ -e "$STACK/postgres" ] || return 0
  local dir; dir=$(pg_dir)
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null && log "postgres stopped"
}

redis_up() {
  local dir="$STACK/redis"
  command -v redis-server >/dev/null || fail "redis-server not found; run 'make system-deps' (Debian: apt-get install redis-server)"
  if port_open "$REDIS_PORT"; then log "redis already answers on $REDIS_PORT"; return; fi
  mkdir -p "$dir"
  # No persistence: Redis is a cache here, and tests flush it.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no --maxmemory 512mb --maxmemory-policy allkeys-lru ||
    fail "redis did not start; see $dir/redis.log"
  wait_for redis 15 redis-cli -p "$REDIS_PORT" ping || fail "redis is not answering; see $dir/redis.log"
  log "redis ready on 127.0.0.1:$REDIS_PORT (log: $dir/redis.log)"
}
redis_down() {
  local pidfile="$STACK/redis/redis.pid"
  pid_alive "$pidfile" || return 0
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$pidfile")"
  log "redis stopped"
}

sqs_up() {
  local dir="$STACK/fauxqs"
  [ -f "$ROOT/node_modules/fauxqs/dist/app.js" ] || fail "fauxqs is not installed; run 'pnpm install' first (make setup does)"
  if ! port_open "$SQS_PORT"; then
    mkdir -p "$dir/data"
    # scripts/fauxqs.ts: the topology exists before the emulator answers, and state persists in
    # $dir/data, so a restarted emulator keeps its messages and never takes a publish to a topic
    # without its subscriptions.
    FAUXQS_PORT="$SQS_PORT" FAUXQS_HOST=localhost FAUXQS_DATA_DIR="$dir/data" \
      nohup node "$ROOT/scripts/fauxqs.ts" >"$dir/fauxqs.log" 2>&1 &
    echo $! >"$dir/fauxqs.pid"
    wait_for fauxqs 30 curl -fsS "http://127.0.0.1:$SQS_PORT/health" || fail "the SNS/SQS emulator did not start; see $dir/fauxqs.log"
    log "SNS/SQS emulator ready on 127.0.0.1:$SQS_PORT (log: $dir/fauxqs.log)"
  else
    log "SNS/SQS emulator already answers on $SQS_PORT"
  fi
  # The one topology declaration (packages/common/src/messaging-topology.ts), applied idempotently.
  AWS_ENDPOINT_URL="http://127.0.0.1:$SQS_PORT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test node "$ROOT/scripts/provision-messaging.ts" --env >"$STACK/messaging.env" ||
    fail "could not create topics and queues on the emulator; see $dir/fauxqs.log"
}
sqs_down() {
  local pidfile="$STACK/fauxqs/fauxqs.pid"
  pid_alive "$pidfile" || return 0
  local pid; pid=$(cat "$pidfile")
  # Only our own emulator: the pid must still be the fauxqs process we started.
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq 'fauxqs/dist/cli.js|scripts/fauxqs.ts'; then kill "$pid"; log "SNS/SQS emulator stopped"; fi
  rm -f "$pidfile"
}

cassandra_up() { "$ROOT/stack/cassandra/start.sh" "$STACK" "$CASSANDRA_PORT"; }
cassandra_down() { "$ROOT/stack/cassandra/stop.sh" "$STACK"; }

print_env() {
  cat <<ENV
export DATABASE_URL=postgres://chirp:chirp@127.0.0.1:$PG_PORT/chirp
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export CASSANDRA_CONTACT_POINTS=127.0.0.1:$CASSANDRA_PORT
export CASSANDRA_LOCAL_DC=datacenter1
export AWS_ENDPOINT_URL=http://127.0.0.1:$SQS_PORT
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
ENV
  # Topic ARNs and queue URLs, as the last provisioning found them.
  if [ -f "$STACK/messaging.env" ]; then cat "$STACK/messaging.env"; fi
}

case "${1:-}" in
  up)
    mkdir -p "$STACK"
    only="${*:2}"
    only="${only:-postgres redis sqs cassandra}"
    for part in $only; do "${part}_up"; done
    print_env >"$STACK/env"
    log "connection variables: $STACK/env"
    ;;
  down)
    only="${*:2}"
    for part in ${only:-cassandra sqs redis postgres}; do "${part}_down"; done
    ;;
  status)
    for entry in "postgres $PG_PORT" "redis $REDIS_PORT" "cassandra $CASSANDRA_PORT" "sqs $SQS_PORT"; do
      set -- $entry
      if port_open "$2"; then echo "$1: up on $2"; else echo "$1: down"; fi
    done
    ;;
  env) print_env ;;
  *) echo "usage: $0 up [parts] | down [parts] | status | env   (parts: postgres redis sqs cassandra)" >&2; exit 2 ;;
esac
