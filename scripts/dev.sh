#!/usr/bin/env bash
# Runs the four services on the local stack, each in the background with its log and
# pid under .stack/services/.
#   scripts/dev.sh up     start the stack and every service not already running; print the gateway URL
#   scripts/dev.sh down   stop the services this script started, then the stack
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/.stack/services"
declare -A PORTS=([user]=18081 [tweet]=18082 [timeline]=18083 [gateway]=18080)
ORDER=(user tweet timeline gateway)

service_env() {
  local svc=$1
  # shellcheck disable=SC1091
  source "$ROOT/.stack/env"
  export PORT="${PORTS[$svc]}" HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}"
  case $svc in
    # Each data-owning service gets its own database on the stack's server.
    user | tweet) export DATABASE_URL="${DATABASE_URL%/*}/chirp_$svc" ;;&
    user)
      export JWT_KEYS_DIR="$ROOT/.stack/jwt-keys" JWT_ACTIVE_KID=dev-1
      export USER_EVENTS_TOPIC_ARN="$TOPIC_ARN_CHIRP_USER_EVENTS" EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_USER" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_USER"
      ;;
    tweet)
      export TWEET_EVENTS_TOPIC_ARN="$TOPIC_ARN_CHIRP_TWEET_EVENTS" EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_TWEET" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_TWEET"
      ;;
    timeline)
      export CASSANDRA_KEYSPACE=chirp_timeline TWEET_SERVICE_URL="http://127.0.0.1:${PORTS[tweet]}"
      export EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_TIMELINE" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_TIMELINE"
      ;;
    gateway)
      export USER_SERVICE_URL="http://127.0.0.1:${PORTS[user]}" TWEET_SERVICE_URL="http://127.0.0.1:${PORTS[tweet]}"
      export TIMELINE_SERVICE_URL="http://127.0.0.1:${PORTS[timeline]}"
      ;;
  esac
}

ours() { # pidfile: true when it names a live node process running this repo's service
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$ROOT/services/"
}

# A signing key for access tokens on this machine only; in Kubernetes it comes from a Secret.
dev_signing_key() {
  local dir="$ROOT/.stack/jwt-keys"
  [ -f "$dir/dev-1.pem" ] && return 0
  mkdir -p "$dir"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/dev-1.pem" 2>/dev/null
  chmod 600 "$dir/dev-1.pem"
}

up() {
  "$ROOT/scripts/stack.sh" up
  dev_signing_key
  mkdir -p "$RUN"
  for svc in "${ORDER[@]}"; do
    if ours "$RUN/$svc.pid"; then echo "dev: $svc already running (pid $(cat "$RUN/$svc.pid"))"; continue; fi
    ( service_env "$svc"; exec nohup node "$ROOT/services/$svc/src/main.ts" >"$RUN/$svc.log" 2>&1 ) &
    echo $! >"$RUN/$svc.pid"
  done
  for svc in "${ORDER[@]}"; do
    local url="http://127.0.0.1:${PORTS[$svc]}/readyz" deadline=$((SECONDS + 30))
    until curl -fsS "$url" >/dev/null 2>&1; do
      if ! ours "$RUN/$svc.pid" || [ $SECONDS -gt $deadline ]; then
        echo "dev: $svc did not become ready at $url; last lines of $RUN/$svc.log:" >&2
        tail -n 20 "$RUN/$svc.log" >&2
        exit 1
      fi
      sleep 0.3
    done
    echo "dev: $svc ready on http://127.0.0.1:${PORTS[$svc]} (log: $RUN/$svc.log)"
  done
  echo
  echo "Chirp is running. Gateway: http://127.0.0.1:${PORTS[gateway]}"
}

down() {
  for svc in gateway timeline tweet user; do
    local pidfile="$RUN/$svc.pid"
    if ours "$pidfile"; then
      local pid; pid=$(cat "$pidfile")
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "dev: $svc stopped"
    fi
    rm -f "$pidfile"
  done
  "$ROOT/scripts/stack.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up | down" >&2; exit 2 ;;
esac
