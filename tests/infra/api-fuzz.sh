#!/usr/bin/env bash
# Issue 12: a property-based API tester (schemathesis, from PyPI) over the whole committed
# contract, against a real `windflow serve` on the embedded SQLite, authenticated as an admin.
# Fails on any server error, any response that violates its schema, any schema-valid request the
# server rejects and any schema-invalid request it accepts (checks in tests/infra/schemathesis.toml,
# with each allowance written there with its reason). Needs the debug `windflow` binary built by
# `cargo test`. No Docker endpoint is registered: engine operations are checked up to the
# engine call (validation, permissions, 404 for unknown endpoints); the API tests drive them
# against a real engine, and a fuzzer must not prune the images the browser tests use.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${WF_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}/debug/windflow}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; cp "$work/server.log" "${TMPDIR:-/tmp}/api-fuzz-server.log" 2>/dev/null; rm -rf "$work"' EXIT
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore 'schemathesis==4.32.5' >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
( cd "$work" && WINDFLOW_LISTEN="127.0.0.1:$port" WINDFLOW_LOG_FORMAT=json \
    WINDFLOW_COLLECTORS__ENABLED=false WINDFLOW_SCHEDULER__ENABLED=false \
    exec "$BIN" serve ) >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening' "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
token=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    try: v=json.loads(l)
    except ValueError: continue
    if v.get("setup_token"): print(v["setup_token"]); break' "$work/server.log")
[ -n "$token" ] || { echo "no setup token in the server log"; cat "$work/server.log"; exit 1; }
vars=$(python3 tests/infra/api_fuzz_setup.py "http://127.0.0.1:$port" "$token")
eval "$vars"
export WF_FUZZ_TOKEN WF_FUZZ_ORG WF_FUZZ_PROJECT WF_FUZZ_ENV
status=0
run() { NO_COLOR=1 PYTHONPATH=tests/infra schemathesis --config-file "$1" run openapi/windflow.json \
  --url "http://127.0.0.1:$port" "${@:2}"; }
# Unit phases with the deep-route overrides, then the stateful phase on its own links.
run tests/infra/schemathesis.toml --phases examples,coverage,fuzzing "$@" || status=$?
sed '/^# ---- overrides for the unit phases only/,$d' tests/infra/schemathesis.toml >"$work/stateful.toml"
run "$work/stateful.toml" --phases stateful "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server errors logged during the run:"
  grep -E '"level":"(ERROR|WARN)"' "$work/server.log" | tail -20 || true
fi
exit "$status"
