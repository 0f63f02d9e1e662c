#!/usr/bin/env bash
# Runs the four services on the local stack, each in the background with its log and
# pid under .stack/services/, and a Prometheus (Debian's package) scraping them with the alert
# rules of k8s/components/monitoring, its data and log under .stack/prometheus/.
#   scripts/dev.sh up [services]   start the stack and every service not already running (and, when
#                                  no service is named, Prometheus); print the gateway and Prometheus URLs
#   scripts/dev.sh down            stop the services and Prometheus this script started, then the stack
# A service still draining after a stop (SIGTERM) is waited for, then started again.
# CHIRP_STACK_DIR and the stack's CHIRP_*_PORT variables (scripts/stack.sh) apply, and
# CHIRP_USER_PORT, CHIRP_TWEET_PORT, CHIRP_TIMELINE_PORT, CHIRP_GATEWAY_PORT move the services,
# CHIRP_PROMETHEUS_PORT (19090) Prometheus.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="${CHIRP_STACK_DIR:-$ROOT/.stack}"
RUN="$STACK/services"
declare -A PORTS=([user]="${CHIRP_USER_PORT:-18081}" [tweet]="${CHIRP_TWEET_PORT:-18082}" [timeline]="${CHIRP_TIMELINE_PORT:-18083}" [notification]="${CHIRP_NOTIFICATION_PORT:-18084}" [gateway]="${CHIRP_GATEWAY_PORT:-18080}")
ORDER=(user tweet timeline notification gateway)
PROMETHEUS_PORT="${CHIRP_PROMETHEUS_PORT:-19090}"
PROM="$STACK/prometheus"
# The stack's servers each service needs.
declare -A NEEDS=([user]="postgres sqs" [tweet]="postgres redis sqs" [timeline]="cassandra redis sqs" [notification]="postgres redis sqs" [gateway]="redis")

service_env() {
  local svc=$1
  # shellcheck disable=SC1091
  source "$STACK/env"
  export PORT="${PORTS[$svc]}" HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}"
  case $svc in
    # Each data-owning service gets its own database on the stack's server.
    user | tweet | notification) export DATABASE_URL="${DATABASE_URL%/*}/chirp_$svc" ;;&
    user)
      export JWT_KEYS_DIR="$STACK/jwt-keys" JWT_ACTIVE_KID=dev-1
      export USER_EVENTS_TOPIC_ARN="$TOPIC_ARN_CHIRP_USER_EVENTS" EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_USER" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_USER"
      ;;
    tweet)
      export TWEET_EVENTS_TOPIC_ARN="$TOPIC_ARN_CHIRP_TWEET_EVENTS" EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_TWEET" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_TWEET"
      ;;
    timeline)
      export CASSANDRA_KEYSPACE=chirp_timeline TWEET_SERVICE_URL="http://127.0.0.1:${PORTS[tweet]}"
      export EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_TIMELINE" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_TIMELINE"
      ;;
    notification)
      export USER_SERVICE_URL="http://127.0.0.1:${PORTS[user]}" TWEET_SERVICE_URL="http://127.0.0.1:${PORTS[tweet]}"
      export EVENTS_QUEUE_URL="$QUEUE_URL_CHIRP_NOTIFICATION" EVENTS_DLQ_URL="$DLQ_URL_CHIRP_NOTIFICATION"
      ;;
    gateway)
      export USER_SERVICE_URL="http://127.0.0.1:${PORTS[user]}" TWEET_SERVICE_URL="http://127.0.0.1:${PORTS[tweet]}"
      export TIMELINE_SERVICE_URL="http://127.0.0.1:${PORTS[timeline]}" NOTIFICATION_SERVICE_URL="http://127.0.0.1:${PORTS[notification]}"
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
  local dir="$STACK/jwt-keys"
  [ -f "$dir/dev-1.pem" ] && return 0
  mkdir -p "$dir"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/dev-1.pem" 2>/dev/null
  chmod 600 "$dir/dev-1.pem"
}

start_service() {
  local svc=$1
  ( service_env "$svc"; exec nohup node "$ROOT/services/$svc/src/main.ts" >"$RUN/$svc.log" 2>&1 ) &
  echo $! >"$RUN/$svc.pid"
}

# True while the service answers readiness with SHUTTING_DOWN: it got SIGTERM and is draining.
draining() { curl -s --max-time 2 "http://127.0.0.1:${PORTS[$1]}/readyz" 2>/dev/null | grep -q '"SHUTTING_DOWN"'; }

up() {
  local services=("$@") parts=() svc
  [ ${#services[@]} -gt 0 ] || services=("${ORDER[@]}")
  for svc in "${services[@]}"; do
    [ -n "${PORTS[$svc]:-}" ] || { echo "dev: unknown service '$svc' (services: ${ORDER[*]})" >&2; exit 2; }
    # shellcheck disable=SC2206
    parts+=(${NEEDS[$svc]})
  done
  # shellcheck disable=SC2046
  "$ROOT/scripts/stack.sh" up $(printf '%s\n' "${parts[@]}" | sort -u)
  dev_signing_key
  mkdir -p "$RUN"
  for svc in "${services[@]}"; do
    if ! ours "$RUN/$svc.pid"; then start_service "$svc"
    elif draining "$svc"; then echo "dev: $svc (pid $(cat "$RUN/$svc.pid")) is draining after a stop; it starts again once that process has exited"
    else echo "dev: $svc already running (pid $(cat "$RUN/$svc.pid"))"
    fi
  done
  for svc in "${services[@]}"; do
    local url="http://127.0.0.1:${PORTS[$svc]}/readyz" pid deadline restarted=0
    pid=$(cat "$RUN/$svc.pid")
    # A draining process exits within its drain delay plus SHUTDOWN_TIMEOUT_MS (25 s by default).
    deadline=$((SECONDS + 90))
    until curl -fsS --max-time 2 "$url" >/dev/null 2>&1; do
      if ! ours "$RUN/$svc.pid"; then
        # The process we found was on its way out (or just failed): start it once more.
        if [ $restarted = 1 ]; then
          echo "dev: $svc exited while starting; last lines of $RUN/$svc.log:" >&2
          tail -n 20 "$RUN/$svc.log" >&2
          exit 1
        fi
        echo "dev: $svc (pid $pid) has exited; starting it again"
        start_service "$svc"
        pid=$(cat "$RUN/$svc.pid") restarted=1 deadline=$((SECONDS + 60))
      fi
      if [ $SECONDS -gt $deadline ]; then
        echo "dev: $svc did not become ready at $url; last lines of $RUN/$svc.log:" >&2
        tail -n 20 "$RUN/$svc.log" >&2
        exit 1
      fi
      sleep 0.3
    done
    echo "dev: $svc ready on http://127.0.0.1:${PORTS[$svc]} (log: $RUN/$svc.log)"
  done
  [ $# -gt 0 ] || prometheus_up
  echo
  if [[ " ${services[*]} " == *" gateway "* ]]; then echo "Chirp is running. Gateway: http://127.0.0.1:${PORTS[gateway]}"; fi
  if prometheus_ours; then echo "Prometheus (every service, Chirp's alert rules): http://127.0.0.1:$PROMETHEUS_PORT"; fi
}

prometheus_ours() {
  [ -f "$PROM/prometheus.pid" ] || return 1
  local pid; pid=$(cat "$PROM/prometheus.pid")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--config.file=$PROM/prometheus.yml"
}

# The jobs are named as the services; in Kubernetes the PodMonitor names the timeline's two
# Deployments timeline-api and timeline-consumer, which the dashboards and rules match alike.
prometheus_up() {
  command -v prometheus >/dev/null || { echo "dev: prometheus is missing; run scripts/system-deps.sh" >&2; exit 1; }
  mkdir -p "$PROM"
  node "$ROOT/scripts/prometheus-rules.ts" "$PROM/rules.yaml"
  {
    echo "global: { scrape_interval: 5s, evaluation_interval: 5s }"
    echo "rule_files: [rules.yaml]"
    echo "scrape_configs:"
    for svc in "${ORDER[@]}"; do
      echo "  - { job_name: $svc, static_configs: [{ targets: ['127.0.0.1:${PORTS[$svc]}'] }] }"
    done
  } >"$PROM/prometheus.yml"
  if prometheus_ours; then
    kill -HUP "$(cat "$PROM/prometheus.pid")" # reloads the configuration and the rules
    echo "dev: prometheus already running (pid $(cat "$PROM/prometheus.pid")); configuration reloaded"
    return 0
  fi
  nohup prometheus --config.file="$PROM/prometheus.yml" --storage.tsdb.path="$PROM/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" >"$PROM/prometheus.log" 2>&1 &
  echo $! >"$PROM/prometheus.pid"
  local deadline=$((SECONDS + 30))
  until curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null 2>&1; do
    if ! prometheus_ours || [ $SECONDS -gt $deadline ]; then
      echo "dev: prometheus did not become ready on port $PROMETHEUS_PORT (CHIRP_PROMETHEUS_PORT moves it); last lines of $PROM/prometheus.log:" >&2
      tail -n 20 "$PROM/prometheus.log" >&2
      exit 1
    fi
    sleep 0.3
  done
  echo "dev: prometheus ready on http://127.0.0.1:$PROMETHEUS_PORT (log: $PROM/prometheus.log)"
}

prometheus_down() {
  if prometheus_ours; then
    local pid; pid=$(cat "$PROM/prometheus.pid")
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "dev: prometheus stopped"
  fi
  rm -f "$PROM/prometheus.pid"
}

down() {
  prometheus_down
  for svc in gateway notification timeline tweet user; do
    local pidfile="$RUN/$svc.pid"
    if ours "$pidfile"; then
      local pid; pid=$(cat "$pidfile")
      kill -TERM "$pid"
      # Its drain delay plus SHUTDOWN_TIMEOUT_MS at most.
      for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "dev: $svc stopped"
    fi
    rm -f "$pidfile"
  done
  "$ROOT/scripts/stack.sh" down
}

case "${1:-}" in
  up) up "${@:2}" ;;
  down) down ;;
  prometheus) prometheus_up ;;
  *) echo "usage: $0 up [user tweet timeline notification gateway] | down | prometheus" >&2; exit 2 ;;
esac
