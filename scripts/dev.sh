#!/usr/bin/env bash
# Runs the services on the local stack, each in the background with its log and pid under
# .stack/services/, a Prometheus (Debian's package) scraping them with the alert rules of
# k8s/components/monitoring, its data and log under .stack/prometheus/, and a Jaeger (built by
# scripts/jaeger.sh) the services send their traces to, its configuration and log under .stack/jaeger/.
#   scripts/dev.sh up [services]   start the stack and every service not already running (and, when
#                                  no service is named, Jaeger and Prometheus); print their URLs
#   scripts/dev.sh down            stop the services, Jaeger and Prometheus this script started, then the stack
#   scripts/dev.sh jaeger | prometheus   start (or, for Prometheus, reconfigure) that one alone
# While our Jaeger runs, every service is started traced (`--import @chirp/common/tracing`, OTLP to it).
# A service still draining after a stop (SIGTERM) is waited for, then started again.
# CHIRP_STACK_DIR and the stack's CHIRP_*_PORT variables (scripts/stack.sh) apply, and
# CHIRP_USER_PORT, CHIRP_TWEET_PORT, CHIRP_TIMELINE_PORT, CHIRP_GATEWAY_PORT move the services,
# CHIRP_PROMETHEUS_PORT (19090) Prometheus, CHIRP_JAEGER_PORT (19686, UI and query API),
# CHIRP_OTLP_PORT (19318, OTLP over HTTP) and CHIRP_JAEGER_GRPC_PORT (19685, query over gRPC) Jaeger.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="${CHIRP_STACK_DIR:-$ROOT/.stack}"
RUN="$STACK/services"
declare -A PORTS=([user]="${CHIRP_USER_PORT:-18081}" [tweet]="${CHIRP_TWEET_PORT:-18082}" [timeline]="${CHIRP_TIMELINE_PORT:-18083}" [notification]="${CHIRP_NOTIFICATION_PORT:-18084}" [gateway]="${CHIRP_GATEWAY_PORT:-18080}")
ORDER=(user tweet timeline notification gateway)
PROMETHEUS_PORT="${CHIRP_PROMETHEUS_PORT:-19090}"
PROM="$STACK/prometheus"
JAEGER_PORT="${CHIRP_JAEGER_PORT:-19686}"
OTLP_PORT="${CHIRP_OTLP_PORT:-19318}"
JAEGER_GRPC_PORT="${CHIRP_JAEGER_GRPC_PORT:-19685}"
JAEGER="$STACK/jaeger"
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
  (
    service_env "$svc"
    if jaeger_ours; then
      cd "$ROOT" # where `@chirp/common` resolves
      export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--import @chirp/common/tracing" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT"
    fi
    exec nohup node "$ROOT/services/$svc/src/main.ts" >"$RUN/$svc.log" 2>&1
  ) &
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
  [ $# -gt 0 ] || jaeger_up
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
  if jaeger_ours; then echo "Jaeger (traces of every service started with it): http://127.0.0.1:$JAEGER_PORT/api/traces?service=gateway&limit=20"; fi
}

# A helper server this script started (Jaeger, Prometheus): its pid file names a live process
# whose command line has `mark`.
server_ours() { # pidfile mark
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}
jaeger_ours() { server_ours "$JAEGER/jaeger.pid" "file:$JAEGER/jaeger.yaml"; }
prometheus_ours() { server_ours "$PROM/prometheus.pid" "--config.file=$PROM/prometheus.yml"; }

# Waits until `url` answers while the server is ours; else shows the end of its log and fails.
await_server() { # name url seconds ours-function log hint
  local name=$1 url=$2 deadline=$((SECONDS + $3)) ours=$4 log=$5 hint=$6
  until curl -fsS "$url" >/dev/null 2>&1; do
    if ! "$ours" || [ $SECONDS -gt $deadline ]; then
      echo "dev: $name did not become ready at $url ($hint); last lines of $log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
    sleep 0.3
  done
}

stop_server() { # name pidfile ours-function
  if "$3"; then
    local pid; pid=$(cat "$2")
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "dev: $1 stopped"
  fi
  rm -f "$2"
}

# Jaeger v2's all-in-one binary: OTLP over HTTP in, the UI and query API out, the newest traces in memory.
jaeger_up() {
  if jaeger_ours; then
    echo "dev: jaeger already running (pid $(cat "$JAEGER/jaeger.pid"))"
    return 0
  fi
  local binary; binary=$("$ROOT/scripts/jaeger.sh" path)
  mkdir -p "$JAEGER"
  cat >"$JAEGER/jaeger.yaml" <<YAML
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter] }
  telemetry: { metrics: { level: none }, logs: { level: warn } }
extensions:
  jaeger_storage: { backends: { memstore: { memory: { max_traces: 50000 } } } }
  jaeger_query:
    storage: { traces: memstore }
    http: { endpoint: "127.0.0.1:$JAEGER_PORT" }
    grpc: { endpoint: "127.0.0.1:$JAEGER_GRPC_PORT" }
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:$OTLP_PORT" } } }
processors:
  batch: {}
exporters:
  jaeger_storage_exporter: { trace_storage: memstore }
YAML
  nohup "$binary" --config "file:$JAEGER/jaeger.yaml" >"$JAEGER/jaeger.log" 2>&1 &
  echo $! >"$JAEGER/jaeger.pid"
  await_server jaeger "http://127.0.0.1:$JAEGER_PORT/api/services" 60 jaeger_ours "$JAEGER/jaeger.log" "CHIRP_JAEGER_PORT, CHIRP_OTLP_PORT and CHIRP_JAEGER_GRPC_PORT move it"
  echo "dev: jaeger ready on http://127.0.0.1:$JAEGER_PORT, OTLP on http://127.0.0.1:$OTLP_PORT (log: $JAEGER/jaeger.log)"
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
  await_server prometheus "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" 30 prometheus_ours "$PROM/prometheus.log" "CHIRP_PROMETHEUS_PORT moves it"
  echo "dev: prometheus ready on http://127.0.0.1:$PROMETHEUS_PORT (log: $PROM/prometheus.log)"
}

down() {
  stop_server prometheus "$PROM/prometheus.pid" prometheus_ours
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
  stop_server jaeger "$JAEGER/jaeger.pid" jaeger_ours
  "$ROOT/scripts/stack.sh" down
}

case "${1:-}" in
  up) up "${@:2}" ;;
  down) down ;;
  prometheus) prometheus_up ;;
  jaeger) jaeger_up ;;
  *) echo "usage: $0 up [user tweet timeline notification gateway] | down | prometheus | jaeger" >&2; exit 2 ;;
esac
