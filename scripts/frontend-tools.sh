#!/usr/bin/env bash
# Installs the web-app toolchain at the versions pinned in ../shared/notes (they work together on
# rustc 1.95): wasm32 target, trunk 0.21.14, wasm-bindgen-cli 0.2.130, npm binaryen 132
# (wasm-opt) and playwright-core, Debian's Chromium. Idempotent; fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
TRUNK_VER=0.21.14          # 0.22 needs rustc >= 1.96.1
WASM_BINDGEN_VER=0.2.130   # must equal wasm-bindgen in frontend/Cargo.lock
WASM_SPLIT_VER=0.2.4       # the first to know wasm-bindgen >= 0.2.128's generic casts
fail() { echo "frontend-tools: $*" >&2; exit 1; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown \
  || fail "cannot install the wasm32-unknown-unknown target"
trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VER" \
  || cargo install trunk --version "$TRUNK_VER" --locked || fail "cannot install trunk $TRUNK_VER"
# No --locked: its shipped lockfile pins a crate version the registry lacks.
wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VER" \
  || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VER" || fail "cannot install wasm-bindgen-cli $WASM_BINDGEN_VER"
# The wasm splitter for per-route code splitting (leptos #[lazy_route]), run by the
# wasm-bindgen shim in frontend/tools/shim.
# (the binary has no --version: cargo's install list says which one is there)
cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VER:" \
  || cargo install wasm_split_cli_support --version "$WASM_SPLIT_VER" --locked --features build-binary \
  || fail "cannot install wasm_split_cli_support $WASM_SPLIT_VER"
lock_ver=$(grep -A1 '^name = "wasm-bindgen"$' frontend/Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
[ "$lock_ver" = "$WASM_BINDGEN_VER" ] || fail "frontend/Cargo.lock has wasm-bindgen $lock_ver, the CLI is $WASM_BINDGEN_VER"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq || fail "apt-get update failed"
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver >/dev/null || fail "cannot install chromium"
fi
npm ci --prefix frontend/e2e --no-audit --no-fund >/dev/null || fail "npm ci in frontend/e2e failed"
"$PWD/frontend/e2e/node_modules/.bin/wasm-opt" --version | grep -q 'version 132' || fail "wasm-opt 132 missing"
