#!/usr/bin/env bash
# Remove test containers and stop the engine started by docker-up.sh (never kill by name).
set -u
ROOT=${WF_DOCKER_ROOT:-/tmp/wf-docker}
SOCK=$ROOT/docker.sock
if docker -H "unix://$SOCK" version >/dev/null 2>&1; then
  ids=$(docker -H "unix://$SOCK" ps -aq)
  [ -n "$ids" ] && docker -H "unix://$SOCK" rm -fv $ids >/dev/null 2>&1
fi
[ -f "$ROOT/registry.pid" ] && kill "$(cat "$ROOT/registry.pid")" 2>/dev/null
[ -f "$ROOT/docker.pid" ] && kill "$(cat "$ROOT/docker.pid")" 2>/dev/null
exit 0
