#!/usr/bin/env bash
# Start a single-node Apache Cassandra 5.0 for development, idempotently.
#
#   stack/cassandra/start.sh <root-data-dir> <native-port>
#
# Layout under <root-data-dir>/cassandra/:
#   lib/             jars fetched from Maven Central by pom.xml (first run only)
#   conf/            rendered cassandra.yaml
#   storage/         data, commitlog, saved_caches, hints, cdc_raw
#   logs/system.log  Cassandra's log
#   stdout.log       JVM stdout/stderr (WARN+ log lines, JVM errors)
#   cassandra.pid
#   timerslack_ns    the JVM's timer slack as it started (CASSANDRA_TIMER_SLACK_NS)
#
# Environment overrides:
#   CASSANDRA_STORAGE_PORT   inter-node port (default 17000)
#   CASSANDRA_JMX_PORT       loopback-only JMX port (default 17199, empty = no JMX)
#   CASSANDRA_START_TIMEOUT  seconds to wait for CQL (default 180)
#   CASSANDRA_JAVA           java binary (default: java on PATH; must be 11 or 17)
#   CASSANDRA_MAVEN_REPO     maven local repo (default: ~/.m2/repository)
#   CASSANDRA_TIMER_SLACK_NS the JVM's timer slack, applied when Cassandra starts (a running one
#                            keeps its own; stop it first). Default 1000000 (1 ms); empty: the
#                            caller's, normally the kernel's 50 µs.
#                            Cassandra's request stages share a pool whose idle workers spin
#                            before they sleep, parking 10 µs to 1 ms at a time for ~10 ms after
#                            each task; with a request every few ms they never stop, and on a
#                            small shared box those wake-ups were most of Cassandra's CPU. With
#                            1 ms of slack a park may end up to 1 ms late, so the same spin takes
#                            a few wake-ups: Cassandra's CPU per fanned-out tweet at 10/s fell by
#                            a third to a half (services/timeline/bench/cassandra-timer-slack.ts,
#                            docs/performance.md). Set it empty where Cassandra has cores to itself.
set -euo pipefail

usage() {
  echo "usage: $0 <root-data-dir> <native-port>" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
[[ $2 =~ ^[0-9]+$ ]] || usage

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
root=$(cd "$1" && pwd)
native_port=$2
storage_port=${CASSANDRA_STORAGE_PORT:-17000}
jmx_port=${CASSANDRA_JMX_PORT-17199}
start_timeout=${CASSANDRA_START_TIMEOUT:-180}
java_bin=${CASSANDRA_JAVA:-java}
timer_slack_ns=${CASSANDRA_TIMER_SLACK_NS-1000000}
[[ -z $timer_slack_ns || $timer_slack_ns =~ ^[1-9][0-9]*$ ]] || { echo "CASSANDRA_TIMER_SLACK_NS must be a positive number of nanoseconds or empty, got '$timer_slack_ns'" >&2; exit 2; }

home=$root/cassandra
lib=$home/lib
conf=$home/conf
storage=$home/storage
logs=$home/logs
pidfile=$home/cassandra.pid
slack_file=$home/timerslack_ns
stdout_log=$home/stdout.log
system_log=$logs/system.log

version=$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$script_dir/pom.xml")
[[ -n $version ]] || { echo "cannot read cassandra.version from $script_dir/pom.xml" >&2; exit 1; }

now_ms() { date +%s%3N; }
sed_escape() { printf '%s' "$1" | sed -e 's/[|&\\]/\\&/g'; }

# shellcheck source=process.sh
source "$(dirname "${BASH_SOURCE[0]}")/process.sh"

port_open() {
  # shellcheck disable=SC2016 # $1 expands in the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# A real protocol check, not just a TCP connect: send a CQL v4 OPTIONS frame
# and expect a SUPPORTED response (version byte 0x84, opcode 0x06).
cql_ready() {
  local reply bytes
  # shellcheck disable=SC2016 # $1 expands in the inner bash
  reply=$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x04\x00\x00\x00\x05\x00\x00\x00\x00" >&3
    head -c 5 <&3 | od -An -tx1
  ' _ "$1" 2>/dev/null) || return 1
  read -r -a bytes <<<"$reply"
  [[ ${#bytes[@]} -eq 5 && ${bytes[0]} == 84 && ${bytes[4]} == 06 ]]
}

running_pid() {
  local pid
  if [[ -f $pidfile ]]; then
    pid=$(<"$pidfile")
    if is_our_cassandra "$pid" "$storage"; then
      echo "$pid"
      return 0
    fi
    rm -f "$pidfile" # stale
  fi
  return 1
}

fail() {
  echo "ERROR: $1" >&2
  echo "  system log: $system_log" >&2
  echo "  stdout/err: $stdout_log" >&2
  if [[ -s $system_log ]]; then
    echo "--- last 30 lines of $system_log ---" >&2
    tail -n 30 "$system_log" >&2
  fi
  if [[ -s $stdout_log ]]; then
    echo "--- last 30 lines of $stdout_log ---" >&2
    tail -n 30 "$stdout_log" >&2
  fi
  exit 1
}

# --- already up? -------------------------------------------------------------
# Serialize concurrent start.sh calls for the same root (fd 9 is closed for the
# JVM below, so the lock is released when this script exits).
mkdir -p "$home"
exec 9>"$home/start.lock"
flock -w "$((start_timeout + 60))" 9 || { echo "ERROR: another start.sh holds $home/start.lock" >&2; exit 1; }

if cql_ready "$native_port"; then
  echo "cassandra already running on port $native_port"
  exit 0
fi

pid=$(running_pid || true)
if [[ -z $pid ]] && port_open "$native_port"; then
  echo "ERROR: port $native_port is in use by something that does not speak CQL" >&2
  exit 1
fi

# --- jars ----------------------------------------------------------------------
# ~/.m2 is used as the maven cache on purpose: .stack/ starts empty in every
# fresh clone (CI), and the machine-wide cache lets those re-fetches be local.
stamp=$lib/.fetched-$version
if [[ ! -f $stamp ]]; then
  [[ -z $pid ]] || fail "cassandra (pid $pid) runs from $lib, which lacks $version jars; stop it first"
  echo "fetching Cassandra $version jars into $lib (one-time)..."
  t0=$(now_ms)
  rm -rf "$lib"
  mkdir -p "$lib"
  mvn_args=(-B -q -f "$script_dir/pom.xml" package "-Dcassandra.lib=$lib")
  [[ -z ${CASSANDRA_MAVEN_REPO:-} ]] || mvn_args+=("-Dmaven.repo.local=$CASSANDRA_MAVEN_REPO")
  if ! mvn "${mvn_args[@]}" >"$home/mvn.log" 2>&1; then
    echo "ERROR: mvn failed to fetch Cassandra jars; last lines of $home/mvn.log:" >&2
    tail -n 30 "$home/mvn.log" >&2
    exit 1
  fi
  touch "$stamp"
  echo "fetched $(find "$lib" -name '*.jar' | wc -l) jars ($(du -sh "$lib" | cut -f1)) in $(( ($(now_ms) - t0) / 1000 ))s"
fi

# --- launch ------------------------------------------------------------------
t0=$(now_ms)
if [[ -n $pid ]]; then
  echo "cassandra is already starting (pid $pid), waiting for CQL on port $native_port..."
else
  java_major=$("$java_bin" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
  [[ $java_major == 11 || $java_major == 17 ]] ||
    fail "Cassandra 5.0 needs Java 11 or 17, but '$java_bin' is Java ${java_major:-unknown}"

  mkdir -p "$conf" "$logs" "$storage"/{data,commitlog,saved_caches,hints,cdc_raw,triggers}

  # Port placeholders are quoted in the template (so it is valid YAML); the
  # rendered file gets bare integers.
  sed -e "s|@STORAGE_DIR@|$(sed_escape "$storage")|g" \
    -e "s|\"@NATIVE_PORT@\"|$native_port|g" \
    -e "s|\"@STORAGE_PORT@\"|$storage_port|g" \
    -e "s|@STORAGE_PORT@|$storage_port|g" \
    "$script_dir/cassandra.yaml" >"$conf/cassandra.yaml.tmp"
  if grep -q '@[A-Z_]*@' "$conf/cassandra.yaml.tmp"; then
    fail "unrendered placeholder left in $conf/cassandra.yaml.tmp"
  fi
  mv "$conf/cassandra.yaml.tmp" "$conf/cassandra.yaml"

  CASSANDRA_LIB=$lib
  CASSANDRA_YAML=$conf/cassandra.yaml
  CASSANDRA_LOGBACK=$script_dir/logback.xml
  CASSANDRA_STORAGE_DIR=$storage
  CASSANDRA_LOG_DIR=$logs
  CASSANDRA_JMX_PORT=$jmx_port
  # shellcheck source=jvm-flags.sh
  source "$script_dir/jvm-flags.sh"

  # Same as cassandra-env.sh: fewer glibc arenas, noticeably lower RSS.
  export MALLOC_ARENA_MAX=4

  echo "starting cassandra $version (native port $native_port, storage port $storage_port)..."
  rm -f "$pidfile"
  cd "$home" # hs_err / heap dumps land here rather than in the caller's cwd
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach it.
  # The inner bash writes its own pid and then execs java, so the pidfile holds
  # the JVM's pid whether or not setsid had to fork.
  launcher=(setsid nohup)
  # Cassandra mlockall()s every page mapped at startup. Running as root
  # (CAP_IPC_LOCK) that succeeds and pins the whole committed heap plus all
  # mapped jars; without the capability it fails harmlessly (one WARN line)
  # against RLIMIT_MEMLOCK, and RSS stays at what is actually used.
  if [[ $EUID -eq 0 ]] && command -v setpriv >/dev/null; then
    launcher+=(setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock)
  fi
  # The timer slack is set by the inner bash on itself before it execs java, so every thread the JVM
  # makes inherits it (CASSANDRA_TIMER_SLACK_NS above). It notes what it got in $slack_file for the
  # ready line below: reading another process's slack would take CAP_SYS_NICE.
  rm -f "$slack_file"
  # shellcheck disable=SC2016 # $$, $1, $2 and $3 expand in the inner bash
  "${launcher[@]}" bash -c 'echo $$ >"$1"; [[ -z $2 ]] || echo "$2" >/proc/self/timerslack_ns || echo "could not set the timer slack to $2 ns; Cassandra keeps the inherited one" >&2; cat /proc/self/timerslack_ns >"$3"; shift 3; exec "$@"' _ "$pidfile" "$timer_slack_ns" "$slack_file" \
    "$java_bin" "${CASSANDRA_JVM_FLAGS[@]}" -cp "$lib/*" org.apache.cassandra.service.CassandraDaemon \
    >"$stdout_log" 2>&1 </dev/null 9>&- &

  for _ in $(seq 50); do
    [[ -s $pidfile ]] && break
    sleep 0.1
  done
  [[ -s $pidfile ]] || fail "cassandra did not write its pidfile $pidfile"
  pid=$(<"$pidfile")
  # The pid belongs to the wrapper bash until it has exec'ed java.
  for _ in $(seq 50); do
    is_our_cassandra "$pid" "$storage" || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
fi

# --- wait for CQL ------------------------------------------------------------
deadline=$(($(now_ms) + start_timeout * 1000))
until cql_ready "$native_port"; do
  if ! is_our_cassandra "$pid" "$storage"; then
    rm -f "$pidfile"
    fail "cassandra (pid $pid) exited during startup"
  fi
  if (($(now_ms) > deadline)); then
    "$script_dir/stop.sh" "$root" >&2 || true
    fail "cassandra (pid $pid) did not answer CQL on port $native_port within ${start_timeout}s; stopped it"
  fi
  sleep 0.5
done

elapsed_ms=$(($(now_ms) - t0))
printf 'cassandra %s ready on 127.0.0.1:%s (pid %s, timer slack %s ns) in %d.%01ds\n' \
  "$version" "$native_port" "$pid" "$(cat "$slack_file" 2>/dev/null || echo '?')" $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
