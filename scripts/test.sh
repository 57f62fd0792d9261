#!/usr/bin/env bash
# Installs what is missing, then runs every test of layerlab:
#   1. formatting and clippy (warnings are errors)
#   2. native unit, integration and conformance tests (cargo test; shared data from $LAYERLAB_SHARED)
#   3. browser-only code under wasm-bindgen-test in headless Chromium
#   4. the release bundle built by Trunk, and its download size
#   5. end-to-end tests: dist/ served on 127.0.0.1, driven in headless Chromium
# Ends with one line "N passed, M failed" summing every test run.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$LAYERLAB_ROOT"
bash scripts/install.sh test || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }

if [ ! -d "$LAYERLAB_SHARED" ]; then
  echo "error: shared test data not found at $LAYERLAB_SHARED (set LAYERLAB_SHARED)"
  echo "0 passed, 1 failed"
  exit 1
fi

# CI builds once from a clean clone: the incremental cache would only take disk space.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
# A clean run writes about 3.5 GB (target/ 3.0 GB, dist/, node_modules/, temporary files):
# say so at the start rather than fail halfway with "No space left on device".
free_kb=$(df -Pk "$LAYERLAB_ROOT" | awk 'NR==2 {print $4}')
echo "disk: $((free_kb / 1048576)) GiB free under $LAYERLAB_ROOT"
if [ "${free_kb:-0}" -lt $((6 * 1048576)) ]; then
  echo "warning: less than 6 GiB free; a clean run needs about 3.5 GB"
fi

logs="$(mktemp -d)"
passed=0
failed=0
failed_steps=()

# count_cargo LOG: add up "test result: ... N passed; M failed" lines (cargo test and
# wasm-bindgen-test-runner print the same summary).
count_cargo() {
  local p f
  p=$(grep -aE '^test result: ' "$1" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}')
  f=$(grep -aE '^test result: ' "$1" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}

# step NAME COMMAND...: run a step, show its output, count a step failure when it exits non-zero
# without having reported failed tests of its own.
step() {
  local name="$1"; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local log="$logs/$(echo "$name" | tr -c 'a-z0-9' '-').log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  echo "$rc" > "$log.rc"
  if [ "$rc" -ne 0 ]; then failed_steps+=("$name"); fi
  LAST_LOG="$log"
  return 0
}

step "cargo fmt --check" cargo fmt --all -- --check
if [ "$(cat "$LAST_LOG.rc")" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
if [ "$(cat "$LAST_LOG.rc")" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

step "cargo clippy (wasm32: the playground)" cargo clippy --locked --target wasm32-unknown-unknown --bins -- -D warnings
if [ "$(cat "$LAST_LOG.rc")" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# Benchmarks are left out: they run by themselves (cargo bench) and report numbers.
# --no-fail-fast: a failing test binary must not hide the results of the others.
step "native tests" cargo test --locked --no-fail-fast --workspace --lib --bins --tests
count_cargo "$LAST_LOG"

step "wasm tests in headless Chromium" cargo test --locked --no-fail-fast --target wasm32-unknown-unknown --test web --test web_digests
count_cargo "$LAST_LOG"

step "trunk build --release" trunk build --release --offline=true
if [ "$(cat "$LAST_LOG.rc")" = 0 ]; then
  passed=$((passed + 1))
  step "bundle size" bash scripts/size.sh
  step "end-to-end tests in headless Chromium" node --test --test-reporter=spec tests/e2e/
  e2e_pass=$(grep -aE '^ℹ pass [0-9]+' "$LAST_LOG" | awk '{print $3}' | tail -1)
  e2e_fail=$(grep -aE '^ℹ fail [0-9]+' "$LAST_LOG" | awk '{print $3}' | tail -1)
  passed=$((passed + ${e2e_pass:-0})); failed=$((failed + ${e2e_fail:-0}))
  if [ "$(cat "$LAST_LOG.rc")" != 0 ] && [ "${e2e_fail:-0}" = 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "steps that failed: ${failed_steps[*]}"
  # A step that died before reporting its tests (a compile error) still fails the run.
  [ "$failed" -gt 0 ] || failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
