#!/usr/bin/env bash
# Builds the wasm benchmark module twice: the shipped profile (opt-level "z") and opt-level 3,
# both with SIMD (what the playground is built with, see shared/docs/toolchain.md).
# Output: scripts/bench/wasm-frontend/out/bench-{z,o3}.wasm
set -euo pipefail
cd "$(dirname "$0")/wasm-frontend"
export CARGO_TARGET_DIR="${BENCH_WASM_TARGET_DIR:-${CARGO_TARGET_DIR:-$PWD/target}-bench-wasm}"
export RUSTFLAGS="-C target-feature=+simd128"
mkdir -p out
cargo build --target wasm32-unknown-unknown --profile release
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/layerlab_bench_wasm.wasm" out/bench-z.wasm
if [ "${BENCH_WASM_O3:-1}" = 1 ]; then
  cargo build --target wasm32-unknown-unknown --profile speed
  cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/speed/layerlab_bench_wasm.wasm" out/bench-o3.wasm
fi
ls -l out/
