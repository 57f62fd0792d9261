#!/usr/bin/env bash
# Builds the wasm benchmark module:
#   bench-z.wasm      the playground's release profile (opt-level "z", the front-end crate at 3);
#   bench-z-opt.wasm  the same after wasm-opt with the flags Trunk uses on the playground
#                     (read from www/index.html): what ships;
#   bench-o3.wasm     everything at opt-level 3 (BENCH_WASM_O3=0 skips it).
# RUSTFLAGS: the playground's (none: Trunk builds it without simd128, and its wasm-opt flags
# reject SIMD) unless BENCH_WASM_SIMD=1 adds `-C target-feature=+simd128` (and `--enable-simd`
# to wasm-opt); not what ships, but it shows what SIMD would give. Those builds go to a target
# dir of their own.
# Output: scripts/bench/wasm-frontend/out/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/scripts/env.sh"
cd "$here/wasm-frontend"
target="${BENCH_WASM_TARGET_DIR:-${CARGO_TARGET_DIR:-$PWD/target}-bench-wasm}"
if [ "${BENCH_WASM_SIMD:-0}" = 1 ]; then
  export RUSTFLAGS="-C target-feature=+simd128"
  target="$target-simd"
else
  unset RUSTFLAGS
fi
export CARGO_TARGET_DIR="$target"

# The wasm-opt level and flags of the playground's <link data-trunk rel="rust"> in www/index.html.
link="$(grep -m1 'data-trunk rel="rust"' "$root/www/index.html" || true)"
level="$(sed -nE 's/.*data-wasm-opt="([^"]*)".*/\1/p' <<<"$link")"
params="$(sed -nE 's/.*data-wasm-opt-params="([^"]*)".*/\1/p' <<<"$link")"
if [ -z "$level" ]; then
  echo "error: no data-wasm-opt on the rust link in www/index.html" >&2
  exit 1
fi
if [ "${BENCH_WASM_SIMD:-0}" = 1 ]; then params="$params --enable-simd"; fi

mkdir -p out
rm -f out/bench-*.wasm
cargo build --target wasm32-unknown-unknown --profile release
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/layerlab_bench_wasm.wasm" out/bench-z.wasm
# shellcheck disable=SC2086 # the flags are words
wasm-opt "-O$level" $params out/bench-z.wasm -o out/bench-z-opt.wasm
echo "wasm-opt -O$level $params"
if [ "${BENCH_WASM_O3:-1}" = 1 ]; then
  cargo build --target wasm32-unknown-unknown --profile speed
  cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/speed/layerlab_bench_wasm.wasm" out/bench-o3.wasm
fi
{ echo "RUSTFLAGS=${RUSTFLAGS:-}"; git -C "$root" describe --always --dirty 2>/dev/null || echo "not a git checkout"; } > out/BUILD
ls -l out/
