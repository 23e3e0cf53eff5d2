#!/usr/bin/env bash
# Browser tests: starts `windflow serve` (fresh SQLite data dir, the built app from
# frontend/dist) on a free loopback port, reads the setup token from its JSON log, and runs
# frontend/e2e/e2e.mjs in headless Chromium. Screenshots go to target/e2e-screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}
# WF_BIN: a server binary to test (a copy, when the shared target dir may be rebuilt meanwhile).
bin="${WF_BIN:-$CARGO_TARGET_DIR/debug/windflow}"
[ -x "$bin" ] || cargo build --locked -p windflow-server
# One fresh server and one whole browser run per language (issue 13: the browser test runs once
# in each language); E2E_LANGS narrows it (e.g. `E2E_LANGS=fr`).
run_lang() {
  local lang=$1 data port server token
  data=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  WINDFLOW_COLLECTORS__TICK_SECS=1 WINDFLOW_COLLECTORS__METRICS_INTERVAL_SECS=2 \
    WINDFLOW_DATA_DIR="$data/data" WINDFLOW_LISTEN="127.0.0.1:$port" WINDFLOW_LOG_FORMAT=json WINDFLOW_WEB_DIR="$PWD/frontend/dist" \
    "$bin" serve >"$data/server.log" 2>&1 &
  server=$!
  trap "kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf '$data'" EXIT
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  token=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    try: v = json.loads(l)
    except ValueError: continue
    if "setup_token" in v: print(v["setup_token"]); break' "$data/server.log")
  [ -n "$token" ] || { echo "no setup token in the server log"; cat "$data/server.log"; return 1; }
  echo "== browser tests in language: $lang"
  local rc=0
  APP_URL="http://127.0.0.1:$port" SETUP_TOKEN="$token" SHOTS="$shots/$lang" DOCKER_SOCKET="${WF_TEST_DOCKER_SOCKET:-}" E2E_LANG="$lang" \
    node frontend/e2e/e2e.mjs || rc=$?
  kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"
  trap - EXIT
  return $rc
}
shots="$PWD/target/e2e-screenshots"   # ignored folder inside the clone: the CI artefact
rm -rf "$shots"
failed=0
for lang in ${E2E_LANGS:-en fr}; do run_lang "$lang" || failed=1; done
echo "screenshots: $shots"
exit $failed
