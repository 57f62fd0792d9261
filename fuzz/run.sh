#!/usr/bin/env bash
# Runs every fuzz target one after the other, SECONDS each (default 600), one job each
# (the machine has two shared cores). Logs go to $FUZZ_LOGS (default /tmp/layerlab-fuzz).
# The parse target is seeded with the real-world corpus when shared/ is found.
#   fuzz/run.sh [SECONDS] [TARGET...]
# Extra libFuzzer flags: FUZZ_FLAGS (e.g. "-max_len=4096"); sanitizer: FUZZ_SANITIZER
# (cargo-fuzz's default is address; "none" runs several times faster: the engine is safe Rust).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse expand)
logs="${FUZZ_LOGS:-/tmp/layerlab-fuzz}"
mkdir -p "$logs"
shared="${LAYERLAB_SHARED:-$PWD/../shared}"
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  seeds=()
  if [ "$target" = parse ] && [ -d "$shared/corpus/realworld" ]; then
    seeds=("$shared/corpus/realworld")
  fi
  if [ -d "fuzz/regressions/$target" ]; then
    seeds+=("fuzz/regressions/$target")
  fi
  echo "== $target: ${seconds}s, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S)"
  # -timeout: an input that takes over 10 s is reported as a hang.
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  cargo +nightly fuzz run -O -s "${FUZZ_SANITIZER:-address}" "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 ${FUZZ_FLAGS:-} \
    >"$logs/$target.log" 2>&1 && status=ok || status="FAILED ($?)"
  echo "== $target: $status, $(date -u +%H:%M:%S); log: $logs/$target.log"
  grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$logs/$target.log" || true
  tail -n 3 "$logs/$target.log"
done
