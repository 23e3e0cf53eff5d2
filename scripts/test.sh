#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this kind (Debian, root): installs what it needs,
# checks formatting and lints, runs every test on the embedded SQLite, then the API suite again
# on a real PostgreSQL that it starts itself. Exits non-zero on any failure.
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

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "PostgreSQL"
PG_URL=$(bash tests/infra/postgres-up.sh)
trap 'bash tests/infra/postgres-down.sh' EXIT

step "tests on SQLite (every crate)"
cargo test --workspace --locked

step "API tests on PostgreSQL"
WINDFLOW_TEST_DATABASE_URL="$PG_URL" cargo test --locked -p windflow-tests

step "all tests passed in $((SECONDS - t0))s"
