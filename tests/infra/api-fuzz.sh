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
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; cp "$work/server.log" "${TMPDIR:-/tmp}/api-fuzz-server.log" 2>/dev/null; rm -rf "$work"' EXIT
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore 'schemathesis==4.32.5' >/dev/null
. tests/infra/scratch-server.sh
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
