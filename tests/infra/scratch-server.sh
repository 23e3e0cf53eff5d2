# Sourced by the scripts that drive a real `windflow serve` (generated-client.sh, api-fuzz.sh):
# starts the debug binary built by `cargo test` on a free loopback port in the scratch directory
# "$work", with collectors and the scheduler off, waits until it listens, and reads the first-run
# setup token from its JSON log. Sets: port, pid (the caller's EXIT trap kills it), token.
BIN=${WF_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/windflow/target}/debug/windflow}
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
