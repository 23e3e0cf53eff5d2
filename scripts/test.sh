#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this kind (Debian, root): installs what it needs,
# checks formatting and lints, builds the web app (release, wasm32), runs every Rust test on the
# embedded SQLite, the API suite again on a real PostgreSQL it starts itself (with a real Docker
# engine for the endpoint and container tests), and the browser
# tests in headless Chromium against `windflow serve`. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

# Reuse a build cache outside the clone when there is one (CI clones afresh each time).
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}
mkdir -p "$CARGO_TARGET_DIR"
export CARGO_TERM_COLOR=never

step "toolchain components"
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

step "C build dependencies (OpenSSL for libgit2)"
bash scripts/build-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check
(cd frontend && cargo fmt -- --check)

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

step "OpenAPI document: a standard 3.1 validator (openapi-spec-validator from PyPI)"
python3 -m pip install -q --disable-pip-version-check 'openapi-spec-validator==0.9.0' >/dev/null 2>&1 \
  || python3 -m pip install -q --disable-pip-version-check 'openapi-spec-validator==0.9.0'
python3 tests/infra/validate-openapi.py openapi/windflow.json

step "web app toolchain (wasm32, trunk, wasm-bindgen, wasm-opt, chromium, playwright)"
bash scripts/frontend-tools.sh

step "contract and client crates build for wasm32"
cargo check --locked -p windflow-api -p windflow-client --target wasm32-unknown-unknown

step "web app: clippy (wasm32) and release build"
(cd frontend && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/frontend" cargo clippy --locked --target wasm32-unknown-unknown -- -D warnings)
bash scripts/build-frontend.sh

step "web app: unit tests of its pure helpers (run on the host)"
(cd frontend && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/frontend" cargo test --locked)

step "PostgreSQL, a Docker engine and OpenSSH's server (for Git over SSH)"
PG_URL=$(bash tests/infra/postgres-up.sh)
trap 'bash tests/infra/postgres-down.sh; bash tests/infra/docker-down.sh' EXIT
WF_TEST_DOCKER_SOCKET=$(bash tests/infra/docker-up.sh)
export WF_TEST_DOCKER_SOCKET WF_REQUIRE_DOCKER=1
WF_TEST_SSHD=$(bash tests/infra/sshd-up.sh)
export WF_TEST_SSHD

step "tests on SQLite (every crate)"
cargo test --workspace --locked

step "API tests on PostgreSQL"
WF_TEST_DATABASE_URL="$PG_URL" cargo test --locked -p windflow-tests

step "a Python client generated from the contract (openapi-python-client) against windflow serve"
bash tests/infra/generated-client.sh

step "a property-based API tester (schemathesis) over the whole contract against windflow serve"
bash tests/infra/api-fuzz.sh

step "browser tests"
bash scripts/e2e.sh

step "all tests passed in $((SECONDS - t0))s"
