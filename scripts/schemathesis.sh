#!/usr/bin/env bash
# Installs Schemathesis, pinned, into .tools/schemathesis-venv (git-ignored) from PyPI, and
# prints the path of its `st` command. The API fuzz test (test/e2e/schemathesis.test.ts) runs
# it against the real platform. Idempotent: nothing is installed when the pin matches.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.tools/schemathesis-venv"
PIN=schemathesis==4.32.5

if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PIN" ]; then
  python=$(command -v python3 || true)
  if [ -z "$python" ] || ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "schemathesis: needs Python 3.10+ with venv (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  echo "schemathesis: installing $PIN into .tools/schemathesis-venv" >&2
  "$python" -m venv --clear "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "$PIN" >&2
  echo "$PIN" >"$VENV/.pins"
fi
echo "$VENV/bin/st"
