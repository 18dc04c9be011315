#!/usr/bin/env bash
# make run: migrate, load demo data if the database is empty, then serve the app with the
# scheduler beside it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRACKER_ENV_NAME="${TRACKER_ENV_NAME:-demo}"
PORT="${PORT:-5000}"
BIN=.venv/bin

"$BIN/tracker" db upgrade
"$BIN/tracker" demo --if-empty --children "${DEMO_CHILDREN:-300}"
if "$BIN/tracker" --help 2>/dev/null | grep -q "items"; then
  "$BIN/tracker" items recompute --quiet || true
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if "$BIN/tracker" --help 2>/dev/null | grep -q "scheduler"; then
  "$BIN/tracker" scheduler &
  pids+=($!)
fi

echo "Serving on http://127.0.0.1:${PORT} (Ctrl-C to stop)"
# The image's server settings (tracker/gunicorn_conf.py: JSON log lines), on loopback.
"$BIN/gunicorn" --config python:tracker.gunicorn_conf --bind "127.0.0.1:${PORT}" --graceful-timeout 5 &
pids+=($!)
wait -n "${pids[@]}"
