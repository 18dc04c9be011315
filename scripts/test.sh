#!/usr/bin/env bash
# make test: install what the tests need, then run the whole suite on SQLite and on a
# throwaway PostgreSQL cluster. Exit status 0 only if every run passed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
dpkg -s postgresql >/dev/null 2>&1 || need+=(postgresql)
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian packages…"
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi

make --no-print-directory install-test

echo "== ruff check =="
.venv/bin/ruff check tracker tests bench migrations

# Throwaway PostgreSQL: own data directory, random port, socket inside it, no fsync.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=$(mktemp -d "${TMPDIR:-/tmp}/tracker-pg.XXXXXX")
chown postgres:postgres "$PGDATA"
PGPORT=$(.venv/bin/python -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
stop_pg() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap stop_pg EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres tracker_test
PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/tracker_test"

# The two runs are independent (own databases, own temporary folders, free ports), so they
# run side by side, one per core; each run's output is shown whole when both have finished.
# TEST_SERIAL=1 runs them one after the other with live output instead.
rc=0
set +e
if [ "${TEST_SERIAL:-0}" = 1 ]; then
  echo "== Test suite on SQLite =="
  .venv/bin/python -m pytest -q "$@"
  sqlite_rc=$?
  echo "== Test suite on PostgreSQL =="
  TRACKER_TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -q "$@"
  pg_rc=$?
else
  LOGS=$(mktemp -d "${TMPDIR:-/tmp}/tracker-test-logs.XXXXXX")
  echo "Running the suite on SQLite and on PostgreSQL side by side…"
  .venv/bin/python -m pytest -q "$@" >"$LOGS/sqlite.log" 2>&1 &
  sqlite_pid=$!
  TRACKER_TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -q "$@" >"$LOGS/pg.log" 2>&1 &
  pg_pid=$!
  wait "$sqlite_pid"; sqlite_rc=$?
  wait "$pg_pid"; pg_rc=$?
  echo "== Test suite on SQLite =="; cat "$LOGS/sqlite.log"
  echo "== Test suite on PostgreSQL =="; cat "$LOGS/pg.log"
  rm -rf "$LOGS"
fi
set -e
[ "$sqlite_rc" -eq 5 ] && sqlite_rc=0
[ "$pg_rc" -eq 5 ] && pg_rc=0
[ "$sqlite_rc" -ne 0 ] && rc=$sqlite_rc
[ "$pg_rc" -ne 0 ] && rc=$pg_rc
echo "SQLite run: exit $sqlite_rc; PostgreSQL run: exit $pg_rc"
exit $rc
