#!/usr/bin/env bash
# Installs what is missing, then serves the playground at http://127.0.0.1:8080
# with the seed example loaded. Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$LAYERLAB_ROOT/scripts/install.sh" play
cd "$LAYERLAB_ROOT"
echo "layerlab: building, then serving http://127.0.0.1:8080"
exec trunk serve --release --offline=true --address 127.0.0.1 --port 8080
