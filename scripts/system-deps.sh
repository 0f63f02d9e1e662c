#!/usr/bin/env bash
# Installs the system packages the local stack runs on, when they are missing:
# PostgreSQL, Redis, a JDK 17 and Maven (for Cassandra), curl, Prometheus (its promtool checks
# the alert rules; `make dev` and the dashboard test run the server on project ports). Debian and
# Ubuntu via apt; elsewhere it says what to install and stops. python3-venv too, for the
# deployment checkers (scripts/deploy-tools.sh, which `make test` runs).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${CHIRP_PG_BIN:-}" ] || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v redis-server >/dev/null || missing+=(redis-server)
java_major=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1 || true)
[[ $java_major == 17 || $java_major == 11 ]] || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v curl >/dev/null || missing+=(curl)
command -v setpriv >/dev/null || missing+=(util-linux)
command -v openssl >/dev/null || missing+=(openssl)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
{ command -v prometheus && command -v promtool; } >/dev/null || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present (postgres, redis, java $java_major, maven, curl, openssl, python3-venv, prometheus)"
  exit 0
fi

if command -v apt-get >/dev/null; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "system-deps: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  # Debian starts the packaged servers on their default ports; the stack runs its own on project
  # ports. A policy-rc.d answering 101 tells the maintainer scripts not to start them at all
  # (where no such file exists; one that does is left as it is).
  policy=/usr/sbin/policy-rc.d ours_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null && "${sudo[@]}" chmod 755 "$policy" && ours_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$ours_policy" ] || "${sudo[@]}" rm -f "$policy"
  for unit in postgresql redis-server prometheus; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then "${sudo[@]}" systemctl stop "$unit" || true; fi
  done
  echo "system-deps: done"
else
  cat >&2 <<MSG
system-deps: missing ${missing[*]} and this is not a Debian-like system. Install:
  macOS (Homebrew): brew install postgresql@15 redis openjdk@17 maven prometheus
                    and set CHIRP_PG_BIN to the folder holding initdb and pg_ctl
  Fedora:           dnf install postgresql-server redis java-17-openjdk-headless maven golang-github-prometheus
MSG
  exit 1
fi
