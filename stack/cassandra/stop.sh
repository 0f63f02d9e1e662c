#!/usr/bin/env bash
# Stop the dev Cassandra started by start.sh, idempotently.
#
#   stack/cassandra/stop.sh <root-data-dir>
#
# Only signals the pid in <root>/cassandra/cassandra.pid, and only if it is
# still a java process running CassandraDaemon on <root>/cassandra/storage.
# SIGTERM (Cassandra drains on shutdown), then SIGKILL after
# CASSANDRA_STOP_TIMEOUT seconds (default 30).
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 <root-data-dir>" >&2; exit 2; }

if [[ ! -d $1 ]]; then
  echo "cassandra not running (no $1)"
  exit 0
fi
root=$(cd "$1" && pwd)
home=$root/cassandra
storage=$home/storage
pidfile=$home/cassandra.pid
stop_timeout=${CASSANDRA_STOP_TIMEOUT:-30}

# shellcheck source=process.sh
source "$(dirname "${BASH_SOURCE[0]}")/process.sh"

# True while <pid> exists and is not a zombie. (While a JVM exits, its
# cmdline is already empty, so is_our_cassandra can't be used for this.)
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# Waits up to <seconds> for <pid> to exit; true if it did.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

if [[ ! -f $pidfile ]]; then
  echo "cassandra not running (no pidfile $pidfile)"
  exit 0
fi
pid=$(<"$pidfile")
if ! is_our_cassandra "$pid" "$storage"; then
  echo "cassandra not running (stale pidfile, pid '$pid' is not our CassandraDaemon); removing it"
  rm -f "$pidfile"
  exit 0
fi

echo "stopping cassandra (pid $pid)..."
kill -TERM "$pid" 2>/dev/null || true
if ! wait_gone "$pid" "$stop_timeout"; then
  echo "cassandra (pid $pid) still running after ${stop_timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || { echo "ERROR: cassandra (pid $pid) survived SIGKILL" >&2; exit 1; }
fi
rm -f "$pidfile"
echo "cassandra stopped"
