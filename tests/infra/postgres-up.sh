#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1:${WF_PG_PORT:-55432} for the test suite.
# Installs Debian's postgresql when no server binaries exist. Prints the admin URL on stdout;
# everything else goes to stderr. Stop with tests/infra/postgres-down.sh.
set -euo pipefail
RUN=${WF_PG_RUN:-/tmp/wf-test-pg}
PORT=${WF_PG_PORT:-55432}
log() { echo "postgres-up: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { log "no initdb found after install"; exit 1; }

# Stop a previous run of ours, if any.
if [ -f "$RUN/data/postmaster.pid" ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/data" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$RUN"; mkdir -p "$RUN/sock"; chown -R postgres:postgres "$RUN"
# initdb refuses to run as root: run the server as the postgres user.
runuser -u postgres -- "$PGBIN/initdb" -D "$RUN/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 >"$RUN/initdb.log"
# fsync=off and friends: test-only speed settings, never for real data.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/data" -l "$RUN/server.log" -w -t 60 -o \
  "-p $PORT -k $RUN/sock -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
runuser -u postgres -- "$PGBIN/psql" -h "$RUN/sock" -p "$PORT" -U postgres -qv ON_ERROR_STOP=1 \
  -c "CREATE ROLE windflow LOGIN PASSWORD 'windflow-test' CREATEDB" -c "CREATE DATABASE windflow OWNER windflow" >&2
log "ready on 127.0.0.1:$PORT"
echo "postgres://windflow:windflow-test@127.0.0.1:$PORT/windflow"
