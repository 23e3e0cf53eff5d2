#!/usr/bin/env bash
# Benchmark of the container list: WindFlow vs the engine, N = 10, 100, 500, and server RSS.
# Starts a throwaway Docker engine (tests/infra/docker-up.sh) and builds the release server.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}
cargo build --release --locked -p windflow-server
WF_TEST_DOCKER_SOCKET=$(bash tests/infra/docker-up.sh)
trap 'bash tests/infra/docker-down.sh' EXIT
WF_TEST_DOCKER_SOCKET="$WF_TEST_DOCKER_SOCKET" WF_BENCH_SERVER="$CARGO_TARGET_DIR/release/windflow" \
  cargo bench --locked -p windflow-tests --bench containers
