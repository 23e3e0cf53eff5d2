#!/usr/bin/env bash
# Builds the web app in release mode (wasm-opt -Oz) into frontend/dist, then prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/frontend-tools.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}/frontend
# npm's wasm-opt 132 must win over any Debian binaryen on PATH, and the wasm-bindgen shim (code
# splitting, frontend/tools/shim) over the real wasm-bindgen.
export PATH="$PWD/frontend/tools/shim:$PWD/frontend/e2e/node_modules/.bin:$PATH"
export WF_WASM_SPLIT_STASH="$CARGO_TARGET_DIR/wasm-split"
cd frontend
cargo fetch --locked
trunk build --release --offline
cd ..
# Brotli and gzip copies beside each file, served by web.rs (never compressed per request).
node scripts/precompress.mjs frontend/dist
# Fails the build when the initial download is over the budget (issue 13: 400 KB).
bash scripts/app-size.sh
