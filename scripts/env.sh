# Sourced by the scripts: the environment every build and test step runs in.
# shellcheck shell=bash
LAYERLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LAYERLAB_ROOT
# Tools installed by cargo and npm; node_modules/.bin first so Trunk finds binaryen's wasm-opt.
export PATH="$LAYERLAB_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Shared conformance data and corpora, beside the project root unless given.
export LAYERLAB_SHARED="${LAYERLAB_SHARED:-$(cd "$LAYERLAB_ROOT/.." && pwd)/shared}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# The wasm-bindgen CLI must be exactly the version in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$LAYERLAB_ROOT/Cargo.lock"
}
