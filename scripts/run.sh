#!/usr/bin/env bash
# Build and run WindFlow on the embedded default: SQLite in ./data, http://127.0.0.1:8080.
# Extra arguments go to `windflow serve` (e.g. --config windflow.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}
cargo build --release --locked -p windflow-server
exec "$CARGO_TARGET_DIR/release/windflow" serve "$@"
