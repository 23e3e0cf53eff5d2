#!/usr/bin/env bash
# Issue 12: generate a Python client from the committed OpenAPI document with a standard
# generator (openapi-python-client, from PyPI) and drive a real `windflow serve` with it (first
# run, login, create and list an organization). Needs the debug `windflow` binary built by
# `cargo test`; starts the server on a free loopback port in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${WF_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}/debug/windflow}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore 'openapi-python-client==0.29.1' >/dev/null
openapi-python-client generate --path openapi/windflow.json --output-path "$work/client" >/dev/null
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "$work/client" >/dev/null
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
python3 tests/infra/generated_client_check.py "http://127.0.0.1:$port" "$token"
