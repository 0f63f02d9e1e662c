#!/usr/bin/env bash
# Jaeger v1.76.0 (the all-in-one `jaeger` binary: OTLP in, query API and UI out, traces in memory),
# the local trace backend, built from its Go module when absent and kept outside the work tree so
# fresh clones on this machine reuse it:
#   scripts/jaeger.sh path    build if needed, print the binary's path
# `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0` refuses the module (its go.mod
# has replace directives), so the module is downloaded from the Go module proxy and built in a copy.
# The first build takes minutes (a few hundred modules); CHIRP_JAEGER_DIR moves the cache.
set -euo pipefail

VERSION=v1.76.0
DIR="${CHIRP_JAEGER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chirp/jaeger-$VERSION}"
BIN="$DIR/jaeger"

build() {
  local go src
  go=$(command -v go || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true)
  [ -n "$go" ] || { echo "jaeger: building Jaeger needs Go 1.24+ (apt-get install golang, or go.dev/dl)" >&2; exit 1; }
  echo "jaeger: building Jaeger $VERSION into $DIR (first time only; several minutes)" >&2
  src=$("$go" mod download -json "github.com/jaegertracing/jaeger@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { echo "jaeger: could not download github.com/jaegertracing/jaeger@$VERSION from the Go module proxy" >&2; exit 1; }
  mkdir -p "$DIR"
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  cp -r "$src/." "$work" && chmod -R u+w "$work"
  (cd "$work" && GOFLAGS=-mod=mod "$go" build -o "$BIN.partial" ./cmd/jaeger)
  mv "$BIN.partial" "$BIN"
}

case "${1:-}" in
  path)
    [ -x "$BIN" ] || build
    echo "$BIN"
    ;;
  *) echo "usage: $0 path" >&2; exit 2 ;;
esac
