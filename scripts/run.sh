#!/usr/bin/env bash
# Build and run WindFlow on the embedded default: SQLite in ./data, the web app and the API on
# http://127.0.0.1:8080. Installs the web-app toolchain on first use (several minutes).
# Extra arguments go to `windflow serve` (e.g. --config windflow.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}
bash scripts/build-deps.sh
bash scripts/build-frontend.sh
cargo build --release --locked -p windflow-server
exec "$CARGO_TARGET_DIR/release/windflow" serve "$@"
