# shellcheck shell=bash
# Sourced by start.sh and stop.sh: how to tell our Cassandra JVM from any other process.

# True if <pid> is a live java process running CassandraDaemon on <storage-dir>.
is_our_cassandra() {
  local pid=$1 storage=$2 cmdline
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == java ]] || return 1
  cmdline=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qx 'org.apache.cassandra.service.CassandraDaemon' <<<"$cmdline" &&
    grep -qxF -- "-Dcassandra.storagedir=$storage" <<<"$cmdline"
}
