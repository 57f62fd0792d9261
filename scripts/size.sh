#!/usr/bin/env bash
# Prints the size of what a browser downloads (wasm, js, css: raw, gzip, brotli) from dist/:
# the page's first render (page module), the engine module (loaded by the workers), the sum.
# Build first: trunk build --release --offline=true
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$LAYERLAB_ROOT"
[ -d dist ] || { echo "no dist/: run 'trunk build --release --offline=true' first" >&2; exit 2; }
node scripts/size.mjs dist "$@"
