#!/usr/bin/env bash
# Issue 12: generate a Python client from the committed OpenAPI document with a standard
# generator (openapi-python-client, from PyPI) and drive a real `windflow serve` with it (first
# run, login, create and list an organization). Needs the debug `windflow` binary built by
# `cargo test`; starts the server on a free loopback port in a scratch directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore 'openapi-python-client==0.29.1' >/dev/null
openapi-python-client generate --path openapi/windflow.json --output-path "$work/client" >/dev/null
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "$work/client" >/dev/null
. tests/infra/scratch-server.sh
python3 tests/infra/generated_client_check.py "http://127.0.0.1:$port" "$token"
