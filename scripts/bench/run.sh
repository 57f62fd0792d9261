#!/usr/bin/env bash
# Runs every layerlab benchmark (see docs/BENCHMARKS.md):
#   1. native front end on the real-world corpus, with the parse-dockerfile crate (cargo bench)
#   2. native artifacts: layer tar, sha256, gzip on 5,000 generated files (~200 MB, in /tmp)
#   3. the same files through GNU tar | sha256sum, sha256sum and gzip -6 (the reference tools)
#   4. wasm (Node): front end, dockerfile-ast 0.7.1, artifacts
# Usage: scripts/bench/run.sh [frontend|artifacts|tools|wasm ...]   (default: all)
# Env: LAYERLAB_SHARED (default ../shared beside the package), LAYERLAB_BENCH_FILES
# (default /tmp/layerlab-bench-files), ROUNDS (front end, default 30), REPEAT (tools, default 3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export LAYERLAB_SHARED="${LAYERLAB_SHARED:-$root/../shared}"
export LAYERLAB_BENCH_FILES="${LAYERLAB_BENCH_FILES:-/tmp/layerlab-bench-files}"
rounds="${ROUNDS:-30}"
repeat="${REPEAT:-3}"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(frontend artifacts tools wasm)

echo "# layerlab benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(rustc --version); node $(node --version 2>/dev/null || echo missing)"

# Median of the given numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Times a shell pipeline REPEAT times; prints a table row with the median wall time and the
# median CPU time (user + sys of every process in it), and MB/s over BYTES.
time_tool() {
  local name="$1" bytes="$2" cmd="$3" walls=() cpus=() out
  for _ in $(seq "$repeat"); do
    out="$( { TIMEFORMAT='%R %U %S'; time bash -c "$cmd" >/dev/null; } 2>&1 | tail -n 1)"
    read -r real user sys <<<"$out"
    walls+=("$real")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
  done
  local w c
  w="$(median "${walls[@]}")"
  c="$(median "${cpus[@]}")"
  awk -v n="$name" -v b="$bytes" -v w="$w" -v c="$c" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { mb = b / 1e6; printf "| %-40s | %8.2f | %9.1f | %9.1f | %10.1f | %11.1f | %s |\n", n, mb, w*1000, c*1000, (c > 0 ? mb/c : 0), (w > 0 ? mb/w : 0), l }'
}

for part in "${parts[@]}"; do
  case "$part" in
  frontend)
    echo; echo "## Front end, native"
    (cd "$root" && cargo bench --bench frontend -- --rounds "$rounds")
    ;;
  artifacts)
    echo; echo "## Artifacts, native"
    (cd "$root" && cargo bench --bench artifacts)
    ;;
  tools)
    files="$LAYERLAB_BENCH_FILES"
    tar="$files.layer.tar"
    [ -f "$tar" ] || { echo "run the artifacts part first (it generates $files and $tar)"; exit 1; }
    parent="$(dirname "$files")"
    base="$(basename "$files")"
    content_bytes="$(du -sb --apparent-size "$files" | cut -f1)"
    tar_bytes="$(stat -c %s "$tar")"
    gnu_tar_bytes="$(tar cf - -C "$parent" "$base" | wc -c)"
    echo; echo "## Reference tools on the same files ($repeat runs, medians; CPU = user + sys of the whole pipeline)"
    echo "files: $content_bytes bytes of content; GNU tar stream $gnu_tar_bytes bytes; layerlab's layer tar $tar_bytes bytes"
    echo "layerlab diff_id check: sha256sum of the layer tar = sha256:$(sha256sum "$tar" | cut -d' ' -f1)"
    echo
    echo "| step                                     | MB       | wall ms   | CPU ms    | MB/s (CPU) | MB/s (wall) | load avg (1 5 15) |"
    echo "|------------------------------------------|----------|-----------|-----------|------------|-------------|-------------------|"
    time_tool "tar cf - DIR | sha256sum" "$gnu_tar_bytes" "tar cf - -C '$parent' '$base' | sha256sum"
    time_tool "tar cf - DIR | cat (tar alone)" "$gnu_tar_bytes" "tar cf - -C '$parent' '$base' | cat"
    time_tool "sha256sum layer.tar" "$tar_bytes" "sha256sum '$tar'"
    time_tool "gzip -6 -n < layer.tar" "$tar_bytes" "gzip -6 -n < '$tar'"
    ;;
  wasm)
    echo; echo "## wasm (Node)"
    [ -f "$here/wasm-frontend/out/bench-z-opt.wasm" ] || "$here/build-wasm.sh"
    [ -d "$here/node_modules/dockerfile-ast" ] || (cd "$here" && npm ci --no-audit --no-fund)
    node "$here/wasm-bench.mjs" --rounds "$rounds"
    ;;
  *)
    echo "unknown part: $part (frontend, artifacts, tools, wasm)"; exit 2
    ;;
  esac
done
