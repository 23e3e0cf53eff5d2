#!/usr/bin/env bash
# Stop the PostgreSQL started by postgres-up.sh and remove its files.
set -u
RUN=${WF_PG_RUN:-/tmp/wf-test-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -n "$PGBIN" ] && [ -f "$RUN/data/postmaster.pid" ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN/data" -m fast stop >/dev/null 2>&1 || true
fi
rm -rf "$RUN"
